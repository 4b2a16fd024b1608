//! Groth16 BLS12-381 verification from the bytes a transaction carries: one by one
//! (decode, check points, verify alone) versus the block batch (decode on all cores,
//! one random linear combination, one multi-Miller loop, one final exponentiation),
//! for n proofs with k public inputs each. Also the cost of registering a key.
//!
//! `cargo bench -p veritas-zkverify --bench verify`

use std::sync::Arc;

use ark_bls12_381::{Bls12_381, Fr};
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
use veritas_zkverify::encoding::{
    decode_proof, decode_verifying_key, proof_bytes, public_input_bytes, verifying_key_bytes,
};
use veritas_zkverify::verifier::PreparedKey;
use veritas_zkverify::{verdict_alone, VerifyRequest};

/// k public inputs z_j = x_j · y, with private x_j and y.
#[derive(Clone)]
struct Products {
    xs: Vec<Option<Fr>>,
    y: Option<Fr>,
}

impl ConstraintSynthesizer<Fr> for Products {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
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

fn submissions(k: usize, n: usize) -> (Vec<u8>, Vec<Submission>) {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(k as u64);
    let (pk, vk) =
        Groth16::<Bls12_381>::circuit_specific_setup(Products { xs: vec![None; k], y: None }, &mut rng).expect("setup");
    let vk_bytes = verifying_key_bytes(&vk);
    let key: PreparedKey = Arc::new(ark_groth16::prepare_verifying_key(&vk));
    let submitter = Address::from_bytes(&[7; 20]).expect("address");
    let subs = (0..n as u64)
        .map(|_| {
            // Full-width inputs (like hashes): the one-by-one path pays a full scalar
            // multiplication per input, which the gas table must cover.
            let xs: Vec<Fr> = (0..k).map(|_| Fr::rand(&mut rng)).collect();
            let y = Fr::rand(&mut rng);
            let proof = Groth16::<Bls12_381>::prove(
                &pk,
                Products { xs: xs.iter().map(|x| Some(*x)).collect(), y: Some(y) },
                &mut rng,
            )
            .expect("prove");
            let inputs = xs.iter().map(|x| public_input_bytes(&(*x * y))).collect();
            // Uncompressed, as the CLI sends them (no square roots to decode).
            let mut uncompressed = Vec::new();
            proof.serialize_uncompressed(&mut uncompressed).expect("serialise");
            let request =
                VerifyRequest { submitter: submitter.clone(), vk_id: "ab".repeat(32), proof: uncompressed, inputs };
            Submission { key: key.clone(), request }
        })
        .collect();
    (vk_bytes, subs)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("groth16_bls12_381");
    group.sample_size(10);
    for k in [1usize, 4, 16] {
        let (vk_bytes, all) = submissions(k, 256);
        for n in [1usize, 16, 64, 256] {
            let subs = &all[..n];
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(format!("one_by_one/k{k}"), n), &subs, |b, subs| {
                b.iter(|| assert!(subs.iter().all(|s| verdict_alone(&s.request, &s.key).unwrap().1)))
            });
            group.bench_with_input(BenchmarkId::new(format!("block_batch/k{k}"), n), &subs, |b, subs| {
                b.iter(|| assert!(verify_block(subs).into_iter().all(|v| v.unwrap().1)))
            });
        }
        // The same 256 proofs sent compressed (192 bytes): decoding takes square roots.
        let compressed: Vec<Submission> = all
            .iter()
            .map(|s| {
                let proof = decode_proof(&s.request.proof).expect("valid");
                let request = VerifyRequest { proof: proof_bytes(&proof), ..s.request.clone() };
                Submission { key: s.key.clone(), request }
            })
            .collect();
        group.throughput(Throughput::Elements(256));
        group.bench_with_input(
            BenchmarkId::new(format!("block_batch_compressed/k{k}"), 256),
            &compressed,
            |b, subs| b.iter(|| assert!(verify_block(subs).into_iter().all(|v| v.unwrap().1))),
        );
        group.throughput(Throughput::Bytes(vk_bytes.len() as u64));
        group.bench_function(BenchmarkId::new("register_decode_key", format!("k{k}_{}B", vk_bytes.len())), |b| {
            b.iter(|| decode_verifying_key(&vk_bytes).unwrap())
        });
        // What registration adds once the key decodes (KEY_PREPARATION_GAS covers it).
        let decoded = decode_verifying_key(&vk_bytes).unwrap();
        group.bench_function(BenchmarkId::new("register_prepare_key", format!("k{k}")), |b| {
            b.iter(|| ark_groth16::prepare_verifying_key(&decoded))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
