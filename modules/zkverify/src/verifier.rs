//! Groth16 over BLS12-381 with arkworks: decoding untrusted bytes, and verifying one
//! proof or a whole batch.

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::CurveGroup;
use ark_ff::{BigInteger256, One, PrimeField};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use veritas_framework::{sdk, Error};

/// Size of a proof in arkworks canonical form: A (G1), B (G2), C (G1).
pub const PROOF_BYTES_COMPRESSED: usize = 48 + 96 + 48;
pub const PROOF_BYTES_UNCOMPRESSED: usize = 96 + 192 + 96;

/// Deserialises `T` from exactly `bytes`, validating every point (on curve, in subgroup).
fn decode_exact<T: CanonicalDeserialize>(bytes: &[u8], compress: Compress, what: &str) -> Result<T, Error> {
    let mut reader = bytes;
    let value = T::deserialize_with_mode(&mut reader, compress, Validate::Yes)
        .map_err(|e| sdk::invalid_request(format!("invalid {what}: {e}")))?;
    if !reader.is_empty() {
        return Err(sdk::invalid_request(format!("invalid {what}: {} trailing bytes", reader.len())));
    }
    Ok(value)
}

/// A verifying key from its compressed canonical bytes.
pub fn decode_verifying_key(bytes: &[u8]) -> Result<VerifyingKey<Bls12_381>, Error> {
    let vk: VerifyingKey<Bls12_381> = decode_exact(bytes, Compress::Yes, "verifying key")?;
    if vk.gamma_abc_g1.is_empty() {
        return Err(sdk::invalid_request("invalid verifying key: no gamma_abc_g1 points"));
    }
    Ok(vk)
}

/// The id of a verifying key: lowercase hex SHA-256 of its compressed canonical bytes.
pub fn verifying_key_id(vk: &VerifyingKey<Bls12_381>) -> String {
    let mut bytes = Vec::new();
    vk.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    hex::encode(Sha256::digest(&bytes))
}

/// A proof from compressed (192 bytes) or uncompressed (384 bytes) canonical bytes.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bls12_381>, Error> {
    match bytes.len() {
        PROOF_BYTES_COMPRESSED => decode_exact(bytes, Compress::Yes, "proof"),
        PROOF_BYTES_UNCOMPRESSED => decode_exact(bytes, Compress::No, "proof"),
        n => Err(sdk::invalid_request(format!(
            "invalid proof: {n} bytes (expected {PROOF_BYTES_COMPRESSED} compressed or {PROOF_BYTES_UNCOMPRESSED} uncompressed)"
        ))),
    }
}

/// Public inputs: 32-byte little-endian scalars, each strictly below the field modulus
/// (never reduced).
pub fn decode_public_inputs(inputs: &[Vec<u8>]) -> Result<Vec<Fr>, Error> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                sdk::invalid_request(format!("public input {i}: expected 32 bytes, got {}", bytes.len()))
            })?;
            let mut limbs = [0u64; 4];
            for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
                *limb = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            }
            Fr::from_bigint(BigInteger256::new(limbs))
                .ok_or_else(|| sdk::invalid_request(format!("public input {i} is not below the scalar field modulus")))
        })
        .collect()
}

/// One proof to check, decoded.
#[derive(Clone)]
pub struct Statement<'a> {
    pub vk: &'a PreparedVerifyingKey<Bls12_381>,
    pub proof: Proof<Bls12_381>,
    pub inputs: Vec<Fr>,
}

fn check_input_count(vk: &VerifyingKey<Bls12_381>, inputs: usize) -> Result<(), Error> {
    if vk.gamma_abc_g1.len() != inputs + 1 {
        return Err(sdk::invalid_request(format!(
            "the key expects {} public inputs, got {inputs}",
            vk.gamma_abc_g1.len() - 1
        )));
    }
    Ok(())
}

/// Verifies one proof. `Ok(false)`: a well-formed proof that does not verify.
pub fn verify(statement: &Statement<'_>) -> Result<bool, Error> {
    check_input_count(&statement.vk.vk, statement.inputs.len())?;
    Groth16::<Bls12_381>::verify_proof(statement.vk, &statement.proof, &statement.inputs)
        .map_err(|e| sdk::invalid_request(format!("cannot verify: {e}")))
}

