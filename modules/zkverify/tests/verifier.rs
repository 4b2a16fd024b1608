//! The verifier on real Groth16 proofs made with arkworks, on both curves.

use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use ark_std::rand::{Rng, SeedableRng};
use std::sync::Arc;

use veritas_zkverify::encoding::*;
use veritas_zkverify::key::{Key as VkKey, Prepared};
use veritas_zkverify::verifier::*;
use veritas_zkverify::{Curve, CurveId};

/// Proves knowledge of x, y with x·y = z (public) and, when `with_sum`, x + y = s (public).
#[derive(Clone)]
struct Product<F> {
    x: Option<F>,
    y: Option<F>,
    with_sum: bool,
}

impl<F: PrimeField> ConstraintSynthesizer<F> for Product<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<F>) -> Result<(), SynthesisError> {
        let x = cs.new_witness_variable(|| self.x.ok_or(SynthesisError::AssignmentMissing))?;
        let y = cs.new_witness_variable(|| self.y.ok_or(SynthesisError::AssignmentMissing))?;
        let z = cs.new_input_variable(|| {
            Ok(self.x.ok_or(SynthesisError::AssignmentMissing)? * self.y.ok_or(SynthesisError::AssignmentMissing)?)
        })?;
        cs.enforce_constraint(lc!() + x, lc!() + y, lc!() + z)?;
        if self.with_sum {
            let s = cs.new_input_variable(|| {
                Ok(self.x.ok_or(SynthesisError::AssignmentMissing)?
                    + self.y.ok_or(SynthesisError::AssignmentMissing)?)
            })?;
            cs.enforce_constraint(lc!() + x + y, lc!() + ark_relations::r1cs::Variable::One, lc!() + s)?;
        }
        Ok(())
    }
}

struct Key<E: Curve> {
    pk: ProvingKey<E>,
    prepared: Arc<Prepared<E>>,
    with_sum: bool,
}

fn key<E: Curve>(with_sum: bool, rng: &mut (impl Rng + ark_std::rand::CryptoRng)) -> Key<E> {
    let (pk, vk) = Groth16::<E>::circuit_specific_setup(Product { x: None, y: None, with_sum }, rng).unwrap();
    Key { pk, prepared: Arc::new(VkKey { vk, bsb22: None }.prepare()), with_sum }
}

fn prove<E: Curve>(
    key: &Key<E>,
    x: u64,
    y: u64,
    rng: &mut (impl Rng + ark_std::rand::CryptoRng),
) -> (Proof<E>, Vec<E::ScalarField>) {
    let (x, y) = (E::ScalarField::from(x), E::ScalarField::from(y));
    let proof = Groth16::<E>::prove(&key.pk, Product { x: Some(x), y: Some(y), with_sum: key.with_sum }, rng).unwrap();
    let mut inputs = vec![x * y];
    if key.with_sum {
        inputs.push(x + y);
    }
    (proof, inputs)
}

fn decoding_is_strict_on<E: Curve>() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
    let k = key::<E>(false, &mut rng);
    let (proof, inputs) = prove(&k, 3, 5, &mut rng);
    let (compressed_len, uncompressed_len) = E::ID.proof_lengths();

    let mut compressed = Vec::new();
    proof.serialize_compressed(&mut compressed).unwrap();
    let mut uncompressed = Vec::new();
    proof.serialize_uncompressed(&mut uncompressed).unwrap();
    assert_eq!((compressed.len(), uncompressed.len()), (compressed_len, uncompressed_len));
    assert_eq!(decode_proof::<E>(&compressed).unwrap(), proof);
    assert_eq!(decode_proof::<E>(&uncompressed).unwrap(), proof);
    assert_eq!(decode_proof_deferring_b_subgroup::<E>(&uncompressed).unwrap(), proof);
    assert!(decode_proof::<E>(&compressed[..100]).is_err());
    // A point off the curve (or out of the subgroup) is refused, not used.
    let mut broken = uncompressed.clone();
    broken[5] ^= 0x55;
    assert_eq!(decode_proof::<E>(&broken).unwrap_err().code(), 3, "{}", E::ID);

    let vk_bytes = verifying_key_bytes(&k.prepared.pvk.vk);
    let vk = decode_verifying_key::<E>(&vk_bytes).unwrap();
    assert_eq!(vk, k.prepared.pvk.vk);
    let mut longer = vk_bytes.clone();
    longer.push(0);
    assert_eq!(decode_verifying_key::<E>(&longer).unwrap_err().code(), 2, "an extra byte is an encoding error");

    let le = inputs[0].into_bigint().to_bytes_le();
    assert_eq!(decode_public_inputs::<E::ScalarField>(&[le]).unwrap(), inputs);
    let modulus = E::ScalarField::MODULUS.to_bytes_le();
    assert!(decode_public_inputs::<E::ScalarField>(&[modulus]).unwrap_err().log().contains("modulus"));
    assert!(decode_public_inputs::<E::ScalarField>(&[vec![1; 31]]).is_err());

    let ok = Statement::plain(k.prepared.clone(), proof.clone(), inputs.clone());
    assert!(verify(&ok).unwrap());
    let wrong = Statement::plain(k.prepared.clone(), proof.clone(), vec![inputs[0] + E::ScalarField::from(1u64)]);
    assert!(!verify(&wrong).unwrap());
    let count = Statement::plain(k.prepared.clone(), proof, vec![]);
    assert!(verify(&count).unwrap_err().log().contains("expects 1 public inputs"));
}

