//! The app's Prometheus endpoint (app.toml `[telemetry]`) scraped after a load run on a real
//! node: the Cosmos SDK's `tx_count` equals the transactions committed, and the block-phase,
//! CheckTx and query histograms have filled.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

#[test]
fn metrics_count_what_a_load_run_commits() {
    let node = Node::init("metrics-1");
    node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "100000000000uvrt");
    let port = node.enable_telemetry();

    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));
    let before = sample(&scrape(port), "tx_count");

    let out = Command::new(VERITASD)
        .args(["loadgen", "--from", "faucet", "--keyring-backend", "test", "--txs", "300", "--accounts", "10"])
        .args(["--mixed", "--output", "json", "--node", &node.rpc_url(), "--home"])
        .arg(&node.home)
        .output()
        .unwrap();
    let report = ok_json(&out);
    assert_eq!(report["not_committed_in_time"], 0, "{report}");
    let committed = report["committed"].as_f64().unwrap();
    // Every committed load tx, plus the MultiSend that funded the load accounts.
    node.wait_height(
        report["first_height"].as_u64().unwrap() + report["blocks"].as_u64().unwrap() + 1,
        Duration::from_secs(30),
    );
    let text = scrape(port);
    assert_eq!(sample(&text, "tx_count") - before, committed + 1.0, "{report}");
    assert_eq!(sample(&text, "tx_count"), sample(&text, "tx_successful") + sample(&text, "tx_failed"));
    for phase in ["prepare", "execute", "hash", "write"] {
        assert!(sample(&text, &format!("veritas_block_phase_seconds_count{{phase=\"{phase}\"}}")) > 0.0, "{phase}");
    }
    // --mixed sends bad transactions that CheckTx refuses: every attempt is timed.
    assert!(sample(&text, "veritas_check_tx_seconds_count") >= 300.0);
    assert!(sample(&text, "veritas_query_seconds_count{path=\"/cosmos.auth.v1beta1.Query/Account\"}") >= 1.0);
    assert!(sample(&text, "tx_gas_used") > 0.0);
    assert!(sample(&text, "veritas_store_bytes") > 0.0);
    assert_eq!(sample(&text, "veritas_store_earliest_height"), 1.0, "nothing pruned yet");
}
