//! The crate graph keeps the architecture's layers: module crates import no other
//! module crate (they declare the keepers they expect), the framework and store import
//! no module, and the app's library imports no module's internals beyond what
//! `app/src/modules.rs` wires. Read from the manifests, so a new dependency that breaks
//! a layer fails here.

use std::path::Path;

const MODULES: &[&str] = &[
    "veritas-auth",
    "veritas-bank",
    "veritas-zkverify",
    "veritas-ibc",
    "veritas-authority",
    "veritas-poa",
    "veritas-upgrade",
];

/// The names under `[dependencies]` of the crate at `dir` (dev-dependencies excluded).
fn dependencies(dir: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir).join("Cargo.toml");
    let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest.get("dependencies").and_then(|d| d.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn module_crates_import_no_other_module() {
    for dir in [
        "modules/auth",
        "modules/bank",
        "modules/zkverify",
        "modules/ibc",
        "modules/authority",
        "modules/poa",
        "modules/upgrade",
    ] {
        let deps = dependencies(dir);
        let imported: Vec<_> = deps.iter().filter(|d| MODULES.contains(&d.as_str())).collect();
        assert!(imported.is_empty(), "{dir} imports module crates {imported:?}: declare the keeper it expects instead");
        assert!(deps.iter().all(|d| d != "veritas-app"), "{dir} imports the app");
    }
}

#[test]
fn framework_and_store_import_no_module_and_no_app() {
    for dir in ["framework", "store", "proto"] {
        let deps = dependencies(dir);
        assert!(
            deps.iter().all(|d| !MODULES.contains(&d.as_str()) && d != "veritas-app"),
            "{dir} must stay below the modules: {deps:?}"
        );
    }
}

#[test]
fn only_the_composition_file_names_module_crates_in_the_app() {
    // The pipeline, node, ABCI, gRPC and CLI shell reach modules only through the
    // framework's traits and the ports in `tx::ports`; `modules.rs` wires them.
    // `upgrades.rs` names the migrations of this release's upgrade plans.
    let allowed = ["modules.rs", "node_services.rs", "upgrades.rs"];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("tests") {
                    stack.push(path);
                }
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "tests.rs" || allowed.contains(&name.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for module in [
                "veritas_auth",
                "veritas_bank",
                "veritas_zkverify",
                "veritas_ibc",
                "veritas_authority",
                "veritas_poa",
                "veritas_upgrade",
            ] {
                if text.contains(module) {
                    offenders.push(format!("{} names {module}", path.display()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn in_every_module_only_the_keeper_holds_the_store_key() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../modules");
    let mut offenders = Vec::new();
    for module in std::fs::read_dir(&modules).unwrap() {
        let src = module.unwrap().path().join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if !["keeper.rs", "tests.rs"].contains(&path.file_name().unwrap().to_str().unwrap()) {
                    // (A module's unit tests may stand in for another module's store.)
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains("STORE_KEY") || text.contains("StoreKey::new") {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "store keys outside keeper.rs: {offenders:#?}");
}
