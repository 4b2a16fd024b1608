//! Generates Rust types from `veritas/**/*.proto` with prost, parsing the files with
//! protox (pure Rust: no `protoc` to install).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "veritas/zkverify/v1/zkverify.proto",
        "veritas/authority/v1/authority.proto",
        "veritas/poa/v1/poa.proto",
        "veritas/ibc/v1/ibc.proto",
    ];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    let descriptors = protox::compile(files, ["."])?;
    // `prost::Name` gives each message its full name and type URL.
    prost_build::Config::new().enable_type_names().compile_fds(descriptors)?;
    Ok(())
}
