//! `veritasd`: the Veritas node and its command line.

mod abci;
mod chain_meta;
mod cli;
mod client;
mod config;
mod fatal;
mod home;
mod keyring;
mod logging;
mod mempool;
mod modules;
mod node;
mod proposal;
mod query;
mod tx;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    if let Err(err) = cli.run() {
        // One line, the whole cause chain: operators read this first.
        let text = format!("{err:#}");
        eprintln!("Error: {}", text.split_whitespace().collect::<Vec<_>>().join(" "));
        std::process::exit(1);
    }
}
