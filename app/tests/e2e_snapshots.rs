//! State-sync snapshots, as far as they go: `veritasd snapshots export` writes one of a
//! stopped node's state, `list` shows it, and the restarted node serves it over the ABCI
//! snapshot calls CometBFT's state sync makes (ListSnapshots, LoadSnapshotChunk), each
//! chunk matching the hash in the manifest. Offers are refused until restore exists.

mod common;

use std::io::BufReader;
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::{request, response, RequestLoadSnapshotChunk, RequestOfferSnapshot};
use veritas_app::abci_socket::call;

#[test]
fn an_exported_snapshot_is_listed_and_served_over_abci() {
    let node = Node::init("snapshots-1");
    node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "1000000000uvrt");
    let mut app = node.start_app("app-1.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft-1.log");
    node.wait_height(3, Duration::from_secs(60));
    comet.kill9();
    app.kill9();

    let exported = ok_json(&node.cli(&["snapshots", "export", "--output", "json"]));
    let height = exported["height"].as_u64().unwrap();
    assert!(height >= 3 && exported["chunks"] == 1, "{exported}");
    assert!(exported["entries"].as_u64().unwrap() > 0, "{exported}");
    let listed = ok_json(&node.cli(&["snapshots", "list", "--output", "json"]));
    assert_eq!(listed["snapshots"][0]["height"], height, "{listed}");
    assert_eq!(listed["snapshots"][0]["app_hash"], exported["app_hash"]);

    let _app = node.start_app("app-2.log");
    node.wait_abci_listening();
    let mut abci = BufReader::new(TcpStream::connect(("127.0.0.1", node.abci_port)).unwrap());
    let response::Value::ListSnapshots(list) =
        call(&mut abci, request::Value::ListSnapshots(Default::default())).unwrap()
    else {
        panic!("not a ListSnapshots answer")
    };
    let snapshot = list.snapshots.first().expect("one snapshot served").clone();
    assert_eq!((snapshot.height, snapshot.format, snapshot.chunks), (height, 1, 1));
    let manifest: serde_json::Value = serde_json::from_slice(&snapshot.metadata).unwrap();
    assert_eq!(manifest["app_hash"], exported["app_hash"]);
    assert_eq!(snapshot.hash.as_ref(), Sha256::digest(&snapshot.metadata).as_slice());

    let load = RequestLoadSnapshotChunk { height, format: 1, chunk: 0 };
    let response::Value::LoadSnapshotChunk(chunk) = call(&mut abci, request::Value::LoadSnapshotChunk(load)).unwrap()
    else {
        panic!("not a LoadSnapshotChunk answer")
    };
    assert_eq!(hex::encode(Sha256::digest(&chunk.chunk)), manifest["chunk_hashes"][0].as_str().unwrap());
    let missing = RequestLoadSnapshotChunk { height, format: 1, chunk: 7 };
    let response::Value::LoadSnapshotChunk(none) = call(&mut abci, request::Value::LoadSnapshotChunk(missing)).unwrap()
    else {
        panic!("not a LoadSnapshotChunk answer")
    };
    assert!(none.chunk.is_empty());
    let offer = RequestOfferSnapshot { snapshot: Some(snapshot), app_hash: Default::default() };
    let response::Value::OfferSnapshot(offered) = call(&mut abci, request::Value::OfferSnapshot(offer)).unwrap() else {
        panic!("not an OfferSnapshot answer")
    };
    assert_eq!(offered.result, 3, "REJECT");

    assert!(node.cli(&["snapshots", "delete", &height.to_string()]).status.success());
    let listed = ok_json(&node.cli(&["snapshots", "list", "--output", "json"]));
    assert_eq!(listed["snapshots"], serde_json::json!([]));
}

#[test]
fn a_running_node_writes_a_snapshot_every_interval_and_keeps_the_newest() {
    let node = Node::init("snapshots-2");
    let app_toml = node.home.join("config/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    let text = text.replace("snapshot_interval = 0", "snapshot_interval = 3");
    assert!(text.contains("snapshot_interval = 3"), "no [state_sync] section:\n{text}");
    std::fs::write(&app_toml, text).unwrap();
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(10, Duration::from_secs(60));

    let mut abci = BufReader::new(TcpStream::connect(("127.0.0.1", node.abci_port)).unwrap());
    let heights = wait_for(Duration::from_secs(30), "two snapshots", || {
        let response::Value::ListSnapshots(list) =
            call(&mut abci, request::Value::ListSnapshots(Default::default())).ok()?
        else {
            return None;
        };
        let heights: Vec<u64> = list.snapshots.iter().map(|s| s.height).collect();
        (heights.len() == 2 && heights[0] >= 9).then_some(heights)
    });
    assert!(heights.iter().all(|h| h % 3 == 0), "{heights:?}");
    assert!(heights[0] > heights[1], "newest first: {heights:?}");
    // snapshot_keep_recent = 2: older ones are gone from disk too.
    let listed = ok_json(&node.cli(&["snapshots", "list", "--output", "json"]));
    assert!(listed["snapshots"].as_array().unwrap().len() <= 3, "{listed}");
}
