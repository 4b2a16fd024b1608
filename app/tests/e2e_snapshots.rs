//! State-sync snapshots over the ABCI calls CometBFT's state sync makes, and on disk:
//! `veritasd snapshots export` writes one of a stopped node's state, `list` shows it, the
//! restarted node serves it (ListSnapshots, LoadSnapshotChunk), a fresh node restores it
//! (OfferSnapshot, ApplySnapshotChunk) refusing wrong hashes and corrupted chunks, and
//! `snapshots restore` rebuilds a lost state database that CometBFT then replays onto.

mod common;

use std::io::BufReader;
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::{
    request, response, RequestApplySnapshotChunk, RequestInfo, RequestLoadSnapshotChunk, RequestOfferSnapshot,
    RequestQuery, Snapshot,
};
use veritas_app::abci_socket::call;

#[test]
fn an_exported_snapshot_is_listed_and_served_over_abci() {
    let (node, exported) = exported_snapshot("snapshots-1");
    let height = exported["height"].as_u64().unwrap();
    assert!(height >= 3 && exported["chunks"] == 1, "{exported}");
    assert!(exported["entries"].as_u64().unwrap() > 0, "{exported}");
    let listed = ok_json(&node.cli(&["snapshots", "list", "--output", "json"]));
    assert_eq!(listed["snapshots"][0]["height"], height, "{listed}");
    assert_eq!(listed["snapshots"][0]["app_hash"], exported["app_hash"]);

    let _app = node.start_app("app-2.log");
    node.wait_abci_listening();
    let mut abci = connect(&node);
    let snapshot = list_snapshots(&mut abci).first().expect("one snapshot served").clone();
    assert_eq!((snapshot.height, snapshot.format, snapshot.chunks), (height, 1, 1));
    let manifest: serde_json::Value = serde_json::from_slice(&snapshot.metadata).unwrap();
    assert_eq!(manifest["app_hash"], exported["app_hash"]);
    assert_eq!(snapshot.hash.as_ref(), Sha256::digest(&snapshot.metadata).as_slice());

    let chunk = load_chunk(&mut abci, height, 0);
    assert_eq!(hex::encode(Sha256::digest(&chunk)), manifest["chunk_hashes"][0].as_str().unwrap());
    assert!(load_chunk(&mut abci, height, 7).is_empty());
    let app_hash = hex::decode(manifest["app_hash"].as_str().unwrap()).unwrap();
    assert_eq!(offer(&mut abci, &snapshot, &app_hash), OFFER_ABORT, "a node with state restores nothing");

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
    let metrics = node.enable_telemetry();
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(10, Duration::from_secs(60));

    let mut abci = connect(&node);
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
    let scraped = scrape(metrics);
    assert!(sample(&scraped, "veritas_snapshot_height") >= heights[0] as f64, "{scraped}");
    assert!(sample(&scraped, "veritas_snapshot_seconds") > 0.0, "{scraped}");
    assert_eq!(sample(&scraped, "veritas_snapshot_failures_total"), 0.0);
    // snapshot_keep_recent = 2: older ones are gone from disk too.
    let listed = ok_json(&node.cli(&["snapshots", "list", "--output", "json"]));
    assert!(listed["snapshots"].as_array().unwrap().len() <= 3, "{listed}");
}

const OFFER_ACCEPT: i32 = 1;
const OFFER_ABORT: i32 = 2;
const OFFER_REJECT: i32 = 3;
const OFFER_REJECT_FORMAT: i32 = 4;
const CHUNK_ACCEPT: i32 = 1;
const CHUNK_RETRY: i32 = 3;

type Abci = BufReader<TcpStream>;

fn connect(node: &Node) -> Abci {
    BufReader::new(TcpStream::connect(("127.0.0.1", node.abci_port)).unwrap())
}

/// A funded node run to height 3, stopped, and `snapshots export` of its state.
fn exported_snapshot(chain_id: &str) -> (Node, serde_json::Value) {
    let node = Node::init(chain_id);
    node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "1000000000uvrt");
    let mut app = node.start_app("app-1.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft-1.log");
    node.wait_height(3, Duration::from_secs(60));
    comet.kill9();
    app.kill9();
    let exported = ok_json(&node.cli(&["snapshots", "export", "--output", "json"]));
    (node, exported)
}

