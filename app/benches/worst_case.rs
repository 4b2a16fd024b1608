//! The worst block a malicious proposer can make under the consensus rules, against a
//! full block of valid bank sends: how long every validator takes to check and run it
//! (ProcessProposal + FinalizeBlock + Commit, on RocksDB) and the process's peak memory.
//!
//! Every block is as full as `block.max_gas` (200,000,000, what `veritasd init` sets) and
//! `block.max_bytes` allow, each transaction declaring just the gas it uses:
//! - `valid_sends`: bank sends (the baseline);
//! - `invalid_proofs`: one zkverify proof per tx whose points are sound but which does not
//!   verify, so the block batch fails and bisects (each pays its fee, and fails with 10);
//! - `bad_signatures`: seven signers per tx, the last signature invalid (the ante refuses
//!   it, so nobody pays, yet every validator verifies up to seven signatures);
//! - `undecodable`: 1 MiB pieces of junk up to `block.max_bytes` (ProcessProposal rejects).
//!
//! Run one case at a time for its own peak memory: `cargo bench -p veritas-app --bench
//! worst_case -- invalid_proofs`.

mod common;

use bytes::Bytes;
use common::{accounts, peak_rss_mib, send_msg, sign, Account, BenchChain};
use criterion::{criterion_group, criterion_main, Criterion};
use prost::Message;
use veritas_proto::zkverify::v1 as zk;
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MAX_GAS: i64 = 200_000_000;
const ACCOUNTS: usize = 8000;
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../modules/zkverify/fixtures/multiplier");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

/// A block's transactions: `make(i, accounts)` for i = 0.. while their gas limits fit.
fn fill(accounts: &mut [Account], gas_each: u64, mut make: impl FnMut(usize, &mut [Account]) -> Vec<u8>) -> Vec<Bytes> {
    let n = (MAX_GAS as u64 / gas_each) as usize;
    (0..n).map(|i| make(i, accounts).into()).collect()
}

/// Gas a tx like `raw` uses, from running one in a block (it must not fail in the ante).
fn gas_used(chain: &mut BenchChain, raw: Vec<u8>) -> u64 {
    let results = chain.block(vec![raw.into()]).unwrap();
    results[0].gas_used as u64
}

