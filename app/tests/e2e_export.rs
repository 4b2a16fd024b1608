//! `veritasd export`: a running chain's state becomes the genesis of a restarted chain
//! (the restart-by-export path). The restarted chain continues after the exported height
//! with the same balances, supply and account sequences.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;
use serde_json::Value;

fn query(node: &Node, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    let rpc = node.rpc_url();
    all.extend(["--node", &rpc, "--output", "json"]);
    ok_json(&veritasd(&all))
}

#[test]
fn an_exported_state_restarts_the_chain_after_its_height() {
    let node = Node::init("export-e2e-1");
    let faucet = node.add_key("faucet", FAUCET_MNEMONIC);
    let bob = ok_json(&node.cli(&["keys", "add", "bob", "--keyring-backend", "test", "--output", "json"]))["address"]
        .as_str()
        .unwrap()
        .to_owned();
    node.fund("faucet", "1000000000uvrt");
    let mut app = node.start_app("app-1.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft-1.log");
    node.wait_height(2, Duration::from_secs(60));
    let sent = ok_json(&node.tx(&["bank", "send", "faucet", &bob, "12345uvrt"]));
    assert_eq!(sent["code"], 0, "{sent}");
    let before: Vec<Value> = [&faucet, &bob]
        .iter()
        .map(|a| query(&node, &["q", "bank", "balances", a.as_str()])["balances"].clone())
        .collect();
    let supply_before = query(&node, &["q", "bank", "total"])["supply"].clone();
    let sequence_before = query(&node, &["q", "auth", "account", &faucet])["sequence"].clone();

    // While the node runs, its database is held: export says so.
    let busy = node.cli(&["export"]);
    assert!(!busy.status.success());
    assert!(String::from_utf8_lossy(&busy.stderr).contains("in use"), "{}", String::from_utf8_lossy(&busy.stderr));

    comet.kill9();
    app.kill9();
    let exported_path = node.dir.path().join("exported.json");
    let out = node.cli(&["export", "--output", exported_path.to_str().unwrap()]);
    assert!(out.status.success(), "export failed: {}", String::from_utf8_lossy(&out.stderr));
    let exported: Value = serde_json::from_slice(&std::fs::read(&exported_path).unwrap()).unwrap();
    let initial_height: u64 = exported["initial_height"].as_str().unwrap().parse().unwrap();
    assert!(initial_height >= 3, "{}", exported["initial_height"]);
    // An earlier retained height exports too; one that never existed is refused by name.
    let older = node.cli(&["export", "--height", "2"]);
    assert!(older.status.success(), "{}", String::from_utf8_lossy(&older.stderr));
    // Height 2 is before bob received anything: he is nowhere in that state.
    assert!(sent["height"].as_u64().unwrap() > 2, "{sent}");
    assert!(exported.to_string().contains(&bob));
    assert!(!String::from_utf8_lossy(&older.stdout).contains(&bob), "bob exists at height 2");
    let older: Value = serde_json::from_slice(&older.stdout).unwrap();
    assert_eq!(older["initial_height"], "3");
    let missing = node.cli(&["export", "--height", "99999"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not retained"), "{missing:?}");

    // Restart from the export: fresh app and CometBFT data, the exported genesis.
    std::fs::copy(&exported_path, node.home.join("cometbft/config/genesis.json")).unwrap();
    std::fs::remove_dir_all(node.home.join("data")).unwrap();
    let reset =
        Command::new(cometbft()).args(["unsafe-reset-all", "--home"]).arg(node.home.join("cometbft")).output().unwrap();
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    let validated = node.cli(&["genesis", "validate"]);
    assert!(validated.status.success(), "{}", String::from_utf8_lossy(&validated.stderr));

    let _app = node.start_app("app-2.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft-2.log");
    node.wait_height(initial_height + 1, Duration::from_secs(60));
    let after: Vec<Value> = [&faucet, &bob]
        .iter()
        .map(|a| query(&node, &["q", "bank", "balances", a.as_str()])["balances"].clone())
        .collect();
    assert_eq!(after, before, "balances after the restart");
    assert_eq!(query(&node, &["q", "bank", "total"])["supply"], supply_before);
    assert_eq!(query(&node, &["q", "auth", "account", &faucet])["sequence"], sequence_before);

    // The restarted chain takes transactions, signed with the carried-over sequence.
    let again = ok_json(&node.tx(&["bank", "send", "faucet", &bob, "1uvrt"]));
    assert_eq!(again["code"], 0, "{again}");
    assert!(again["height"].as_u64().unwrap() > initial_height);
}
