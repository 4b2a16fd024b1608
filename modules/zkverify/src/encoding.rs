//! Strict decoding of untrusted keys, proofs and public inputs (arkworks canonical
//! bytes of the key's curve), with one error code per kind of defect, and the ids
//! clients compute offline.
//!
//! Every point is decoded without arkworks' own validation and then checked here (on
//! the curve, then in the prime-order subgroup), so the error says which check failed
//! and which field it was. Lengths are checked before any allocation.

use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::PrimeField;
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use sha2::{Digest, Sha256};
use veritas_framework::Error;

use crate::curves::{all_chunks_below, Curve, CurveId, DecodeFailure};
use crate::errors;

/// A hard cap on public inputs checked before reading state; the `max_public_inputs`
/// param (at most this) is the rule that applies.
pub const HARD_MAX_PUBLIC_INPUTS: usize = 4096;

/// Bytes of one point of `P` in `compress` mode.
fn point_size<P: SWCurveConfig>(compress: Compress) -> usize {
    Affine::<P>::zero().serialized_size(compress)
}

/// Reads one point from the front of `bytes`, checked on curve and in subgroup.
pub(crate) fn take_point<E: Curve, P: SWCurveConfig>(
    bytes: &mut &[u8],
    compress: Compress,
    what: &str,
) -> Result<Affine<P>, Error> {
    let point = take_point_on_curve::<E, P>(bytes, compress, what)?;
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(not_in_subgroup(what));
    }
    Ok(point)
}

/// Reads one point from the front of `bytes`, checked on the curve only.
fn take_point_on_curve<E: Curve, P: SWCurveConfig>(
    bytes: &mut &[u8],
    compress: Compress,
    what: &str,
) -> Result<Affine<P>, Error> {
    let size = point_size::<P>(compress);
    if bytes.len() < size {
        return Err(errors::invalid_encoding(format!("{what}: truncated ({} bytes left, {size} needed)", bytes.len())));
    }
    let (encoded, rest) = bytes.split_at(size);
    let point = match Affine::<P>::deserialize_with_mode(encoded, compress, Validate::No) {
        Ok(point) => point,
        Err(_) => {
            return Err(match E::decode_failure(encoded, compress) {
                DecodeFailure::NoPointWithX => {
                    errors::point_not_on_curve(format!("{what}: no point on the curve has this x coordinate"))
                }
                DecodeFailure::CoordinateTooLarge => {
                    errors::invalid_encoding(format!("{what}: a coordinate is not below the base field modulus"))
                }
                DecodeFailure::BadFlags => errors::invalid_encoding(format!("{what}: invalid point encoding flags")),
            })
        }
    };
    if !point.is_on_curve() {
        return Err(errors::point_not_on_curve(format!("{what}: point is not on the curve")));
    }
    *bytes = rest;
    Ok(point)
}

pub(crate) fn no_trailing(bytes: &[u8], what: &str) -> Result<(), Error> {
    if bytes.is_empty() {
        Ok(())
    } else {
        Err(errors::invalid_encoding(format!("{what}: {} trailing bytes", bytes.len())))
    }
}

/// Bytes of a compressed key before its `gamma_abc_g1` points: alpha, beta, gamma,
/// delta and the u64 count of `gamma_abc_g1`.
fn vk_fixed_bytes<E: Curve>() -> usize {
    point_size::<E::G1Config>(Compress::Yes) + 3 * point_size::<E::G2Config>(Compress::Yes) + 8
}

