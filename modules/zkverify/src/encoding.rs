//! Strict decoding of untrusted keys, proofs and public inputs (arkworks canonical
//! bytes), with one error code per kind of defect, and the ids clients compute offline.
//!
//! Every point is decoded without arkworks' own validation and then checked here (on
//! the curve, then in the prime-order subgroup), so the error says which check failed
//! and which field it was. Lengths are checked before any allocation.

use ark_bls12_381::{Bls12_381, Fq, Fr};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ff::{BigInteger256, BigInteger384, Field, PrimeField};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use veritas_framework::Error;

use crate::errors;

pub const G1_COMPRESSED: usize = 48;
pub const G2_COMPRESSED: usize = 96;
/// A proof in arkworks canonical form: A (G1), B (G2), C (G1).
pub const PROOF_BYTES_COMPRESSED: usize = 48 + 96 + 48;
pub const PROOF_BYTES_UNCOMPRESSED: usize = 96 + 192 + 96;
/// Bytes of a compressed key before its `gamma_abc_g1` points: alpha, beta, gamma,
/// delta and the u64 count of `gamma_abc_g1`.
const VK_FIXED_BYTES: usize = 48 + 3 * 96 + 8;
/// A hard cap on public inputs checked before reading state; the `max_public_inputs`
/// param (at most this) is the rule that applies.
pub const HARD_MAX_PUBLIC_INPUTS: usize = 4096;

/// Reads one point from the front of `bytes`, checked on curve and in subgroup.
fn take_point<P: SWCurveConfig>(bytes: &mut &[u8], compress: Compress, what: &str) -> Result<Affine<P>, Error> {
    let point = take_point_on_curve::<P>(bytes, compress, what)?;
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(not_in_subgroup(what));
    }
    Ok(point)
}

/// Reads one point from the front of `bytes`, checked on the curve only.
fn take_point_on_curve<P: SWCurveConfig>(
    bytes: &mut &[u8],
    compress: Compress,
    what: &str,
) -> Result<Affine<P>, Error> {
    // 48 bytes per base field element (1 for G1, 2 for G2), doubled uncompressed.
    let compressed = 48 * P::BaseField::extension_degree() as usize;
    let size = match compress {
        Compress::Yes => compressed,
        Compress::No => 2 * compressed,
    };
    if bytes.len() < size {
        return Err(errors::invalid_encoding(format!("{what}: truncated ({} bytes left, {size} needed)", bytes.len())));
    }
    let (encoded, rest) = bytes.split_at(size);
    let point = match Affine::<P>::deserialize_with_mode(encoded, compress, Validate::No) {
        Ok(point) => point,
        Err(_) => return Err(classify_decode_failure(encoded, compress, what)),
    };
    if !point.is_on_curve() {
        return Err(errors::point_not_on_curve(format!("{what}: point is not on the curve")));
    }
    *bytes = rest;
    Ok(point)
}

/// Why arkworks refused an encoded point: a coordinate >= p or bad flags is an
/// encoding error; a compressed x with no matching y is a point off the curve.
fn classify_decode_failure(encoded: &[u8], compress: Compress, what: &str) -> Error {
    let mut coordinates = encoded.to_vec();
    let flags = coordinates[0] >> 5;
    coordinates[0] &= 0b0001_1111;
    let all_below_p = coordinates.chunks_exact(48).all(|chunk| {
        let mut limbs = [0u64; 6];
        for (i, word) in chunk.chunks_exact(8).enumerate() {
            limbs[5 - i] = u64::from_be_bytes(word.try_into().expect("8 bytes"));
        }
        Fq::from_bigint(BigInteger384::new(limbs)).is_some()
    });
    let compressed_flag_ok = matches!(compress, Compress::Yes) && flags & 0b110 == 0b100;
    if all_below_p && compressed_flag_ok {
        errors::point_not_on_curve(format!("{what}: no point on the curve has this x coordinate"))
    } else if !all_below_p {
        errors::invalid_encoding(format!("{what}: a coordinate is not below the base field modulus"))
    } else {
        errors::invalid_encoding(format!("{what}: invalid point encoding flags"))
    }
}

