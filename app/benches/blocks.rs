//! Bank sends through the real block path: FinalizeBlock (parallel signature
//! pre-verification, ante, MsgSend) + Commit (JMT over RocksDB), among many accounts.
//! Reported as transactions per second (criterion "elements").

mod common;

use common::{accounts, send_msg, sign, Account};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

// The same allocator as veritasd.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ACCOUNTS: usize = 2000;
const TXS_PER_BLOCK: usize = 1000;

fn bank_sends(c: &mut Criterion) {
    if std::env::var_os("VERITAS_BENCH_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter("veritas_app=debug").with_writer(std::io::stderr).init();
    }
    let mut accounts = accounts(ACCOUNTS);
    let mut chain = common::start(&mut accounts, -1, Default::default());
    let mut next_sender = 0usize;
    let mut block = |accounts: &mut Vec<Account>| -> Vec<bytes::Bytes> {
        (0..TXS_PER_BLOCK)
            .map(|_| {
                let from = next_sender % ACCOUNTS;
                let to = accounts[(from + 1) % ACCOUNTS].address.clone();
                next_sender += 1;
                let msg = send_msg(&accounts[from].address, &to);
                sign(&mut [&mut accounts[from]], vec![msg], 100_000, 2000).into()
            })
            .collect()
    };

    let mut group = c.benchmark_group("block");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS_PER_BLOCK as u64));
    group.bench_function(format!("{TXS_PER_BLOCK}_bank_sends_finalize_and_commit"), |b| {
        b.iter_custom(|iters| {
            let blocks: Vec<_> = (0..iters).map(|_| block(&mut accounts)).collect();
            let start = std::time::Instant::now();
            for txs in blocks {
                let results = chain.finalize(txs);
                assert!(results.iter().all(|t| t.code == 0), "{:?}", results.iter().find(|t| t.code != 0));
            }
            start.elapsed()
        })
    });
    group.finish();
}

criterion_group!(benches, bank_sends);
criterion_main!(benches);
