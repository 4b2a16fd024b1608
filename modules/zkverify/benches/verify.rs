//! Groth16 verification from the bytes a transaction carries, on BLS12-381 and BN254:
//! one by one (decode, check points, verify alone) versus the block batch (decode on
//! all cores, one random linear combination, one multi-Miller loop, one final
//! exponentiation per curve), for n proofs with k public inputs each; gnark proofs with
//! a commitment (BSB22); a block mixing both curves; the cost of registering a key.
//!
//! `cargo bench -p veritas-zkverify --bench verify` (the gnark rows run
//! fixtures/gnark with Go; without Go they are skipped with a message).

use std::path::PathBuf;
use std::process::Command;

use ark_ff::PrimeField;
use ark_groth16::Groth16;
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use ark_std::UniformRand;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use veritas_framework::Address;
use veritas_zkverify::batch::{verify_block, Submission};
use veritas_zkverify::encoding::{decode_proof, proof_bytes, public_input_bytes};
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use veritas_zkverify::key::{AnyKey, Key};
use veritas_zkverify::{verdict_alone, Curve, VerifyRequest};

/// k public inputs z_j = x_j · y, with private x_j and y.
#[derive(Clone)]
struct Products<F> {
    xs: Vec<Option<F>>,
    y: Option<F>,
}

impl<F: PrimeField> ConstraintSynthesizer<F> for Products<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<F>) -> Result<(), SynthesisError> {
        let y = cs.new_witness_variable(|| self.y.ok_or(SynthesisError::AssignmentMissing))?;
        for x in self.xs {
            let xv = cs.new_witness_variable(|| x.ok_or(SynthesisError::AssignmentMissing))?;
            let z = cs.new_input_variable(|| {
                Ok(x.ok_or(SynthesisError::AssignmentMissing)? * self.y.ok_or(SynthesisError::AssignmentMissing)?)
            })?;
            cs.enforce_constraint(lc!() + xv, lc!() + y, lc!() + z)?;
        }
        Ok(())
    }
}

/// A key with k inputs on `E` and n valid submissions against it.
fn submissions<E: Curve>(k: usize, n: usize, wrap: fn(Key<E>) -> AnyKey) -> (AnyKey, Vec<Submission>) {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(k as u64);
    let (pk, vk) =
        Groth16::<E>::circuit_specific_setup(Products::<E::ScalarField> { xs: vec![None; k], y: None }, &mut rng)
            .expect("setup");
    let key = wrap(Key { vk, bsb22: None });
    let prepared = key.prepare();
    let submitter = Address::from_bytes(&[7; 20]).expect("address");
    let subs = (0..n as u64)
        .map(|_| {
            // Full-width inputs (like hashes): the one-by-one path pays a full scalar
            // multiplication per input, which the gas table must cover.
            let xs: Vec<E::ScalarField> = (0..k).map(|_| E::ScalarField::rand(&mut rng)).collect();
            let y = E::ScalarField::rand(&mut rng);
            let proof =
                Groth16::<E>::prove(&pk, Products { xs: xs.iter().map(|x| Some(*x)).collect(), y: Some(y) }, &mut rng)
                    .expect("prove");
            let inputs = xs.iter().map(|x| public_input_bytes(&(*x * y))).collect();
            // Uncompressed, as the CLI sends them (no square roots to decode).
            let mut uncompressed = Vec::new();
            proof.serialize_uncompressed(&mut uncompressed).expect("serialise");
            let request = VerifyRequest::plain(submitter.clone(), key.id(), E::ID, uncompressed, inputs);
            Submission { key: prepared.clone(), request }
        })
        .collect();
    (key, subs)
}

fn one_by_one(subs: &[Submission]) -> bool {
    subs.iter().all(|s| verdict_alone(&s.request, &s.key).unwrap().1)
}

fn batched(subs: &[Submission]) -> bool {
    verify_block(subs).into_iter().all(|v| v.unwrap().1)
}

