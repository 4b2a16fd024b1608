//! `veritasd` command-line behaviour, including its one-line errors.

mod common;

use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

use common::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "expected failure, got success: {}", String::from_utf8_lossy(&out.stdout));
    let text = stderr(out);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected a one-line error, got:\n{text}");
    assert!(lines[0].starts_with("Error: "), "{text}");
    lines[0].to_owned()
}

#[test]
fn version_prints_the_pinned_cometbft() {
    let out = veritasd(&["version"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("veritasd ") && text.contains("CometBFT 0.38."), "{text}");
}

#[test]
fn init_writes_app_and_cometbft_config() {
    let node = Node::init("cli-init-1");
    let app_toml = std::fs::read_to_string(node.home.join("config/app.toml")).unwrap();
    assert!(app_toml.contains(&format!("abci_address = \"127.0.0.1:{}\"", node.abci_port)), "{app_toml}");
    assert!(app_toml.contains("keep_recent"), "{app_toml}");
    assert!(app_toml.contains("minimum_gas_prices"), "{app_toml}");
    let comet = std::fs::read_to_string(node.home.join("cometbft/config/config.toml")).unwrap();
    assert!(comet.contains(&format!("proxy_app = \"tcp://127.0.0.1:{}\"", node.abci_port)), "{comet}");
    assert!(comet.contains("indexer = \"kv\""));
    let genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(node.home.join("cometbft/config/genesis.json")).unwrap())
            .unwrap();
    assert_eq!(genesis["chain_id"], "cli-init-1");
    assert!(genesis["app_state"].is_object());
    assert!(node.home.join("cometbft/config/priv_validator_key.json").is_file());

    let home = node.home.to_str().unwrap();
    let out = veritasd(&["genesis", "validate", "--home", home]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Governance sections come with init; set-authority names the governing account.
    assert_eq!(genesis["app_state"]["authority"]["authority"], "", "no authority until one is named");
    assert_eq!(genesis["app_state"]["poa"]["validators"], serde_json::json!([]));
    let carol = "veritas1dftjpkcwm5dy756fdjhfprlc7gsdn7qsmrd2mj";
    let out = veritasd(&["genesis", "set-authority", carol, "--home", home]);
    assert!(out.status.success(), "{}", stderr(&out));
    let genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(node.home.join("cometbft/config/genesis.json")).unwrap())
            .unwrap();
    assert_eq!(genesis["app_state"]["authority"]["authority"], carol);
    let bad = veritasd(&["genesis", "set-authority", "cosmos1notours", "--home", home, "--keyring-backend", "test"]);
    assert!(!bad.status.success(), "an address that is neither ours nor a key is refused");

    // A second init refuses to clobber the home.
    let again =
        Command::new(VERITASD).args(["init", "x", "--home", home]).env("COMETBFT_BIN", cometbft()).output().unwrap();
    assert!(one_line_error(&again).contains("already initialised"));
}

#[test]
fn start_without_a_home_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let out = veritasd(&["start", "--home", missing.to_str().unwrap()]);
    let line = one_line_error(&out);
    assert!(line.contains("veritasd init"), "{line}");
}

#[test]
fn unreadable_config_and_invalid_genesis_are_reported() {
    let node = Node::init("cli-bad-1");
    let home = node.home.to_str().unwrap();

    let app_toml = node.home.join("config/app.toml");
    let good = std::fs::read_to_string(&app_toml).unwrap();
    std::fs::write(&app_toml, "abci_address = [").unwrap();
    let line = one_line_error(&veritasd(&["start", "--home", home]));
    assert!(line.contains("app.toml"), "{line}");
    std::fs::write(&app_toml, good).unwrap();

    let genesis_path = node.home.join("cometbft/config/genesis.json");
    let mut genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&genesis_path).unwrap()).unwrap();
    genesis["app_state"]["nosuchmodule"] = serde_json::json!({});
    std::fs::write(&genesis_path, genesis.to_string()).unwrap();
    let line = one_line_error(&veritasd(&["genesis", "validate", "--home", home]));
    assert!(line.contains("nosuchmodule"), "{line}");
    let line = one_line_error(&veritasd(&["start", "--home", home]));
    assert!(line.contains("nosuchmodule"), "{line}");
}

#[test]
fn start_on_a_busy_port_fails_clearly() {
    let node = Node::init("cli-port-1");
    let _taken = TcpListener::bind(("127.0.0.1", node.abci_port)).unwrap();
    let line = one_line_error(&veritasd(&["start", "--home", node.home.to_str().unwrap()]));
    assert!(line.contains("already in use"), "{line}");
}

#[test]
fn state_of_another_chain_is_refused() {
    let node = Node::init("cli-chain-a");
    let mut app = node.start_app("app.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));
    comet.kill9();
    app.kill9();

    let genesis_path = node.home.join("cometbft/config/genesis.json");
    let mut genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&genesis_path).unwrap()).unwrap();
    genesis["chain_id"] = "cli-chain-b".into();
    std::fs::write(&genesis_path, genesis.to_string()).unwrap();
    let line = one_line_error(&veritasd(&["start", "--home", node.home.to_str().unwrap()]));
    assert!(line.contains("cli-chain-a") && line.contains("cli-chain-b"), "{line}");
}

#[test]
fn a_second_start_on_the_same_home_is_refused() {
    let node = Node::init("cli-twice-1");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let line = one_line_error(&veritasd(&["start", "--home", node.home.to_str().unwrap()]));
    assert!(line.contains("in use"), "{line}");
}

#[test]
fn start_with_its_grpc_port_taken_names_the_setting() {
    let node = Node::init("cli-grpc-1");
    let _taken = std::net::TcpListener::bind(("127.0.0.1", node.grpc_port)).unwrap();
    let out = veritasd(&["start", "--home", node.home.to_str().unwrap()]);
    assert!(!out.status.success());
    let line = one_line_error(&out);
    assert!(line.contains("gRPC address") && line.contains("grpc.address"), "{line}");
}
