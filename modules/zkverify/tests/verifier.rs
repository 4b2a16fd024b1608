//! The verifier on real Groth16 proofs made with arkworks.

use ark_bls12_381::{Bls12_381, Fr};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use ark_std::rand::{Rng, SeedableRng};
use std::sync::Arc;

use veritas_zkverify::encoding::*;
use veritas_zkverify::verifier::*;

/// Proves knowledge of x, y with x·y = z (public) and, when `with_sum`, x + y = s (public).
#[derive(Clone)]
struct Product {
    x: Option<Fr>,
    y: Option<Fr>,
    with_sum: bool,
}

impl ConstraintSynthesizer<Fr> for Product {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
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

struct Key {
    pk: ProvingKey<Bls12_381>,
    pvk: PreparedKey,
    with_sum: bool,
}

fn key(with_sum: bool, rng: &mut (impl Rng + ark_std::rand::CryptoRng)) -> Key {
    let (pk, vk) = Groth16::<Bls12_381>::circuit_specific_setup(Product { x: None, y: None, with_sum }, rng).unwrap();
    Key { pk, pvk: Arc::new(ark_groth16::prepare_verifying_key(&vk)), with_sum }
}

fn prove(key: &Key, x: u64, y: u64, rng: &mut (impl Rng + ark_std::rand::CryptoRng)) -> (Proof<Bls12_381>, Vec<Fr>) {
    let (x, y) = (Fr::from(x), Fr::from(y));
    let proof =
        Groth16::<Bls12_381>::prove(&key.pk, Product { x: Some(x), y: Some(y), with_sum: key.with_sum }, rng).unwrap();
    let mut inputs = vec![x * y];
    if key.with_sum {
        inputs.push(x + y);
    }
    (proof, inputs)
}

fn le_bytes(f: &Fr) -> Vec<u8> {
    f.into_bigint().to_bytes_le()
}

#[test]
fn decoding_is_strict() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
    let k = key(false, &mut rng);
    let (proof, inputs) = prove(&k, 3, 5, &mut rng);

    let mut compressed = Vec::new();
    proof.serialize_compressed(&mut compressed).unwrap();
    let mut uncompressed = Vec::new();
    proof.serialize_uncompressed(&mut uncompressed).unwrap();
    assert_eq!(decode_proof(&compressed).unwrap(), proof);
    assert_eq!(decode_proof(&uncompressed).unwrap(), proof);
    assert!(decode_proof(&compressed[..100]).is_err());
    // A point off the curve (or out of the subgroup) is refused, not used.
    let mut broken = compressed.clone();
    broken[5] ^= 0x55;
    assert!(decode_proof(&broken).is_err());

    let mut vk_bytes = Vec::new();
    k.pvk.vk.serialize_compressed(&mut vk_bytes).unwrap();
    let vk = decode_verifying_key(&vk_bytes).unwrap();
    assert_eq!(vk, k.pvk.vk);
    assert_eq!(verifying_key_id(&verifying_key_bytes(&vk)).len(), 64);
    vk_bytes.push(0);
    assert_eq!(decode_verifying_key(&vk_bytes).unwrap_err().code(), 2, "an extra byte is an encoding error");

    assert_eq!(decode_public_inputs(&[le_bytes(&inputs[0])]).unwrap(), inputs);
    let modulus = Fr::MODULUS.to_bytes_le();
    assert!(decode_public_inputs(&[modulus]).unwrap_err().log().contains("modulus"));
    assert!(decode_public_inputs(&[vec![1; 31]]).is_err());

    let ok = Statement { vk: k.pvk.clone(), proof: proof.clone(), inputs: inputs.clone() };
    assert!(verify(&ok).unwrap());
    let wrong = Statement { vk: k.pvk.clone(), proof: proof.clone(), inputs: vec![inputs[0] + Fr::from(1u64)] };
    assert!(!verify(&wrong).unwrap());
    let count = Statement { vk: k.pvk.clone(), proof, inputs: vec![] };
    assert!(verify(&count).unwrap_err().log().contains("expects 1 public inputs"));
}

#[test]
fn batch_verdicts_equal_one_by_one_verdicts() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(7);
    let keys = [key(false, &mut rng), key(true, &mut rng)];
    for round in 0..6u64 {
        let n = 1 + (round as usize * 5) % 17;
        let mut statements = Vec::new();
        for i in 0..n {
            let k = &keys[rng.gen_range(0..2)];
            let (proof, mut inputs) = prove(k, rng.gen_range(1..1000), rng.gen_range(1..1000), &mut rng);
            match rng.gen_range(0..4) {
                0 => inputs[0] += Fr::from(1u64),          // wrong statement
                1 if i > 0 => inputs.push(Fr::from(9u64)), // wrong input count
                _ => {}
            }
            statements.push(Statement { vk: k.pvk.clone(), proof, inputs });
        }
        let alone: Vec<String> = statements.iter().map(|s| format!("{:?}", verify(s).map_err(|e| e.code()))).collect();
        let batch: Vec<String> = verify_batch(&statements, &round.to_be_bytes())
            .into_iter()
            .map(|r| format!("{:?}", r.map_err(|e| e.code())))
            .collect();
        assert_eq!(batch, alone, "round {round}");
        assert!(alone.iter().any(|v| v == "Ok(true)") || n < 3, "round {round} has no valid proof: {alone:?}");
    }
    // An all-valid batch passes as a whole.
    let mut statements = Vec::new();
    for i in 0..8 {
        let k = &keys[i % 2];
        let (proof, inputs) = prove(k, 2 + i as u64, 7, &mut rng);
        statements.push(Statement { vk: k.pvk.clone(), proof, inputs });
    }
    assert!(verify_batch(&statements, b"seed").into_iter().all(|r| r.unwrap()));
    // The combined check itself accepts them (no bisection needed) ...
    assert!(batch_is_valid(&statements, b"seed"));
    // ... and rejects the batch once one statement is false.
    statements[5].inputs[0] += Fr::from(1u64);
    assert!(!batch_is_valid(&statements, b"seed"));
    assert!(!batch_is_valid(&statements, b"another seed"));
}