fn list_snapshots(abci: &mut Abci) -> Vec<Snapshot> {
    let response::Value::ListSnapshots(list) = call(abci, request::Value::ListSnapshots(Default::default())).unwrap()
    else {
        panic!("not a ListSnapshots answer")
    };
    list.snapshots
}

fn load_chunk(abci: &mut Abci, height: u64, chunk: u32) -> Vec<u8> {
    let load = RequestLoadSnapshotChunk { height, format: 1, chunk };
    let response::Value::LoadSnapshotChunk(chunk) = call(abci, request::Value::LoadSnapshotChunk(load)).unwrap() else {
        panic!("not a LoadSnapshotChunk answer")
    };
    chunk.chunk.to_vec()
}

fn offer(abci: &mut Abci, snapshot: &Snapshot, app_hash: &[u8]) -> i32 {
    let offer = RequestOfferSnapshot { snapshot: Some(snapshot.clone()), app_hash: app_hash.to_vec().into() };
    let response::Value::OfferSnapshot(offered) = call(abci, request::Value::OfferSnapshot(offer)).unwrap() else {
        panic!("not an OfferSnapshot answer")
    };
    offered.result
}

fn apply(abci: &mut Abci, index: u32, chunk: &[u8], sender: &str) -> (i32, Vec<u32>, Vec<String>) {
    let request = RequestApplySnapshotChunk { index, chunk: chunk.to_vec().into(), sender: sender.into() };
    let response::Value::ApplySnapshotChunk(applied) = call(abci, request::Value::ApplySnapshotChunk(request)).unwrap()
    else {
        panic!("not an ApplySnapshotChunk answer")
    };
    (applied.result, applied.refetch_chunks, applied.reject_senders)
}

fn info(abci: &mut Abci) -> (i64, Vec<u8>) {
    let response::Value::Info(info) = call(abci, request::Value::Info(RequestInfo::default())).unwrap() else {
        panic!("not an Info answer")
    };
    (info.last_block_height, info.last_block_app_hash.to_vec())
}

/// A proven raw store read: (code, value, proof ops, height).
fn proven(abci: &mut Abci, path: &str, key: &[u8], height: i64) -> (u32, Vec<u8>, String, i64) {
    let query = RequestQuery { path: path.into(), data: key.to_vec().into(), height, prove: true };
    let response::Value::Query(answer) = call(abci, request::Value::Query(query)).unwrap() else {
        panic!("not a Query answer")
    };
    (answer.code, answer.value.to_vec(), format!("{:?}", answer.proof_ops), answer.height)
}

/// The bank store key of a key's uvrt balance.
fn balance_key(node: &Node, name: &str) -> Vec<u8> {
    let out = node.cli(&["keys", "show", name, "--keyring-backend", "test", "--output", "json"]);
    bank_balance_key(ok_json(&out)["address"].as_str().unwrap(), "uvrt")
}

