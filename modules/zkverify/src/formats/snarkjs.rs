//! The JSON snarkjs 0.7 writes for Groth16 on BLS12-381 (`verification_key.json`,
//! `proof.json`, `public.json`), parsed strictly: numbers are decimal strings without
//! sign or leading zeros, below the field modulus; points are affine (`z` = 1, or the
//! exact form snarkjs uses for infinity), on the curve and in the subgroup.
//!
//! G1: `[x, y, "1"]`. G2: `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`.

use ark_bls12_381::{Bls12_381, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger256, BigInteger384, Field, PrimeField, Zero};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use num_bigint::BigUint;
use serde_json::{Map, Value};

use super::FormatError;
use crate::encoding::{proof_bytes, public_input_bytes, verifying_key_bytes};

fn err(field: &str, what: impl std::fmt::Display) -> FormatError {
    FormatError(format!("{field}: {what}"))
}

fn object<'a>(value: &'a Value, file: &str) -> Result<&'a Map<String, Value>, FormatError> {
    value.as_object().ok_or_else(|| FormatError(format!("{file}: expected a JSON object")))
}

fn parse_json(bytes: &[u8], file: &str) -> Result<Value, FormatError> {
    serde_json::from_slice(bytes).map_err(|e| FormatError(format!("{file}: not valid JSON: {e}")))
}

fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Result<&'a Value, FormatError> {
    map.get(name).ok_or_else(|| FormatError(format!("{name}: missing")))
}

/// `protocol` must be groth16 and `curve` bls12381.
fn check_protocol_and_curve(map: &Map<String, Value>) -> Result<(), FormatError> {
    match field(map, "protocol")?.as_str() {
        Some("groth16") => {}
        other => return Err(err("protocol", format!("expected \"groth16\", got {}", show(other)))),
    }
    match field(map, "curve")?.as_str() {
        Some("bls12381") => Ok(()),
        other => Err(err("curve", format!("expected \"bls12381\" (BLS12-381), got {}", show(other)))),
    }
}

fn show(value: Option<&str>) -> String {
    value.map_or_else(|| "a non-string value".to_owned(), |s| format!("{s:?}"))
}

/// A decimal string: digits only, no sign, no leading zero (except "0" itself).
fn decimal(value: &Value, name: &str) -> Result<BigUint, FormatError> {
    let text = match value {
        Value::String(s) => s,
        Value::Number(_) => return Err(err(name, "must be a decimal string, not a JSON number")),
        _ => return Err(err(name, "must be a decimal string")),
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(name, format!("{text:?} is not a non-negative decimal integer")));
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(err(name, format!("{text:?} has a leading zero")));
    }
    Ok(BigUint::parse_bytes(text.as_bytes(), 10).expect("checked digits"))
}

fn base_field(value: &Value, name: &str) -> Result<Fq, FormatError> {
    let n = decimal(value, name)?;
    BigInteger384::try_from(n)
        .ok()
        .and_then(Fq::from_bigint)
        .ok_or_else(|| err(name, "is not below the base field modulus p"))
}

fn scalar(value: &Value, name: &str) -> Result<Fr, FormatError> {
    let n = decimal(value, name)?;
    BigInteger256::try_from(n)
        .ok()
        .and_then(Fr::from_bigint)
        .ok_or_else(|| err(name, "is not below the scalar field modulus r"))
}

fn array<'a>(value: &'a Value, len: usize, name: &str) -> Result<&'a [Value], FormatError> {
    match value.as_array() {
        Some(items) if items.len() == len => Ok(items),
        Some(items) => Err(err(name, format!("expected {len} elements, got {}", items.len()))),
        None => Err(err(name, "expected an array")),
    }
}

fn is_text(value: &Value, expected: &str) -> bool {
    value.as_str() == Some(expected)
}

fn g1(value: &Value, name: &str) -> Result<G1Affine, FormatError> {
    let items = array(value, 3, name)?;
    let point = if is_text(&items[2], "1") {
        G1Affine::new_unchecked(
            base_field(&items[0], &format!("{name}[0]"))?,
            base_field(&items[1], &format!("{name}[1]"))?,
        )
    } else if is_text(&items[0], "0") && is_text(&items[1], "1") && is_text(&items[2], "0") {
        G1Affine::zero()
    } else {
        return Err(err(name, "expected an affine point [x, y, \"1\"] (or [\"0\", \"1\", \"0\"] for infinity)"));
    };
    checked(point, name)
}