fn curve_rows<E: Curve>(c: &mut Criterion, wrap: fn(Key<E>) -> AnyKey) {
    let mut group = c.benchmark_group(format!("groth16_{}", E::ID.name().replace('-', "_")));
    group.sample_size(10);
    for k in [1usize, 4, 16] {
        let (key, all) = submissions::<E>(k, 256, wrap);
        for n in [1usize, 16, 64, 256] {
            let subs = &all[..n];
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(format!("one_by_one/k{k}"), n), &subs, |b, subs| {
                b.iter(|| assert!(one_by_one(subs)))
            });
            group.bench_with_input(BenchmarkId::new(format!("block_batch/k{k}"), n), &subs, |b, subs| {
                b.iter(|| assert!(batched(subs)))
            });
        }
        // The same 256 proofs sent compressed: decoding takes square roots.
        let compressed: Vec<Submission> = all
            .iter()
            .map(|s| {
                let proof = decode_proof::<E>(&s.request.proof).expect("valid");
                let request = VerifyRequest { proof: proof_bytes(&proof), ..s.request.clone() };
                Submission { key: s.key.clone(), request }
            })
            .collect();
        group.throughput(Throughput::Elements(256));
        group.bench_with_input(
            BenchmarkId::new(format!("block_batch_compressed/k{k}"), 256),
            &compressed,
            |b, subs| b.iter(|| assert!(batched(subs))),
        );
        let vk_bytes = key.vk_bytes();
        group.throughput(Throughput::Bytes(vk_bytes.len() as u64));
        group.bench_function(BenchmarkId::new("register_decode_key", format!("k{k}_{}B", vk_bytes.len())), |b| {
            b.iter(|| AnyKey::decode(E::ID, &vk_bytes, None).unwrap())
        });
        // What registration adds once the key decodes (KEY_PREPARATION_GAS covers it).
        group.bench_function(BenchmarkId::new("register_prepare_key", format!("k{k}")), |b| b.iter(|| key.prepare()));
    }
    group.finish();
}

/// 128 BLS12-381 and 128 BN254 proofs (k = 4) interleaved in one block: two batches.
fn mixed_block(c: &mut Criterion) {
    let (_, bls) = submissions::<ark_bls12_381::Bls12_381>(4, 128, AnyKey::Bls12_381);
    let (_, bn) = submissions::<ark_bn254::Bn254>(4, 128, AnyKey::Bn254);
    let mixed: Vec<Submission> = bls.into_iter().zip(bn).flat_map(|(a, b)| [a, b]).collect();
    let mut group = c.benchmark_group("groth16_mixed");
    group.sample_size(10);
    group.throughput(Throughput::Elements(256));
    group.bench_with_input(BenchmarkId::new("one_by_one/k4", 256), &mixed, |b, s| b.iter(|| assert!(one_by_one(s))));
    group.bench_with_input(BenchmarkId::new("block_batch/k4", 256), &mixed, |b, s| b.iter(|| assert!(batched(s))));
    group.finish();
}

/// Stock gnark proofs with one commitment (fixtures/gnark --batch), per curve.
fn gnark_committed(c: &mut Criterion) {
    const N: usize = 256;
    let dir = tempfile::tempdir().expect("temp dir");
    let program = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/gnark");
    let made = Command::new("go")
        .args(["run", ".", "--batch", &N.to_string(), "--out"])
        .arg(dir.path())
        .current_dir(&program)
        .output();
    match made {
        Ok(out) if out.status.success() => {}
        other => {
            eprintln!("gnark rows skipped: `go run . --batch` in {} failed: {other:?}", program.display());
            return;
        }
    }
    let mut group = c.benchmark_group("groth16_gnark_committed");
    group.sample_size(10);
    for curve in ["bn254", "bls12-381"] {
        let at = dir.path().join(format!("{curve}-committed-batch"));
        let read = |name: String| std::fs::read(at.join(name)).expect("fixture");
        let key = read_verifying_key(&read("vk.raw".into()), Format::Gnark, None).expect("key");
        let prepared = key.prepare();
        let subs: Vec<Submission> = (0..N)
            .map(|i| {
                let proof = read_proof(&read(format!("{i}.proof.raw")), Format::Gnark, None).expect("proof");
                let inputs =
                    read_public_inputs(&read(format!("{i}.public.bin")), Format::Gnark, key.curve()).expect("inputs");
                let request = proof.into_request(Address::from_bytes(&[7; 20]).expect("address"), key.id(), inputs);
                Submission { key: prepared.clone(), request }
            })
            .collect();
        for n in [1usize, 16, 256] {
            let subs = &subs[..n];
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(format!("one_by_one/{curve}"), n), &subs, |b, s| {
                b.iter(|| assert!(one_by_one(s)))
            });
            group.bench_with_input(BenchmarkId::new(format!("block_batch/{curve}"), n), &subs, |b, s| {
                b.iter(|| assert!(batched(s)))
            });
        }
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    curve_rows::<ark_bls12_381::Bls12_381>(c, AnyKey::Bls12_381);
    curve_rows::<ark_bn254::Bn254>(c, AnyKey::Bn254);
    mixed_block(c);
    gnark_committed(c);
}

criterion_group!(benches, bench);
criterion_main!(benches);
