//! Store throughput: committing a block of writes, and serving proven reads.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use veritas_store::{Storage, StorageConfig, WriteSet};

fn storage(dir: &std::path::Path) -> Storage {
    Storage::open(dir, StorageConfig { substores: vec!["bank".into(), "ibc".into()], keep_recent: 100 }).unwrap()
}

fn block(version: u64, writes: usize) -> WriteSet {
    let mut set = WriteSet::new();
    for i in 0..writes {
        let key = format!("balances/{:08}", (version as usize * 7919 + i * 104_729) % 1_000_000);
        set.put("bank", key.into_bytes(), version.to_be_bytes().to_vec());
    }
    set
}

fn commit_blocks(c: &mut Criterion) {
    let mut group = c.benchmark_group("commit");
    group.sample_size(20);
    for writes in [100usize, 1000] {
        let dir = tempfile::tempdir().unwrap();
        let store = storage(dir.path());
        // A state that already holds some history.
        for v in 0..20 {
            let p = store.prepare_commit(&block(v, 1000), &[]).unwrap();
            store.commit(p).unwrap();
        }
        group.bench_function(format!("{writes}_writes"), |b| {
            b.iter_batched(
                || block(store.latest_version().unwrap() + 1, writes),
                |set| {
                    let prepared = store.prepare_commit(&set, &[]).unwrap();
                    store.commit(prepared).unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn proven_reads(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = storage(dir.path());
    for v in 0..20 {
        let p = store.prepare_commit(&block(v, 1000), &[]).unwrap();
        store.commit(p).unwrap();
    }
    let version = store.latest_version().unwrap();
    let key = format!("balances/{:08}", (19 * 7919 + 5 * 104_729)).into_bytes();
    c.bench_function("get", |b| b.iter(|| store.get("bank", &key, version).unwrap()));
    c.bench_function("get_with_proof", |b| b.iter(|| store.get_with_proof("bank", &key, version).unwrap()));
    let proof = store.get_with_proof("bank", &key, version).unwrap();
    c.bench_function("verify_proof", |b| b.iter(|| assert!(proof.verify())));
}

criterion_group!(benches, commit_blocks, proven_reads);
criterion_main!(benches);