fn no_trailing(bytes: &[u8], what: &str) -> Result<(), Error> {
    if bytes.is_empty() {
        Ok(())
    } else {
        Err(errors::invalid_encoding(format!("{what}: {} trailing bytes", bytes.len())))
    }
}

/// The number of public inputs a compressed key declares, from its length prefix,
/// with the key's total length checked against it. Cheap: decodes no point.
pub fn verifying_key_input_count(bytes: &[u8]) -> Result<usize, Error> {
    let header = bytes.get(VK_FIXED_BYTES - 8..VK_FIXED_BYTES).ok_or_else(|| {
        errors::invalid_encoding(format!("verifying key: {} bytes is shorter than any key", bytes.len()))
    })?;
    let points = u64::from_le_bytes(header.try_into().expect("8 bytes"));
    if points == 0 {
        return Err(errors::invalid_encoding("verifying key: no gamma_abc_g1 points"));
    }
    if points - 1 > HARD_MAX_PUBLIC_INPUTS as u64 {
        return Err(errors::too_many_inputs(format!(
            "verifying key declares {} public inputs; at most {HARD_MAX_PUBLIC_INPUTS} are possible",
            points - 1
        )));
    }
    let expected = VK_FIXED_BYTES + points as usize * G1_COMPRESSED;
    if bytes.len() != expected {
        return Err(errors::invalid_encoding(format!(
            "verifying key: {} bytes, but a compressed key with {} public inputs has {expected}",
            bytes.len(),
            points - 1
        )));
    }
    Ok(points as usize - 1)
}