fn worst_case(c: &mut Criterion) {
    let mut group = c.benchmark_group("worst_case_block");
    group.sample_size(10);

    let key = read_verifying_key(&fixture("verification_key.json"), Format::Snarkjs, None).unwrap();
    let vk = key.vk_bytes();
    let vk_id = key.id();
    let proof = read_proof(&fixture("proof_1.json"), Format::Snarkjs, None).unwrap().proof;
    let mut wrong_inputs = read_public_inputs(&fixture("public_1.json"), Format::Snarkjs, key.curve()).unwrap();
    wrong_inputs[0][0] ^= 1; // another statement: the proof does not verify for it
    let zk_genesis = veritas_zkverify::GenesisState {
        verifying_keys: vec![veritas_zkverify::GenesisKey {
            vk_id: String::new(),
            vk: hex::encode(&vk),
            creator: String::new(),
            height: 0,
            curve: key.curve().name().into(),
            commitments: None,
        }],
        ..Default::default()
    };

    let mut accounts = accounts(ACCOUNTS);
    let mut chain = common::start(&mut accounts, MAX_GAS, zk_genesis);
    let send = |i: usize, accounts: &mut [Account], gas: u64| {
        let from = i % ACCOUNTS;
        let msg = send_msg(&accounts[from].address, &accounts[(from + 1) % ACCOUNTS].address);
        sign(&mut [&mut accounts[from]], vec![msg], gas, 1)
    };
    // Every invalid submission distinct (another wrong statement each time), so no
    // verdict is cached: the block batch fails and bisects down to single proofs.
    let statement = std::cell::Cell::new(0u64);
    let verify = |i: usize, accounts: &mut [Account], gas: u64| {
        let from = i % ACCOUNTS;
        let mut inputs = wrong_inputs.clone();
        statement.set(statement.get() + 1);
        inputs[0][8..16].copy_from_slice(&statement.get().to_le_bytes());
        let msg = zk::MsgVerifyProof {
            submitter: accounts[from].address.to_bech32(),
            vk_id: vk_id.clone(),
            proof: proof.clone(),
            public_inputs: inputs,
            ..Default::default()
        };
        let any = cosmos_sdk_proto::Any { type_url: zk::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() };
        sign(&mut [&mut accounts[from]], vec![any], gas, 1)
    };
    let bad_signatures = |i: usize, accounts: &mut [Account], gas: u64| {
        let first = (i * 7) % (ACCOUNTS - 7);
        let msgs = (first..first + 7).map(|j| send_msg(&accounts[j].address, &accounts[j + 1].address)).collect();
        let (signers, _) = accounts[first..].split_at_mut(7);
        let mut signers: Vec<&mut Account> = signers.iter_mut().collect();
        let raw = sign(&mut signers, msgs, gas, 1);
        for s in signers {
            s.sequence -= 1; // refused by the ante: the chain's sequences do not move
        }
        let mut tx = cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw::decode(raw.as_slice()).unwrap();
        tx.signatures[6][5] ^= 1;
        tx.encode_to_vec()
    };

    let send_gas = gas_used(&mut chain, send(0, &mut accounts, 1_000_000));
    let verify_gas = gas_used(&mut chain, verify(1, &mut accounts, 10_000_000));
    // The least gas such a tx may declare: its bytes and its seven signatures, with room
    // for each signer's sequence to grow by up to 4 varint bytes over the run (a faster
    // machine runs more blocks).
    let params = veritas_auth::Params::default();
    let bad_raw = bad_signatures(0, &mut accounts, 1_000_000);
    let bad_bytes = bad_raw.len() as u64 + 7 * 4;
    let bad_gas = params.tx_size_cost_per_byte * bad_bytes + 7 * params.sig_verify_cost_secp256k1;
    eprintln!("gas per tx: send {send_gas}, invalid proof {verify_gas}, 7-signer {bad_gas}");

    let mut case = |name: &str, gas_each: u64, make: &dyn Fn(usize, &mut [Account], u64) -> Vec<u8>| {
        let mut txs_in_block = 0;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let txs = fill(&mut accounts, gas_each, |i, a| make(i, a, gas_each));
                    txs_in_block = txs.len();
                    let start = std::time::Instant::now();
                    let outcome = chain.block(txs);
                    total += start.elapsed();
                    if let Err(reason) = outcome {
                        panic!("{name}: the proposal was rejected: {reason}");
                    }
                }
                total
            })
        });
        eprintln!("{name}: {txs_in_block} txs per block, peak RSS so far {} MiB", peak_rss_mib());
    };
    case("valid_sends", send_gas, &send);
    case("invalid_proofs", verify_gas, &verify);
    case("bad_signatures", bad_gas, &bad_signatures);

    // The most work one CheckTx can cost without paying: a tx with as many proofs as
    // block.max_gas allows, whose last proof has a point outside its subgroup, so
    // CheckTx decodes and checks every point (no pairing) and refuses it at the end.
    let per_proof = veritas_zkverify::Params::default().verify_gas(veritas_zkverify::CurveId::Bls12_381, 1, 0);
    let n = (MAX_GAS as u64 / (per_proof + 30_000)) as usize;
    let mut bad_proof = proof.clone();
    bad_proof[96 + 10] ^= 0x40; // B no longer a valid point: refused at the last message
    let msgs: Vec<cosmos_sdk_proto::Any> = (0..n)
        .map(|i| {
            let mut inputs = wrong_inputs.clone();
            inputs[0][16..24].copy_from_slice(&(i as u64).to_le_bytes());
            let msg = zk::MsgVerifyProof {
                submitter: accounts[0].address.to_bech32(),
                vk_id: vk_id.clone(),
                proof: if i + 1 == n { bad_proof.clone() } else { proof.clone() },
                public_inputs: inputs,
                ..Default::default()
            };
            cosmos_sdk_proto::Any { type_url: zk::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() }
        })
        .collect();
    let heavy = sign(&mut [&mut accounts[0]], msgs, MAX_GAS as u64, 1);
    accounts[0].sequence -= 1;
    let out = chain.check_tx(&heavy);
    assert_eq!(out.codespace, "zkverify", "{}", out.log);
    eprintln!("heaviest CheckTx: {n} proofs, {} bytes, refused with zkverify {}", heavy.len(), out.code);
    group.bench_function("check_tx_heaviest", |b| b.iter(|| assert!(!chain.check_tx(&heavy).is_ok())));

    // Junk is rejected by ProcessProposal: that check is all it costs.
    let junk: Vec<Bytes> = (0..21).map(|i| Bytes::from(vec![i as u8; 1 << 20])).collect();
    group.bench_function("undecodable", |b| {
        b.iter(|| assert!(chain.rules.process(&junk).is_some(), "junk must be rejected"))
    });
    group.finish();
}

criterion_group!(benches, worst_case);
criterion_main!(benches);