#[test]
fn decoding_is_strict() {
    decoding_is_strict_on::<ark_bls12_381::Bls12_381>();
    decoding_is_strict_on::<ark_bn254::Bn254>();
}

#[test]
fn a_bls12_381_key_keeps_the_id_of_its_compressed_bytes_and_a_bn254_key_names_its_curve() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(3);
    let bls = key::<ark_bls12_381::Bls12_381>(false, &mut rng);
    let bls_key = VkKey { vk: bls.prepared.pvk.vk.clone(), bsb22: None };
    assert_eq!(bls_key.id_bytes(), verifying_key_bytes(&bls_key.vk));
    let bn = key::<ark_bn254::Bn254>(false, &mut rng);
    let bn_key = VkKey { vk: bn.prepared.pvk.vk.clone(), bsb22: None };
    let id_bytes = bn_key.id_bytes();
    assert!(id_bytes.starts_with(b"veritas/zkverify/vk/v2") && id_bytes.len() > verifying_key_bytes(&bn_key.vk).len());
    assert_eq!(id_bytes[22], CurveId::Bn254.to_proto() as u8);
}

fn batch_verdicts_on<E: Curve>() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(7);
    let keys = [key::<E>(false, &mut rng), key::<E>(true, &mut rng)];
    for round in 0..6u64 {
        let n = 1 + (round as usize * 5) % 17;
        let mut statements = Vec::new();
        for i in 0..n {
            let k = &keys[rng.gen_range(0..2)];
            let (proof, mut inputs) = prove(k, rng.gen_range(1..1000), rng.gen_range(1..1000), &mut rng);
            match rng.gen_range(0..4) {
                0 => inputs[0] += E::ScalarField::from(1u64),          // wrong statement
                1 if i > 0 => inputs.push(E::ScalarField::from(9u64)), // wrong input count
                _ => {}
            }
            statements.push(Statement::plain(k.prepared.clone(), proof, inputs));
        }
        let alone: Vec<String> = statements.iter().map(|s| format!("{:?}", verify(s).map_err(|e| e.code()))).collect();
        let batch: Vec<String> = verify_batch(&statements, &round.to_be_bytes())
            .into_iter()
            .map(|r| format!("{:?}", r.map_err(|e| e.code())))
            .collect();
        assert_eq!(batch, alone, "{} round {round}", E::ID);
        assert!(alone.iter().any(|v| v == "Ok(true)") || n < 3, "round {round} has no valid proof: {alone:?}");
    }
    // An all-valid batch passes as a whole.
    let mut statements = Vec::new();
    for i in 0..8 {
        let k = &keys[i % 2];
        let (proof, inputs) = prove(k, 2 + i as u64, 7, &mut rng);
        statements.push(Statement::plain(k.prepared.clone(), proof, inputs));
    }
    assert!(verify_batch(&statements, b"seed").into_iter().all(|r| r.unwrap()));
    // The combined check itself accepts them (no bisection needed) ...
    assert!(batch_is_valid(&statements, b"seed"));
    // ... and rejects the batch once one statement is false.
    statements[5].inputs[0] += E::ScalarField::from(1u64);
    assert!(!batch_is_valid(&statements, b"seed"));
    assert!(!batch_is_valid(&statements, b"another seed"));
}

#[test]
fn batch_verdicts_equal_one_by_one_verdicts() {
    batch_verdicts_on::<ark_bls12_381::Bls12_381>();
    batch_verdicts_on::<ark_bn254::Bn254>();
}