/// A verifying key from its compressed canonical bytes, every point checked.
pub fn decode_verifying_key(bytes: &[u8]) -> Result<VerifyingKey<Bls12_381>, Error> {
    let inputs = verifying_key_input_count(bytes)?;
    let mut rest = bytes;
    let alpha_g1 = take_point::<ark_bls12_381::g1::Config>(&mut rest, Compress::Yes, "verifying key alpha_g1")?;
    let beta_g2 = take_point::<ark_bls12_381::g2::Config>(&mut rest, Compress::Yes, "verifying key beta_g2")?;
    let gamma_g2 = take_point::<ark_bls12_381::g2::Config>(&mut rest, Compress::Yes, "verifying key gamma_g2")?;
    let delta_g2 = take_point::<ark_bls12_381::g2::Config>(&mut rest, Compress::Yes, "verifying key delta_g2")?;
    rest = &rest[8..];
    let gamma_abc_g1 = (0..=inputs)
        .map(|i| {
            take_point::<ark_bls12_381::g1::Config>(
                &mut rest,
                Compress::Yes,
                &format!("verifying key gamma_abc_g1[{i}]"),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    no_trailing(rest, "verifying key")?;
    Ok(VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 })
}

/// The canonical compressed bytes of a key (what its id is the hash of).
pub fn verifying_key_bytes(vk: &VerifyingKey<Bls12_381>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(vk.compressed_size());
    vk.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// The id of a key: lowercase hex SHA-256 of its compressed canonical bytes.
pub fn verifying_key_id(compressed_vk: &[u8]) -> String {
    hex::encode(Sha256::digest(compressed_vk))
}

/// Checks the stateless shape of a proof: 192 (compressed) or 384 (uncompressed) bytes.
pub fn check_proof_length(bytes: &[u8]) -> Result<Compress, Error> {
    match bytes.len() {
        PROOF_BYTES_COMPRESSED => Ok(Compress::Yes),
        PROOF_BYTES_UNCOMPRESSED => Ok(Compress::No),
        n => Err(errors::invalid_encoding(format!(
            "proof: {n} bytes (expected {PROOF_BYTES_COMPRESSED} compressed or {PROOF_BYTES_UNCOMPRESSED} uncompressed)"
        ))),
    }
}

/// A proof from compressed (192 bytes) or uncompressed (384 bytes) canonical bytes,
/// every point checked.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bls12_381>, Error> {
    let compress = check_proof_length(bytes)?;
    let mut rest = bytes;
    let a = take_point::<ark_bls12_381::g1::Config>(&mut rest, compress, "proof A")?;
    let b = take_point::<ark_bls12_381::g2::Config>(&mut rest, compress, "proof B")?;
    let c = take_point::<ark_bls12_381::g1::Config>(&mut rest, compress, "proof C")?;
    no_trailing(rest, "proof")?;
    Ok(Proof { a, b, c })
}

/// Like [`decode_proof`], but B's subgroup membership is left to the caller (the
/// block batch tests it while preparing B's lines; see `g2_lines`). Any error is
/// exactly the one [`decode_proof`] gives.
pub fn decode_proof_deferring_b_subgroup(bytes: &[u8]) -> Result<Proof<Bls12_381>, Error> {
    let partial = (|| {
        let compress = check_proof_length(bytes)?;
        let mut rest = bytes;
        let a = take_point::<ark_bls12_381::g1::Config>(&mut rest, compress, "proof A")?;
        let b = take_point_on_curve::<ark_bls12_381::g2::Config>(&mut rest, compress, "proof B")?;
        let c = take_point::<ark_bls12_381::g1::Config>(&mut rest, compress, "proof C")?;
        no_trailing(rest, "proof")?;
        Ok(Proof { a, b, c })
    })();
    // On failure B may also be outside the subgroup, which decode_proof reports first.
    partial.or_else(|_: Error| decode_proof(bytes))
}

/// The error [`decode_proof`] gives for a B outside the subgroup.
pub fn proof_b_not_in_subgroup() -> Error {
    not_in_subgroup("proof B")
}

fn not_in_subgroup(what: &str) -> Error {
    errors::point_not_in_subgroup(format!("{what}: point is not in the prime-order subgroup"))
}

/// The canonical compressed bytes of a proof (what its proof id covers).
pub fn proof_bytes(proof: &Proof<Bls12_381>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(PROOF_BYTES_COMPRESSED);
    proof.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// One public input: 32 bytes little-endian, strictly below r (never reduced).
pub fn decode_public_input(bytes: &[u8], index: usize) -> Result<Fr, Error> {
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
        errors::invalid_encoding(format!("public input {index}: expected 32 bytes, got {}", bytes.len()))
    })?;
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *limb = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    }
    Fr::from_bigint(BigInteger256::new(limbs)).ok_or_else(|| {
        errors::input_not_in_field(format!("public input {index} is not below the scalar field modulus r"))
    })
}

pub fn decode_public_inputs(inputs: &[impl AsRef<[u8]>]) -> Result<Vec<Fr>, Error> {
    inputs.iter().enumerate().map(|(i, bytes)| decode_public_input(bytes.as_ref(), i)).collect()
}

/// The 32-byte little-endian encoding of a scalar.
pub fn public_input_bytes(x: &Fr) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(32);
    x.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// The id of a verified proof: SHA-256 of (vk id, canonical compressed proof, inputs),
/// each part length-prefixed so no two statements share an id.
pub fn proof_id(vk_id: &str, canonical_proof: &[u8], inputs: &[impl AsRef<[u8]>]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update((vk_id.len() as u64).to_be_bytes());
    hasher.update(vk_id.as_bytes());
    hasher.update((canonical_proof.len() as u64).to_be_bytes());
    hasher.update(canonical_proof);
    hasher.update((inputs.len() as u64).to_be_bytes());
    for input in inputs {
        hasher.update(input.as_ref());
    }
    hasher.finalize().into()
}

/// Checks an id (vk id or proof id) is 64 lowercase hex characters.
pub fn check_id(id: &str, what: &str) -> Result<(), Error> {
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(errors::invalid_id(format!("{what} must be 64 lowercase hex characters, got {id:?}")))
    }
}