/// The point, if it is on the curve and in the prime-order subgroup.
fn checked<P: SWCurveConfig>(point: Affine<P>, name: &str) -> Result<Affine<P>, FormatError> {
    if !point.is_on_curve() {
        return Err(err(name, "point is not on the curve"));
    }
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(err(name, "point is not in the prime-order subgroup"));
    }
    Ok(point)
}

fn fq2(value: &Value, name: &str) -> Result<Fq2, FormatError> {
    let items = array(value, 2, name)?;
    Ok(Fq2::new(base_field(&items[0], &format!("{name}[0]"))?, base_field(&items[1], &format!("{name}[1]"))?))
}

fn g2(value: &Value, name: &str) -> Result<G2Affine, FormatError> {
    let items = array(value, 3, name)?;
    let z = array(&items[2], 2, &format!("{name}[2]"))?;
    let point = if is_text(&z[0], "1") && is_text(&z[1], "0") {
        G2Affine::new_unchecked(fq2(&items[0], &format!("{name}[0]"))?, fq2(&items[1], &format!("{name}[1]"))?)
    } else if z.iter().all(|v| is_text(v, "0")) && fq2(&items[0], name)?.is_zero() && fq2(&items[1], name)? == Fq2::ONE
    {
        G2Affine::zero()
    } else {
        return Err(err(name, "expected an affine point [[x.c0, x.c1], [y.c0, y.c1], [\"1\", \"0\"]]"));
    };
    checked(point, name)
}

/// `verification_key.json` → compressed canonical key bytes.
pub fn verifying_key(bytes: &[u8]) -> Result<Vec<u8>, FormatError> {
    let value = parse_json(bytes, "verification key")?;
    let map = object(&value, "verification key")?;
    check_protocol_and_curve(map)?;
    let ic = field(map, "IC")?.as_array().ok_or_else(|| err("IC", "expected an array of G1 points"))?;
    if ic.is_empty() {
        return Err(err("IC", "must hold at least one point"));
    }
    if let Some(n) = map.get("nPublic") {
        let n = n.as_u64().ok_or_else(|| err("nPublic", "expected a non-negative integer"))?;
        if n as usize + 1 != ic.len() {
            return Err(err("nPublic", format!("is {n} but IC has {} points (nPublic + 1 expected)", ic.len())));
        }
    }
    let vk = VerifyingKey::<Bls12_381> {
        alpha_g1: g1(field(map, "vk_alpha_1")?, "vk_alpha_1")?,
        beta_g2: g2(field(map, "vk_beta_2")?, "vk_beta_2")?,
        gamma_g2: g2(field(map, "vk_gamma_2")?, "vk_gamma_2")?,
        delta_g2: g2(field(map, "vk_delta_2")?, "vk_delta_2")?,
        gamma_abc_g1: ic.iter().enumerate().map(|(i, p)| g1(p, &format!("IC[{i}]"))).collect::<Result<_, _>>()?,
    };
    Ok(verifying_key_bytes(&vk))
}

/// `proof.json` → compressed canonical proof bytes.
pub fn proof(bytes: &[u8]) -> Result<Vec<u8>, FormatError> {
    let value = parse_json(bytes, "proof")?;
    let map = object(&value, "proof")?;
    check_protocol_and_curve(map)?;
    let proof = Proof::<Bls12_381> {
        a: g1(field(map, "pi_a")?, "pi_a")?,
        b: g2(field(map, "pi_b")?, "pi_b")?,
        c: g1(field(map, "pi_c")?, "pi_c")?,
    };
    Ok(proof_bytes(&proof))
}

/// `public.json` (an array of decimal strings) → 32-byte little-endian scalars.
pub fn public_inputs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, FormatError> {
    let value = parse_json(bytes, "public inputs")?;
    let items = value.as_array().ok_or_else(|| FormatError("public inputs: expected a JSON array".into()))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| scalar(v, &format!("public input {i}")).map(|x| public_input_bytes(&x)))
        .collect()
}

/// The uncompressed canonical bytes of a snarkjs proof (decodes faster on chain).
pub fn proof_uncompressed(bytes: &[u8]) -> Result<Vec<u8>, FormatError> {
    let compressed = proof(bytes)?;
    let proof = crate::encoding::decode_proof(&compressed)?;
    let mut out = Vec::new();
    proof.serialize_uncompressed(&mut out).expect("writing to a Vec cannot fail");
    Ok(out)
}