/// The number of `gamma_abc_g1` points after the constant one that a compressed key
/// declares (public inputs, plus commitments for gnark keys that use them), from its
/// length prefix, with the key's total length checked against it. Decodes no point.
pub fn verifying_key_input_count<E: Curve>(bytes: &[u8]) -> Result<usize, Error> {
    let fixed = vk_fixed_bytes::<E>();
    let header = bytes.get(fixed - 8..fixed).ok_or_else(|| {
        errors::invalid_encoding(format!("verifying key: {} bytes is shorter than any {} key", bytes.len(), E::ID))
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
    let expected = fixed + points as usize * point_size::<E::G1Config>(Compress::Yes);
    if bytes.len() != expected {
        return Err(errors::invalid_encoding(format!(
            "verifying key: {} bytes, but a compressed {} key with {} public inputs has {expected}",
            bytes.len(),
            E::ID,
            points - 1
        )));
    }
    Ok(points as usize - 1)
}

/// [`verifying_key_input_count`] for a key on `curve`.
pub fn verifying_key_input_count_on(curve: CurveId, bytes: &[u8]) -> Result<usize, Error> {
    match curve {
        CurveId::Bls12_381 => verifying_key_input_count::<ark_bls12_381::Bls12_381>(bytes),
        CurveId::Bn254 => verifying_key_input_count::<ark_bn254::Bn254>(bytes),
    }
}

/// A verifying key from its compressed canonical bytes, every point checked.
pub fn decode_verifying_key<E: Curve>(bytes: &[u8]) -> Result<VerifyingKey<E>, Error> {
    let inputs = verifying_key_input_count::<E>(bytes)?;
    let mut rest = bytes;
    let alpha_g1 = take_point::<E, E::G1Config>(&mut rest, Compress::Yes, "verifying key alpha_g1")?;
    let beta_g2 = take_point::<E, E::G2Config>(&mut rest, Compress::Yes, "verifying key beta_g2")?;
    let gamma_g2 = take_point::<E, E::G2Config>(&mut rest, Compress::Yes, "verifying key gamma_g2")?;
    let delta_g2 = take_point::<E, E::G2Config>(&mut rest, Compress::Yes, "verifying key delta_g2")?;
    rest = &rest[8..];
    let gamma_abc_g1 = (0..=inputs)
        .map(|i| take_point::<E, E::G1Config>(&mut rest, Compress::Yes, &format!("verifying key gamma_abc_g1[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    no_trailing(rest, "verifying key")?;
    Ok(VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 })
}

/// The canonical compressed bytes of a key.
pub fn verifying_key_bytes<E: Curve>(vk: &VerifyingKey<E>) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(vk.compressed_size());
    vk.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// The id of a key from its canonical id bytes (see `key::Key::id_bytes`): lowercase
/// hex SHA-256. For a BLS12-381 key without commitments the id bytes are its
/// compressed bytes, as they were before keys named a curve.
pub fn verifying_key_id(id_bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(id_bytes))
}

/// Checks the stateless shape of a proof on `curve`: its compressed or uncompressed
/// length.
pub fn check_proof_length(curve: CurveId, bytes: &[u8]) -> Result<Compress, Error> {
    let (compressed, uncompressed) = curve.proof_lengths();
    match bytes.len() {
        n if n == compressed => Ok(Compress::Yes),
        n if n == uncompressed => Ok(Compress::No),
        n => Err(errors::invalid_encoding(format!(
            "proof: {n} bytes (a {curve} proof has {compressed} compressed or {uncompressed} uncompressed)"
        ))),
    }
}

/// A proof from compressed or uncompressed canonical bytes, every point checked.
pub fn decode_proof<E: Curve>(bytes: &[u8]) -> Result<Proof<E>, Error> {
    let compress = check_proof_length(E::ID, bytes)?;
    let mut rest = bytes;
    let a = take_point::<E, E::G1Config>(&mut rest, compress, "proof A")?;
    let b = take_point::<E, E::G2Config>(&mut rest, compress, "proof B")?;
    let c = take_point::<E, E::G1Config>(&mut rest, compress, "proof C")?;
    no_trailing(rest, "proof")?;
    Ok(Proof { a, b, c })
}

/// Like [`decode_proof`], but B's subgroup membership is left to the caller (the
/// block batch tests it while preparing B's lines). Any error is exactly the one
/// [`decode_proof`] gives.
pub fn decode_proof_deferring_b_subgroup<E: Curve>(bytes: &[u8]) -> Result<Proof<E>, Error> {
    let partial = (|| {
        let compress = check_proof_length(E::ID, bytes)?;
        let mut rest = bytes;
        let a = take_point::<E, E::G1Config>(&mut rest, compress, "proof A")?;
        let b = take_point_on_curve::<E, E::G2Config>(&mut rest, compress, "proof B")?;
        let c = take_point::<E, E::G1Config>(&mut rest, compress, "proof C")?;
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

/// One G1 point sent on its own (a gnark commitment or proof of knowledge), compressed
/// or uncompressed by its length, checked on the curve and in the subgroup.
pub fn decode_g1<E: Curve>(bytes: &[u8], what: &str) -> Result<E::G1Affine, Error> {
    let (compressed, uncompressed) = E::ID.g1_lengths();
    let compress = match bytes.len() {
        n if n == compressed => Compress::Yes,
        n if n == uncompressed => Compress::No,
        n => {
            return Err(errors::invalid_encoding(format!(
                "{what}: {n} bytes (a {} G1 point has {compressed} compressed or {uncompressed} uncompressed)",
                E::ID
            )))
        }
    };
    let mut rest = bytes;
    take_point::<E, E::G1Config>(&mut rest, compress, what)
}

/// One G2 point, compressed canonical bytes, every check applied.
pub fn decode_g2_compressed<E: Curve>(bytes: &[u8], what: &str) -> Result<E::G2Affine, Error> {
    let mut rest = bytes;
    let point = take_point::<E, E::G2Config>(&mut rest, Compress::Yes, what)?;
    no_trailing(rest, what)?;
    Ok(point)
}

/// The canonical compressed bytes of any point.
pub fn compressed<T: CanonicalSerialize>(point: &T) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(point.compressed_size());
    point.serialize_compressed(&mut bytes).expect("writing to a Vec cannot fail");
    bytes
}

/// The canonical compressed bytes of a proof's A, B, C (what its proof id covers).
pub fn proof_bytes<E: Curve>(proof: &Proof<E>) -> Vec<u8> {
    compressed(proof)
}

/// One public input: 32 bytes little-endian, strictly below r (never reduced).
pub fn decode_public_input<F: PrimeField>(bytes: &[u8], index: usize) -> Result<F, Error> {
    if bytes.len() != 32 {
        return Err(errors::invalid_encoding(format!("public input {index}: expected 32 bytes, got {}", bytes.len())));
    }
    if !all_chunks_below::<F>(bytes, 32, false) {
        return Err(errors::input_not_in_field(format!(
            "public input {index} is not below the scalar field modulus r"
        )));
    }
    Ok(F::from_le_bytes_mod_order(bytes))
}

pub fn decode_public_inputs<F: PrimeField>(inputs: &[impl AsRef<[u8]>]) -> Result<Vec<F>, Error> {
    inputs.iter().enumerate().map(|(i, bytes)| decode_public_input(bytes.as_ref(), i)).collect()
}

/// Checks public inputs are scalars of `curve` without keeping them.
pub fn check_public_inputs(curve: CurveId, inputs: &[impl AsRef<[u8]>]) -> Result<(), Error> {
    match curve {
        CurveId::Bls12_381 => decode_public_inputs::<ark_bls12_381::Fr>(inputs).map(drop),
        CurveId::Bn254 => decode_public_inputs::<ark_bn254::Fr>(inputs).map(drop),
    }
}

/// The 32-byte little-endian encoding of a scalar.
pub fn public_input_bytes<F: PrimeField>(x: &F) -> Vec<u8> {
    let mut bytes = ark_ff::BigInteger::to_bytes_le(&x.into_bigint());
    bytes.resize(32, 0);
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
