//! Bank sends through the real block path: FinalizeBlock (parallel signature
//! pre-verification, ante, MsgSend) + Commit (JMT over RocksDB), among many accounts.
//! Reported as transactions per second (criterion "elements").

use std::sync::{Arc, OnceLock};

use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw};
use cosmos_sdk_proto::Any;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestFinalizeBlock, RequestInitChain};
use veritas_app::node::Node;
use veritas_app::tx::MinGasPrices;
use veritas_framework::Address;
use veritas_store::{Storage, StorageConfig};

// The same allocator as veritasd.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ACCOUNTS: usize = 2000;
const TXS_PER_BLOCK: usize = 1000;
const CHAIN: &str = "bench-1";

struct Account {
    key: SigningKey,
    address: Address,
    pubkey: Any,
    number: u64,
    sequence: u64,
}

fn accounts() -> Vec<Account> {
    (0..ACCOUNTS)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            let key = SigningKey::from_slice(&seed).unwrap();
            let compressed = key.verifying_key().to_sec1_bytes().to_vec();
            let address = Address::from_secp256k1_pubkey(&compressed);
            let pubkey = Any {
                type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
                value: PubKey { key: compressed }.encode_to_vec(),
            };
            Account { key, address, pubkey, number: 0, sequence: 0 }
        })
        .collect()
}

fn send(from: &mut Account, to: &Address) -> Vec<u8> {
    let msg = MsgSend {
        from_address: from.address.to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![Coin { denom: "uvrt".into(), amount: "1".into() }],
    };
    let body = TxBody {
        messages: vec![Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() }],
        ..Default::default()
    };
    let auth_info = AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(from.pubkey.clone()),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single { mode: SignMode::Direct as i32 })),
            }),
            sequence: from.sequence,
        }],
        fee: Some(Fee {
            amount: vec![Coin { denom: "uvrt".into(), amount: "2000".into() }],
            gas_limit: 100_000,
            ..Default::default()
        }),
        ..Default::default()
    };
    let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
    let doc = SignDoc {
        body_bytes: body_bytes.clone(),
        auth_info_bytes: auth_info_bytes.clone(),
        chain_id: CHAIN.into(),
        account_number: from.number,
    };
    let sig: Signature = from.key.sign(&doc.encode_to_vec());
    let sig = sig.normalize_s().unwrap_or(sig);
    from.sequence += 1;
    TxRaw { body_bytes, auth_info_bytes, signatures: vec![sig.to_bytes().to_vec()] }.encode_to_vec()
}

fn bank_sends(c: &mut Criterion) {
    if std::env::var_os("VERITAS_BENCH_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter("veritas_app=debug").with_writer(std::io::stderr).init();
    }
    let dir = tempfile::tempdir().unwrap();
    let env = Arc::new(veritas_app::modules::tx_env(MinGasPrices::default()));
    let storage =
        Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 100 }).unwrap();
    let mut node = Node::new(storage, env, Arc::new(OnceLock::new()));
    let mut accounts = accounts();
    let balances: Vec<_> = accounts
        .iter()
        .map(|a| serde_json::json!({ "address": a.address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000000000" }] }))
        .collect();
    let genesis = serde_json::json!({ "auth": {}, "bank": { "balances": balances }, "zkverify": {}, "ibc": {} });
    node.init_chain(RequestInitChain {
        chain_id: CHAIN.into(),
        initial_height: 1,
        app_state_bytes: serde_json::to_vec(&genesis).unwrap().into(),
        ..Default::default()
    });
    // Genesis assigns account numbers in address order.
    let mut order: Vec<usize> = (0..ACCOUNTS).collect();
    order.sort_by(|&a, &b| accounts[a].address.cmp(&accounts[b].address));
    for (number, &i) in order.iter().enumerate() {
        accounts[i].number = number as u64;
    }
    let mut height = 1i64;
    let mut next_sender = 0usize;
    let mut block = |accounts: &mut Vec<Account>| -> Vec<bytes::Bytes> {
        (0..TXS_PER_BLOCK)
            .map(|_| {
                let from = next_sender % ACCOUNTS;
                let to = accounts[(from + 1) % ACCOUNTS].address.clone();
                next_sender += 1;
                send(&mut accounts[from], &to).into()
            })
            .collect()
    };
    // The first block also commits genesis; keep it out of the measurement.
    let first = block(&mut accounts);
    let r = node.finalize_block(RequestFinalizeBlock { txs: first, height, ..Default::default() });
    assert!(r.tx_results.iter().all(|t| t.code == 0), "{:?}", r.tx_results[0]);
    node.commit();
    height += 1;

    let mut group = c.benchmark_group("block");
    group.sample_size(10);
    group.throughput(Throughput::Elements(TXS_PER_BLOCK as u64));
    group.bench_function(format!("{TXS_PER_BLOCK}_bank_sends_finalize_and_commit"), |b| {
        b.iter_custom(|iters| {
            let blocks: Vec<_> = (0..iters).map(|_| block(&mut accounts)).collect();
            let start = std::time::Instant::now();
            for txs in blocks {
                let r = node.finalize_block(RequestFinalizeBlock { txs, height, ..Default::default() });
                assert!(r.tx_results.iter().all(|t| t.code == 0), "{:?}", r.tx_results.iter().find(|t| t.code != 0));
                node.commit();
                height += 1;
            }
            start.elapsed()
        })
    });
    group.finish();
}

criterion_group!(benches, bank_sends);
criterion_main!(benches);