#[test]
fn a_fresh_node_restores_a_served_snapshot_refusing_bad_hashes_and_chunks() {
    let (source, exported) = exported_snapshot("snapshots-3");
    let height = exported["height"].as_u64().unwrap();
    let _serving = source.start_app("app-2.log");
    source.wait_abci_listening();
    let mut from = connect(&source);
    let snapshot = list_snapshots(&mut from)[0].clone();
    let chunk = load_chunk(&mut from, height, 0);
    let (source_height, trusted) = info(&mut from);
    assert_eq!(source_height as u64, height);

    // A fresh node of the same chain: same genesis, empty state, no InitChain.
    let fresh = Node::init("snapshots-3");
    std::fs::copy(source.home.join("cometbft/config/genesis.json"), fresh.home.join("cometbft/config/genesis.json"))
        .unwrap();
    let _restoring = fresh.start_app("app-fresh.log");
    fresh.wait_abci_listening();
    let mut to = connect(&fresh);
    assert_eq!(info(&mut to).0, 0);

    assert_eq!(offer(&mut to, &snapshot, &[0; 32]), OFFER_REJECT, "an app hash other than the trusted one");
    assert_eq!(offer(&mut to, &Snapshot { format: 9, ..snapshot.clone() }, &trusted), OFFER_REJECT_FORMAT);
    let mut lying = snapshot.clone();
    lying.metadata = lying.metadata.iter().map(|b| if *b == b'"' { b'\'' } else { *b }).collect::<Vec<u8>>().into();
    assert_eq!(offer(&mut to, &lying, &trusted), OFFER_REJECT, "metadata that is not the hashed manifest");
    assert_eq!(offer(&mut to, &snapshot, &trusted), OFFER_ACCEPT);

    // An empty chunk (its sender pruned the snapshot) is fetched again without blame.
    assert_eq!(apply(&mut to, 0, &[], "pruned-peer"), (CHUNK_RETRY, vec![0], vec![]));
    let mut corrupted = chunk.clone();
    let last = corrupted.len() - 1;
    corrupted[last] ^= 1;
    let (result, refetch, reject) = apply(&mut to, 0, &corrupted, "bad-peer");
    assert_eq!((result, refetch, reject), (CHUNK_RETRY, vec![0], vec!["bad-peer".to_owned()]));
    assert_eq!(info(&mut to).0, 0, "nothing is written before the last chunk checks out");
    let (result, _, reject) = apply(&mut to, 0, &chunk, "good-peer");
    assert_eq!((result, reject.len()), (CHUNK_ACCEPT, 0));

    // Restored: the same height, app hash, values and proofs as the source.
    assert_eq!(info(&mut to), (height as i64, trusted.clone()));
    let key = balance_key(&source, "faucet");
    let at_source = proven(&mut from, "store/bank/key", &key, height as i64);
    let at_fresh = proven(&mut to, "store/bank/key", &key, height as i64);
    assert_eq!(at_source.0, 0, "{at_source:?}");
    assert!(!at_source.1.is_empty(), "the faucet has a balance");
    assert_eq!(at_fresh, at_source);
    let (code, _, _, _) = proven(&mut to, "store/bank/key", &key, height as i64 - 1);
    assert_ne!(code, 0, "heights before the snapshot are not held");
    // Offered again (CometBFT failed or restarted after the install), the very same snapshot
    // is accepted without writing; anything else is not.
    assert_eq!(offer(&mut to, &snapshot, &trusted), OFFER_ACCEPT, "the installed snapshot again");
    assert_eq!(apply(&mut to, 0, &chunk, "good-peer").0, CHUNK_ACCEPT);
    assert_eq!(info(&mut to), (height as i64, trusted.clone()));
    let mut other = trusted.clone();
    other[0] ^= 1;
    assert_eq!(offer(&mut to, &snapshot, &other), OFFER_ABORT, "a restored node restores nothing else");
    assert!(fresh.dir.path().join("app-fresh.log").exists());
    let log = std::fs::read_to_string(fresh.dir.path().join("app-fresh.log")).unwrap();
    assert!(log.contains("refusing a chunk and its sender"), "{log}");
}

#[test]
fn snapshots_restore_rebuilds_a_lost_database_and_cometbft_replays_onto_it() {
    let (node, exported) = exported_snapshot("snapshots-4");
    let height = exported["height"].as_u64().unwrap();

    // Blocks after the snapshot, then the state database is lost.
    let mut app = node.start_app("app-2.log");
    node.wait_abci_listening();
    let mut comet = node.start_cometbft("cometbft-2.log");
    let later = node.wait_height(height + 4, Duration::from_secs(60));
    app.kill9();
    let _ = comet.wait_exit(Duration::from_secs(20));
    comet.kill9();
    let db = node.home.join("data/application.db");
    std::fs::rename(&db, node.dir.path().join("lost.db")).unwrap();

    let restored = ok_json(&node.cli(&["snapshots", "restore", &height.to_string(), "--output", "json"]));
    assert_eq!(restored["restored"], height, "{restored}");
    assert_eq!(restored["app_hash"], exported["app_hash"]);
    let again = node.cli(&["snapshots", "restore", &height.to_string()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds state"));
    let missing = node.cli(&["snapshots", "restore", "99999"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no snapshot at height 99999"));

    // CometBFT replays its blocks after the snapshot onto the restored state and goes on.
    let _app = node.start_app("app-3.log");
    node.wait_abci_listening();
    let comet = node.start_cometbft("cometbft-3.log");
    node.wait_height(later + 3, Duration::from_secs(60));
    let log = comet.log_text();
    let failures = app_hash_failures(&log);
    assert!(failures.is_empty(), "{failures:#?}");
}
