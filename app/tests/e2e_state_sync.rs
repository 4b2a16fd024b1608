//! CometBFT state sync into Veritas, end to end: three validators (localnet/up.sh) serve
//! snapshots, two of them with a corrupted chunk; a new full node (localnet/join.sh) finds
//! the snapshot, its light client trusting a validator's header and checking it against two
//! RPC servers, restores it, refusing any corrupted chunk and its sender, block-syncs to the
//! tip, and answers balances and ICS-23 proofs exactly as the validators do.

mod common;

use std::time::Duration;

use common::localnet::{ok, Localnet};
use common::*;

const VALIDATORS: u16 = 3;

/// The proven raw read of `key` in `store` at `height`, as CometBFT's RPC returns it
/// (value and proof ops), from `node`.
fn proven(net: &Localnet, node: u16, store: &str, key: &[u8], height: u64) -> serde_json::Value {
    let path =
        format!("/abci_query?path=%22store/{store}/key%22&data=0x{}&height={height}&prove=true", hex::encode(key));
    let response = net.rpc(node, &path).expect("abci_query")["response"].clone();
    assert_eq!(response["code"], 0, "{response}");
    serde_json::json!({ "value": response["value"], "proof": response["proofOps"], "height": response["height"] })
}

fn snapshot_heights(net: &Localnet, node: u16) -> Vec<u64> {
    let listed =
        ok_json(&veritasd(&["snapshots", "list", "--output", "json", "--home", net.home(node).to_str().unwrap()]));
    listed["snapshots"].as_array().unwrap().iter().map(|s| s["height"].as_u64().unwrap()).collect()
}

#[test]
fn a_new_node_state_syncs_from_three_validators_and_answers_as_they_do() {
    let net = Localnet::start(VALIDATORS, "e2e-sync-1", &[]);
    // localnet snapshots every 10 heights: wait for one on every validator.
    wait_for(Duration::from_secs(90), "a snapshot on every validator", || {
        (0..VALIDATORS).all(|v| !snapshot_heights(&net, v).is_empty()).then_some(())
    });

    // Freeze the snapshots on offer (no newer ones), keep one height everywhere, and
    // corrupt its chunk on node1 and node2: a chunk fetched from them must be refused.
    for v in 0..VALIDATORS {
        ok(net.script("node.sh", &[&v.to_string(), "stop"]));
    }
    let height = (0..VALIDATORS).map(|v| snapshot_heights(&net, v)[0]).min().unwrap();
    for v in 0..VALIDATORS {
        let app_toml = net.home(v).join("config/app.toml");
        let text =
            std::fs::read_to_string(&app_toml).unwrap().replace("snapshot_interval = 10", "snapshot_interval = 0");
        std::fs::write(&app_toml, text).unwrap();
        for other in snapshot_heights(&net, v).into_iter().filter(|h| *h != height) {
            ok(veritasd(&["snapshots", "delete", &other.to_string(), "--home", net.home(v).to_str().unwrap()]));
        }
        if v > 0 {
            let chunk = net.home(v).join(format!("data/snapshots/{height}/chunk-0"));
            let mut bytes = std::fs::read(&chunk).unwrap();
            let last = bytes.len() - 1;
            bytes[last] ^= 0x55;
            std::fs::write(&chunk, bytes).unwrap();
        }
        ok(net.script("node.sh", &[&v.to_string(), "start"]));
    }
    wait_for(Duration::from_secs(60), "blocks after the restart", || (net.height(0) > height + 2).then_some(()));

    let joined = ok(net.script("join.sh", &["--timeout", "180"]));
    let last = joined.lines().last().unwrap_or_default();
    assert!(last.starts_with(&format!("joined node{VALIDATORS} by state-sync in ")), "{joined}");
    let new = VALIDATORS;
    let status = ok(net.script("status.sh", &[]));
    let row = status.lines().find(|l| l.starts_with(&format!("node{new} "))).unwrap_or_default().to_owned();
    assert!(row.contains(" full ") && row.contains(" up "), "{status}");
    let app_log = net.log(new, "veritasd");
    let comet_log = net.log(new, "cometbft");
    assert!(app_log.contains("restored the snapshot"), "{app_log}");
    assert!(comet_log.contains("Snapshot restored"), "{comet_log}");
    // It never replayed from genesis: its block store starts after the snapshot.
    let status = net.rpc(new, "/status").unwrap();
    let earliest: u64 = status["sync_info"]["earliest_block_height"].as_str().unwrap().parse().unwrap();
    assert_eq!(earliest, height + 1, "{status}");
    // Chunk 0 came from a random one of the three; from node1 or node2 it was refused and
    // its sender dropped, and the restore still went through with the good copy.
    let refused = app_log.matches("refusing a chunk and its sender").count();
    eprintln!("corrupted chunks refused during the restore: {refused}");
    assert!(refused <= 2, "{app_log}");

    // The new node follows the chain and answers as the validators do, at the snapshot
    // height and later, with the same proofs.
    let tip = wait_for(Duration::from_secs(30), "the new node to follow", || {
        let h = net.height(new);
        (h >= net.height(0).saturating_sub(1) && h > height + 3).then_some(h)
    });
    let alice = ok(veritasd(&[
        "keys",
        "show",
        "alice",
        "-a",
        "--keyring-backend",
        "test",
        "--home",
        net.home(0).to_str().unwrap(),
    ]));
    let key = bank_balance_key(alice.trim(), "uvrt");
    for at in [height, tip] {
        let ours = proven(&net, new, "bank", &key, at);
        assert!(ours["value"].as_str().is_some_and(|v| !v.is_empty()), "{ours}");
        for v in 0..VALIDATORS {
            assert_eq!(proven(&net, v, "bank", &key, at), ours, "node{v} at {at}");
        }
    }
    let before = net
        .rpc(new, &format!("/abci_query?path=%22store/bank/key%22&data=0x{}&height={}", hex::encode(&key), height - 1));
    assert_ne!(before.unwrap()["response"]["code"], 0, "heights before the snapshot are not on the new node");
    let failures = app_hash_failures(&comet_log);
    assert!(failures.is_empty(), "{failures:#?}");
}
