//! Records the versions of the crates the node is built on (from `Cargo.lock`), so
//! `GetNodeInfo` can report them as the Cosmos SDK reports its Go build dependencies.

use std::fmt::Write as _;

/// Crates whose versions matter to operators and relayers.
const REPORTED: &[&str] = &[
    "tendermint",
    "tendermint-abci",
    "ibc",
    "ibc-proto",
    "cosmos-sdk-proto",
    "cosmrs",
    "jmt",
    "ics23",
    "rocksdb",
    "ark-groth16",
    "ark-bls12-381",
    "tonic",
    "prost",
];

fn main() {
    // Read at run time: a build script compiled in one checkout may be reused for another
    // (same target dir), and `env!` would point it at the first one's lock file.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock_path = format!("{manifest_dir}/../Cargo.lock");
    println!("cargo:rerun-if-changed={lock_path}");
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_else(|e| panic!("cannot read {lock_path}: {e}"));
    let mut deps = Vec::new();
    for package in lock.split("[[package]]") {
        let field = |name: &str| {
            package
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} = \"")))
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_owned)
        };
        let (Some(name), Some(version)) = (field("name"), field("version")) else { continue };
        if REPORTED.contains(&name.as_str()) {
            deps.push((name, version, field("checksum").unwrap_or_default()));
        }
    }
    // An empty list means a lock file read while cargo rewrote it: fail (and run again)
    // rather than build a node that reports no versions.
    assert!(!deps.is_empty(), "{lock_path} lists none of {REPORTED:?}; is it being rewritten?");
    deps.sort();
    let mut out = String::from("/// `(crate, version, sha256 of the crate file)` of the crates in REPORTED.\npub const BUILD_DEPS: &[(&str, &str, &str)] = &[\n");
    for (name, version, checksum) in deps {
        writeln!(out, "    ({name:?}, {version:?}, {checksum:?}),").unwrap();
    }
    out.push_str("];\n");
    // The compiler, reported where Go apps report `go version`.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    writeln!(
        out,
        "/// `rustc --version` of the compiler that built this binary.\npub const RUSTC_VERSION: &str = {version:?};"
    )
    .unwrap();
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("build_deps.rs");
    std::fs::write(dest, out).unwrap();
}
