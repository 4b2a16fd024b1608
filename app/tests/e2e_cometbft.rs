//! End to end with the real `cometbft` binary: a chain that makes blocks, survives
//! SIGKILL of the app and agrees with itself about app hashes afterwards.

mod common;

use std::time::Duration;

use common::*;

/// The app hash CometBFT put in the header of `height` is the one Info reported for `height - 1`.
fn assert_headers_agree_with_app(node: &Node) {
    let info = rpc(node.rpc_port, "/abci_info").expect("abci_info");
    let last: u64 = info["response"]["last_block_height"].as_str().unwrap().parse().unwrap();
    let app_hash_b64 = info["response"]["last_block_app_hash"].as_str().unwrap_or_default().to_owned();
    node.wait_height(last + 1, Duration::from_secs(30));
    let block = rpc(node.rpc_port, &format!("/block?height={}", last + 1)).expect("block");
    let header_hash = block["block"]["header"]["app_hash"].as_str().unwrap().to_owned();
    let from_info = hex_upper(&base64_decode(&app_hash_b64));
    assert_eq!(header_hash, from_info, "header of {} vs Info at {last}", last + 1);
    assert_eq!(header_hash.len(), 64, "app hash is a 32-byte root");
}

#[test]
fn chain_reaches_height_5_and_survives_sigkill_of_the_app() {
    let node = Node::init("e2e-crash-1");
    let funder = node.add_key("funder", FAUCET_MNEMONIC);
    node.fund(&funder, "1000000000000uvrt");
    let mut app = node.start_app("app-1.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft-1.log");
    node.wait_height(5, Duration::from_secs(60));
    assert_headers_agree_with_app(&node);

    // Keep transactions flowing, so every block changes state while the app is killed.
    let load_log = std::fs::File::create(node.dir.path().join("loadgen.log")).unwrap();
    let mut load = std::process::Command::new(VERITASD)
        .args(["loadgen", "--from", "funder", "--keyring-backend", "test", "--txs", "4000", "--rate", "100"])
        .args([
            "--accounts",
            "20",
            "--timeout",
            "5",
            "--node",
            &format!("http://127.0.0.1:{}", node.rpc_port),
            "--home",
        ])
        .arg(&node.home)
        .stdout(load_log.try_clone().unwrap())
        .stderr(load_log)
        .spawn()
        .unwrap();
    let hash_before = rpc(node.rpc_port, "/abci_info").unwrap()["response"]["last_block_app_hash"].clone();
    node.wait_height(latest_height(node.rpc_port).unwrap() + 3, Duration::from_secs(30));
    let hash_after = rpc(node.rpc_port, "/abci_info").unwrap()["response"]["last_block_app_hash"].clone();
    assert_ne!(hash_before, hash_after, "the load must change state");

    // Kill the app without warning, mid-chain, several times at different moments.
    for round in 0..3u32 {
        std::thread::sleep(Duration::from_millis(150 * u64::from(round)));
        let before = latest_height(node.rpc_port).unwrap_or(0);
        app.kill9();
        // Stock CometBFT notices its ABCI connection died and stops itself
        // (multiAppConn.killTMOnClientError). v0.38 can hang in that shutdown when a
        // Commit was in flight (its socket client never answers the flush), so, as a
        // supervisor would, kill it once it has said why it is stopping.
        if comet.wait_exit(Duration::from_secs(20)).is_none() {
            let log = comet.log_text();
            assert!(
                log.contains("connection terminated. Did the application crash?"),
                "cometbft kept running without noticing its app died:\n{log}"
            );
            comet.kill9();
        }

        app = node.start_app(&format!("app-{}.log", round + 2));
        node.wait_abci_listening();
        comet = node.start_cometbft(&format!("cometbft-{}.log", round + 2));
        let target = before.max(5) + 3;
        node.wait_height(target, Duration::from_secs(60));
        assert!(app.is_running(), "veritasd died after restart:\n{}", app.log_text());
        let log = comet.log_text();
        let failures = app_hash_failures(&log);
        assert!(failures.is_empty(), "app hash errors after restart {round}: {failures:#?}");
    }

    node.wait_height(10, Duration::from_secs(60));
    let _ = load.kill();
    let _ = load.wait();
    assert!(comet.is_running(), "cometbft stopped:\n{}", comet.log_text());
    assert_headers_agree_with_app(&node);
    // The last CometBFT never lost its app: no consensus failure at all.
    let last_log = comet.log_text();
    assert!(consensus_failures(&last_log).is_empty(), "{:#?}", consensus_failures(&last_log));
    for entry in std::fs::read_dir(node.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("cometbft-") {
            let text = std::fs::read_to_string(&path).unwrap();
            let failures = app_hash_failures(&text);
            assert!(failures.is_empty(), "{}: {failures:#?}", path.display());
        }
    }
}

#[test]
fn garbage_transactions_get_a_decode_error_and_queries_answer() {
    let node = Node::init("e2e-query-1");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));

    let result = rpc(node.rpc_port, "/broadcast_tx_sync?tx=0x0102").expect("broadcast_tx_sync");
    assert_eq!(result["code"], 2, "{result}");
    assert_eq!(result["codespace"], "sdk");
    assert!(result["log"].as_str().unwrap().contains("cannot decode TxRaw"), "{result}");

    let version = rpc(node.rpc_port, "/abci_query?path=%22app/version%22").expect("abci_query");
    assert_eq!(version["response"]["code"], 0);
    let unknown = rpc(node.rpc_port, "/abci_query?path=%22/no.such.Query/Method%22").expect("abci_query");
    assert_eq!(unknown["response"]["code"], 6, "{unknown}");
    let future = rpc(node.rpc_port, "/abci_query?path=%22/no.such.Query/Method%22&height=100000").expect("abci_query");
    assert_eq!(future["response"]["code"], 26, "{future}");
}

fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).expect("base64 app hash")
}
