//! State-sync snapshots of a big state: a genesis of VERITAS_BENCH_ACCOUNTS accounts
//! (default 1,000,000; each an auth account and a bank balance) committed through InitChain
//! and block 1, then the time, size and throughput of writing its snapshot to disk
//! (`SnapshotStore::create`, what the background snapshotter runs) and of restoring it into
//! an empty database (every chunk hash-checked, the tree rebuilt, its root checked: what
//! ApplySnapshotChunk and `veritasd snapshots restore` run).
//!
//! Each step runs once (one restore of a million accounts takes seconds, not microseconds):
//! `cargo bench -p veritas-app --bench snapshots`. Prints a table and a JSON line.

mod common;

use std::time::Instant;

use serde_json::json;
use sha2::{Digest, Sha256};
use veritas_app::snapshots::{ChunkVerdict, Restore, SnapshotStore};
use veritas_app::testkit::TestChain;
use veritas_framework::Address;
use veritas_store::{Storage, StorageConfig};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `n` distinct addresses, each funded with 1 VRT.
fn genesis(n: usize) -> serde_json::Value {
    let modules = veritas_app::modules::module_set();
    let mut app_state = modules.default_genesis();
    let balances: Vec<_> = (0..n as u64)
        .map(|i| {
            let address = Address::from_bytes(&Sha256::digest(i.to_be_bytes())[..20]).expect("20 bytes");
            json!({ "address": address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000" }] })
        })
        .collect();
    app_state["bank"]["balances"] = balances.into();
    app_state
}

/// Resident memory now (VmRSS), in MiB.
fn resident_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .map_or(0, |kb: u64| kb / 1024)
}

/// Starts VmHWM (peak RSS) afresh from the current RSS (Linux `clear_refs` 5).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    // `cargo bench` passes --bench; a filter argument that is not ours means "not me".
    if std::env::args().skip(1).any(|a| !a.starts_with('-') && !"snapshots".contains(a.as_str())) {
        return;
    }
    let accounts: usize =
        std::env::var("VERITAS_BENCH_ACCOUNTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);

    let started = Instant::now();
    let app_state = genesis(accounts);
    let chain = TestChain::start(common::CHAIN, &app_state, -1);
    drop(app_state);
    let genesis_s = started.elapsed().as_secs_f64();
    let version = chain.storage.latest_version().expect("block 1 committed");
    let height = chain.meta.get().expect("chain facts").height_of(version);
    let app_hash = chain.storage.root_hash(version).expect("a root");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let snapshots = SnapshotStore::new(dir.path().join("snapshots"));
    let started = Instant::now();
    let manifest = snapshots.create(&chain.storage, version, height).expect("a snapshot");
    let create_s = started.elapsed().as_secs_f64();
    let chunks = manifest.chunk_hashes.len() as u32;
    let bytes: u64 = (0..chunks).map(|i| snapshots.chunk(height, i).expect("a chunk").len() as u64).sum();

    let chain_meta = chain.meta.get().expect("chain facts").clone();
    let substores = chain.env.modules.substores();
    drop(chain);
    let resident_before = resident_mib();
    reset_peak_rss();
    let restored = Storage::open(dir.path().join("restored"), StorageConfig { substores, keep_recent: 0 })
        .expect("a fresh RocksDB");
    let started = Instant::now();
    let mut restore = Restore::new(manifest.clone(), &app_hash, restored.substores()).expect("our own manifest");
    for i in 0..chunks {
        let chunk = snapshots.chunk(height, i).expect("a chunk");
        assert!(matches!(restore.apply(i, &chunk), ChunkVerdict::Accepted { .. }));
    }
    let meta = restore.commit(&restored, &chain_meta).expect("the restore checks out");
    let restore_s = started.elapsed().as_secs_f64();
    let restore_peak = common::peak_rss_mib();
    assert_eq!(restored.root_hash(0).expect("version 0"), app_hash);
    assert_eq!(meta.initial_height, height);

    println!("snapshot of {accounts} accounts ({} entries, {chunks} chunks, {:.1} MB):", manifest.entries, mb(bytes));
    println!("  genesis (InitChain + block 1 commit) {genesis_s:>8.2} s");
    println!("  create  (walk + chunk + write)       {create_s:>8.2} s  {:>7.1} MB/s", mb(bytes) / create_s);
    println!("  restore (hash-check + rebuild + commit) {restore_s:>5.2} s  {:>7.1} MB/s", mb(bytes) / restore_s);
    println!("  peak RSS during the restore {restore_peak} MiB (resident before it: {resident_before} MiB)");
    println!(
        "{}",
        json!({
            "accounts": accounts, "entries": manifest.entries, "chunks": chunks, "bytes": bytes,
            "genesis_s": genesis_s, "create_s": create_s, "restore_s": restore_s,
            "create_mb_s": mb(bytes) / create_s, "restore_mb_s": mb(bytes) / restore_s,
            "restore_peak_rss_mib": restore_peak, "resident_before_restore_mib": resident_before,
        })
    );
}
