//! The `veritasd` client commands against a real chain: keys, send, queries.

mod common;

use std::time::Duration;

use common::*;

#[test]
fn cli_keys_send_and_queries_against_a_real_chain() {
    let node = Node::init("e2e-bank-1");

    // Restore the faucet key from its mnemonic (stdin), fund it in genesis.
    let faucet = node.add_key("faucet", FAUCET_MNEMONIC);
    assert!(faucet.starts_with("veritas1"));
    let shown = node.cli(&["keys", "show", "faucet", "-a", "--keyring-backend", "test"]);
    assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), faucet);
    let fresh = ok_json(&node.cli(&["keys", "add", "bob", "--keyring-backend", "test", "--output", "json"]));
    assert_eq!(fresh["mnemonic"].as_str().unwrap().split_whitespace().count(), 24);
    let bob = fresh["address"].as_str().unwrap().to_owned();
    let listed = ok_json(&node.cli(&["keys", "list", "--keyring-backend", "test", "--output", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 2);

    node.fund("faucet", "1000000uvrt");
    node.set_min_gas_prices("0.025uvrt");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));
    let rpc = node.rpc_url();

    let send = |amount: &str, fees: &str| {
        node.cli(&[
            "tx",
            "bank",
            "send",
            "faucet",
            &bob,
            amount,
            "--keyring-backend",
            "test",
            "--node",
            &rpc,
            "--fees",
            fees,
            "-y",
            "--wait",
            "--output",
            "json",
        ])
    };
    let sent = ok_json(&send("250uvrt", "5000uvrt"));
    assert_eq!(sent["code"], 0, "{sent}");
    assert!(sent["height"].as_u64().unwrap() > 0);
    assert!(sent["gas_used"].as_i64().unwrap() > 0);
    assert!(sent["events"].to_string().contains("coin_received"));

    let balances = ok_json(&veritasd(&["q", "bank", "balances", &bob, "--node", &rpc, "--output", "json"]));
    assert_eq!(balances["balances"][0]["amount"], "250", "{balances}");
    let faucet_balance =
        ok_json(&veritasd(&["q", "bank", "balances", &faucet, "--denom", "uvrt", "--node", &rpc, "--output", "json"]));
    assert_eq!(faucet_balance["balance"]["amount"], (1_000_000 - 250 - 5000).to_string());
    let account = ok_json(&veritasd(&["q", "auth", "account", &faucet, "--node", &rpc, "--output", "json"]));
    assert_eq!(account["sequence"], "1");
    let tx = ok_json(&veritasd(&["q", "tx", sent["txhash"].as_str().unwrap(), "--node", &rpc, "--output", "json"]));
    assert_eq!(tx["height"], sent["height"]);
    let total = ok_json(&veritasd(&["q", "bank", "total", "--node", &rpc, "--output", "json"]));
    assert_eq!(total["supply"][0]["amount"], "1000000");
    let status = ok_json(&veritasd(&["status", "--node", &rpc, "--output", "json"]));
    assert_eq!(status["node_info"]["network"], "e2e-bank-1");

    // Automatic gas through simulation.
    let auto = node.cli(&[
        "tx",
        "bank",
        "send",
        "faucet",
        &bob,
        "1uvrt",
        "--keyring-backend",
        "test",
        "--node",
        &rpc,
        "--gas",
        "auto",
        "--fees",
        "10000uvrt",
        "-y",
        "--wait",
        "--output",
        "json",
    ]);
    assert_eq!(ok_json(&auto)["code"], 0);

    // Failures exit non-zero and print the chain's code and log.
    let overspend = send("999999999uvrt", "5000uvrt");
    assert!(!overspend.status.success());
    let err = String::from_utf8_lossy(&overspend.stderr);
    assert!(err.contains("code 5") && err.contains("insufficient funds"), "{err}");
    let cheap = send("1uvrt", "1uvrt");
    assert!(!cheap.status.success());
    assert!(String::from_utf8_lossy(&cheap.stderr).contains("insufficient fees"));
    // IBC from the CLI on a chain with no counterparty yet: empty listings, and a
    // transfer over a channel that does not exist is refused with the ibc codespace.
    let channels = ok_json(&veritasd(&["q", "ibc", "channel", "channels", "--node", &rpc, "--output", "json"]));
    assert_eq!(channels["channels"], serde_json::json!([]), "{channels}");
    let clients = ok_json(&veritasd(&["q", "ibc", "client", "states", "--node", &rpc, "--output", "json"]));
    assert_eq!(clients["client_states"], serde_json::json!([]));
    let traces = ok_json(&veritasd(&["q", "ibc-transfer", "denom-traces", "--node", &rpc, "--output", "json"]));
    assert_eq!(traces["denom_traces"], serde_json::json!([]));
    let ibc_send = node.tx(&["ibc-transfer", "transfer", "transfer", "channel-7", &bob, "5uvrt", "--from", "faucet"]);
    assert!(!ibc_send.status.success());
    let err = String::from_utf8_lossy(&ibc_send.stderr);
    assert!(err.contains("(ibc)") && err.contains("channel-7"), "{err}");

    // What relayers read from a chain they relay for: staking params (unbonding period,
    // historical entries) and the node's minimum gas prices.
    let abci = |path: &str| -> Vec<u8> {
        let reply = common::rpc(node.rpc_port, &format!("/abci_query?path=%22{path}%22")).expect("abci_query answers");
        let response = &reply["response"];
        assert_eq!(response["code"].as_u64().unwrap_or(0), 0, "{path}: {response}");
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(response["value"].as_str().unwrap_or_default()).unwrap()
    };
    let staking = <cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsResponse as prost::Message>::decode(
        abci("/cosmos.staking.v1beta1.Query/Params").as_slice(),
    )
    .unwrap()
    .params
    .unwrap();
    assert_eq!(staking.unbonding_time.unwrap().seconds, 21 * 24 * 3600);
    assert!(staking.historical_entries > 0);
    let config = <cosmos_sdk_proto::cosmos::base::node::v1beta1::ConfigResponse as prost::Message>::decode(
        abci("/cosmos.base.node.v1beta1.Service/Config").as_slice(),
    )
    .unwrap();
    assert_eq!(config.minimum_gas_price, "0.025uvrt");

    let nobody = ok_json(&node.cli(&["keys", "add", "nobody", "--keyring-backend", "test", "--output", "json"]));
    let missing = veritasd(&["q", "auth", "account", nobody["address"].as_str().unwrap(), "--node", &rpc]);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("not found"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}
