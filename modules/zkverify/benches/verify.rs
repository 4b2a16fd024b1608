//! Groth16 BLS12-381 verification: one by one versus one batch (random linear
//! combination, one multi-Miller loop, one final exponentiation).

use ark_bls12_381::{Bls12_381, Fr};
use ark_groth16::Groth16;
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use veritas_zkverify::verifier::{verify, verify_batch, Statement};

#[derive(Clone)]
struct Product(Option<Fr>, Option<Fr>);

impl ConstraintSynthesizer<Fr> for Product {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let x = cs.new_witness_variable(|| self.0.ok_or(SynthesisError::AssignmentMissing))?;
        let y = cs.new_witness_variable(|| self.1.ok_or(SynthesisError::AssignmentMissing))?;
        let z = cs.new_input_variable(|| {
            Ok(self.0.ok_or(SynthesisError::AssignmentMissing)? * self.1.ok_or(SynthesisError::AssignmentMissing)?)
        })?;
        cs.enforce_constraint(lc!() + x, lc!() + y, lc!() + z)
    }
}

fn bench(c: &mut Criterion) {
    const N: usize = 64;
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(3);
    let (pk, vk) = Groth16::<Bls12_381>::circuit_specific_setup(Product(None, None), &mut rng).unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    let statements: Vec<Statement<'_>> = (0..N as u64)
        .map(|i| {
            let (x, y) = (Fr::from(i + 2), Fr::from(7u64));
            let proof = Groth16::<Bls12_381>::prove(&pk, Product(Some(x), Some(y)), &mut rng).unwrap();
            Statement { vk: &pvk, proof, inputs: vec![x * y] }
        })
        .collect();
    let mut group = c.benchmark_group("groth16_bls12_381");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(format!("{N}_proofs_one_by_one"), |b| {
        b.iter(|| assert!(statements.iter().all(|s| verify(s).unwrap())))
    });
    group.bench_function(format!("{N}_proofs_batched"), |b| {
        b.iter(|| assert!(verify_batch(&statements, b"block").into_iter().all(|r| r.unwrap())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