/// Verifies many proofs at once and returns each one's verdict, exactly as [`verify`]
/// would give it alone (up to a 2^-128 chance that an invalid proof hides in a valid
/// batch).
///
/// The batch is a random linear combination with 128-bit scalars derived from `seed`
/// (deterministic: every validator uses the same ones): one multi-Miller loop over
/// `(r_i·A_i, B_i)` plus three pairs per distinct key, and one final exponentiation.
/// A failing batch is split in halves until the invalid proofs are found.
pub fn verify_batch(statements: &[Statement<'_>], seed: &[u8]) -> Vec<Result<bool, Error>> {
    let mut verdicts: Vec<Option<Result<bool, Error>>> = vec![None; statements.len()];
    let mut candidates = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        match check_input_count(&s.vk.vk, s.inputs.len()) {
            Ok(()) => candidates.push(i),
            Err(e) => verdicts[i] = Some(Err(e)),
        }
    }
    bisect(statements, &candidates, seed, &mut verdicts);
    verdicts.into_iter().map(|v| v.expect("every statement gets a verdict")).collect()
}

fn bisect(statements: &[Statement<'_>], indices: &[usize], seed: &[u8], verdicts: &mut [Option<Result<bool, Error>>]) {
    match indices.len() {
        0 => {}
        1 => verdicts[indices[0]] = Some(verify(&statements[indices[0]])),
        _ => {
            if batch_holds(statements, indices, seed) {
                for &i in indices {
                    verdicts[i] = Some(Ok(true));
                }
            } else {
                let (left, right) = indices.split_at(indices.len() / 2);
                bisect(statements, left, seed, verdicts);
                bisect(statements, right, seed, verdicts);
            }
        }
    }
}

/// Whether the whole batch verifies in one combined check (no bisection).
pub fn batch_is_valid(statements: &[Statement<'_>], seed: &[u8]) -> bool {
    let indices: Vec<usize> = (0..statements.len()).collect();
    statements.iter().all(|s| check_input_count(&s.vk.vk, s.inputs.len()).is_ok())
        && batch_holds(statements, &indices, seed)
}

/// The 128-bit combination scalar of statement `index`.
fn combination_scalar(seed: &[u8], index: usize) -> Fr {
    let digest = Sha256::new().chain_update(seed).chain_update((index as u64).to_be_bytes()).finalize();
    let r = u128::from_le_bytes(digest[..16].try_into().expect("16 bytes")).max(1);
    Fr::from(r)
}

fn batch_holds(statements: &[Statement<'_>], indices: &[usize], seed: &[u8]) -> bool {
    let mut g1: Vec<G1Affine> = Vec::with_capacity(indices.len() + 8);
    let mut g2: Vec<G2Affine> = Vec::with_capacity(indices.len() + 8);
    // Per distinct key (by address of the prepared key): Σ r·L, Σ r·C, Σ r.
    let mut per_key: Vec<(&PreparedVerifyingKey<Bls12_381>, G1Projective, G1Projective, Fr)> = Vec::new();
    for &i in indices {
        let s = &statements[i];
        let r = combination_scalar(seed, i);
        let Ok(prepared) = Groth16::<Bls12_381>::prepare_inputs(s.vk, &s.inputs) else { return false };
        g1.push((s.proof.a * r).into_affine());
        g2.push(s.proof.b);
        match per_key.iter_mut().find(|(vk, ..)| std::ptr::eq(*vk, s.vk)) {
            Some((_, l, c, sum)) => {
                *l += prepared * r;
                *c += s.proof.c * r;
                *sum += r;
            }
            None => per_key.push((s.vk, prepared * r, s.proof.c * r, r)),
        }
    }
    for (vk, l, c, sum) in per_key {
        g1.push((-l).into_affine());
        g2.push(vk.vk.gamma_g2);
        g1.push((-c).into_affine());
        g2.push(vk.vk.delta_g2);
        g1.push((-(vk.vk.alpha_g1 * sum)).into_affine());
        g2.push(vk.vk.beta_g2);
    }
    let miller = Bls12_381::multi_miller_loop(g1, g2);
    match Bls12_381::final_exponentiation(miller) {
        Some(out) => out.0.is_one(),
        None => false,
    }
}
