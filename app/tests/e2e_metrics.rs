//! The app's Prometheus endpoint (app.toml `[telemetry]`) scraped after a load run on a real
//! node: the Cosmos SDK's `tx_count` equals the transactions committed, and the block-phase,
//! CheckTx and query histograms have filled.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use common::*;

fn scrape(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text
}

/// The value of the sample line `name` (exactly, labels included).
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn metrics_count_what_a_load_run_commits() {
    let node = Node::init("metrics-1");
    node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "100000000000uvrt");
    let port = free_port();
    let app_toml = node.home.join("config/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    let text = text.replace(
        "enable = false\naddress = \"127.0.0.1:26661\"",
        &format!("enable = true\naddress = \"127.0.0.1:{port}\""),
    );
    assert!(text.contains(&format!("127.0.0.1:{port}")), "telemetry section not found:\n{text}");
    std::fs::write(&app_toml, text).unwrap();

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
