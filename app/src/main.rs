//! `veritasd`: the Veritas node and its command line.

use clap::Parser;

// Block execution allocates many small buffers; mimalloc handles that faster than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = veritas_app::cli::Cli::parse();
    if let Err(err) = cli.run() {
        // One line, the whole cause chain: operators read this first.
        let text = format!("{err:#}");
        eprintln!("Error: {}", text.split_whitespace().collect::<Vec<_>>().join(" "));
        std::process::exit(1);
    }
}
