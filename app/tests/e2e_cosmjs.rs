//! Stock CosmJS 0.39 (clients/cosmjs) against a real chain: queries, sends with fixed
//! and automatic fees, tx lookup, a refused overspend, and a MultiSend, a zkverify key
//! registration (the chain's own type in a CosmJS registry) and a refused ICS-20 transfer
//! through CosmJS' own signAndBroadcast.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::*;

#[test]
fn cosmjs_reads_and_writes_veritas() {
    let clients = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../clients/cosmjs");
    assert!(
        clients.join("node_modules/@cosmjs/stargate").is_dir(),
        "CosmJS is not installed: run `npm ci` in clients/cosmjs (scripts/setup.sh does)"
    );
    let node = Node::init("e2e-cosmjs-1");
    // veritasd derives the faucet's address from the same mnemonic CosmJS will use.
    let faucet = node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund(&faucet, "1000000000uvrt,1000000stake");
    node.set_min_gas_prices("0.025uvrt");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));

    // The snarkjs fixture key, as the chain stores it (compressed arkworks bytes).
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../modules/zkverify/fixtures/poly/verification_key.json");
    let key = veritas_zkverify::formats::read_verifying_key(
        &std::fs::read(fixture).unwrap(),
        veritas_zkverify::formats::Format::Snarkjs,
        None,
    )
    .unwrap();
    let vk = key.vk_bytes();

    // CosmJS takes the chain's settings from the Keplr document `veritasd chain-info` writes.
    let info_dir = node.dir.path().join("chain-info");
    let written = veritasd(&["chain-info", "--node", &node.rpc_url(), "--output-dir", info_dir.to_str().unwrap()]);
    assert!(written.status.success(), "chain-info failed: {}", String::from_utf8_lossy(&written.stderr));
    let keplr: serde_json::Value =
        serde_json::from_slice(&std::fs::read(info_dir.join("keplr.json")).unwrap()).unwrap();
    assert_eq!(keplr["chainId"], "e2e-cosmjs-1");
    assert_eq!(keplr["feeCurrencies"][0]["gasPriceStep"]["low"], 0.025, "the node's minimum gas price");

    let started = std::time::Instant::now();
    let out = Command::new("node")
        .arg("--test")
        // CosmJS leaves a poll timer behind after a refused broadcast; don't wait for it.
        .arg("--test-force-exit")
        .arg("cosmjs.test.mjs")
        .current_dir(&clients)
        .env("VERITAS_CHAIN_INFO", info_dir.join("keplr.json"))
        .env("VERITAS_MNEMONIC", FAUCET_MNEMONIC)
        .env("VERITAS_FUNDS", "1000000000")
        .env("VERITAS_VK_HEX", hex::encode(&vk))
        .env("VERITAS_VK_ID", key.id())
        .output()
        .expect("node (Node.js 20) must be installed");
    assert!(
        out.status.success(),
        "CosmJS test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("CosmJS suite took {:?}:\n{}", started.elapsed(), String::from_utf8_lossy(&out.stdout));
}
