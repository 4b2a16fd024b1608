//! The JSON snarkjs 0.7 writes for Groth16 (`verification_key.json`, `proof.json`,
//! `public.json`) on `curve: "bls12381"` (BLS12-381) and `curve: "bn128"` (BN254),
//! parsed strictly: numbers are decimal strings without sign or leading zeros, below
//! the field modulus; points are affine (`z` = 1, or the exact form snarkjs uses for
//! infinity), on the curve and in the subgroup.
//!
//! G1: `[x, y, "1"]`. G2: `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` (c0 first on both
//! curves, unlike the EIP-197 calldata order).

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::{AffineRepr, CurveConfig};
use ark_ff::{Field, PrimeField, Zero};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use num_bigint::BigUint;
use serde_json::{Map, Value};

use super::{FormatError, ProofFile};
use crate::curves::{Curve, CurveId};
use crate::encoding::public_input_bytes;
use crate::key::{AnyKey, Key};

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

/// `protocol` must be groth16; `curve` (bls12381 or bn128) names the curve, which must be
/// `expected` when one is given.
fn protocol_and_curve(map: &Map<String, Value>, expected: Option<CurveId>) -> Result<CurveId, FormatError> {
    match field(map, "protocol")?.as_str() {
        Some("groth16") => {}
        other => return Err(err("protocol", format!("expected \"groth16\", got {}", show(other)))),
    }
    let curve = match field(map, "curve")?.as_str() {
        Some("bls12381") => CurveId::Bls12_381,
        Some("bn128") | Some("bn254") => CurveId::Bn254,
        other => {
            return Err(err(
                "curve",
                format!("expected \"bls12381\" (BLS12-381) or \"bn128\" (BN254), got {}", show(other)),
            ))
        }
    };
    match expected {
        Some(expected) if expected != curve => {
            Err(err("curve", format!("the file is on {curve}, but --curve {expected} was given")))
        }
        _ => Ok(curve),
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

/// A decimal string below `F`'s modulus (never reduced).
fn prime<F: PrimeField>(value: &Value, name: &str, modulus_name: &str) -> Result<F, FormatError> {
    let n = decimal(value, name)?;
    let modulus: BigUint = F::MODULUS.into();
    if n >= modulus {
        return Err(err(name, format!("is not below the {modulus_name}")));
    }
    Ok(F::from_le_bytes_mod_order(&n.to_bytes_le()))
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

fn coordinate<E: Curve>(value: &Value, name: &str) -> Result<E::BaseField, FormatError> {
    prime::<E::BaseField>(value, name, "base field modulus p")
}

fn g1<E: Curve>(value: &Value, name: &str) -> Result<E::G1Affine, FormatError> {
    let items = array(value, 3, name)?;
    let point = if is_text(&items[2], "1") {
        Affine::new_unchecked(
            coordinate::<E>(&items[0], &format!("{name}[0]"))?,
            coordinate::<E>(&items[1], &format!("{name}[1]"))?,
        )
    } else if is_text(&items[0], "0") && is_text(&items[1], "1") && is_text(&items[2], "0") {
        Affine::zero()
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

/// An F_p2 element `[c0, c1]`.
fn fq2<E: Curve>(value: &Value, name: &str) -> Result<<E::G2Config as CurveConfig>::BaseField, FormatError> {
    let items = array(value, 2, name)?;
    Ok(E::fq2(coordinate::<E>(&items[0], &format!("{name}[0]"))?, coordinate::<E>(&items[1], &format!("{name}[1]"))?))
}

fn g2<E: Curve>(value: &Value, name: &str) -> Result<E::G2Affine, FormatError> {
    let items = array(value, 3, name)?;
    let z = array(&items[2], 2, &format!("{name}[2]"))?;
    let point = if is_text(&z[0], "1") && is_text(&z[1], "0") {
        Affine::new_unchecked(fq2::<E>(&items[0], &format!("{name}[0]"))?, fq2::<E>(&items[1], &format!("{name}[1]"))?)
    } else if z.iter().all(|v| is_text(v, "0"))
        && fq2::<E>(&items[0], name)?.is_zero()
        && fq2::<E>(&items[1], name)? == Field::ONE
    {
        Affine::zero()
    } else {
        return Err(err(name, "expected an affine point [[x.c0, x.c1], [y.c0, y.c1], [\"1\", \"0\"]]"));
    };
    checked(point, name)
}

fn key_on<E: Curve>(map: &Map<String, Value>) -> Result<Key<E>, FormatError> {
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
    let vk = VerifyingKey::<E> {
        alpha_g1: g1::<E>(field(map, "vk_alpha_1")?, "vk_alpha_1")?,
        beta_g2: g2::<E>(field(map, "vk_beta_2")?, "vk_beta_2")?,
        gamma_g2: g2::<E>(field(map, "vk_gamma_2")?, "vk_gamma_2")?,
        delta_g2: g2::<E>(field(map, "vk_delta_2")?, "vk_delta_2")?,
        gamma_abc_g1: ic.iter().enumerate().map(|(i, p)| g1::<E>(p, &format!("IC[{i}]"))).collect::<Result<_, _>>()?,
    };
    Ok(Key { vk, bsb22: None })
}

/// `verification_key.json` → the key on the curve it names.
pub fn verifying_key(bytes: &[u8], curve: Option<CurveId>) -> Result<AnyKey, FormatError> {
    let value = parse_json(bytes, "verification key")?;
    let map = object(&value, "verification key")?;
    Ok(match protocol_and_curve(map, curve)? {
        CurveId::Bls12_381 => AnyKey::Bls12_381(key_on(map)?),
        CurveId::Bn254 => AnyKey::Bn254(key_on(map)?),
    })
}

fn proof_on<E: Curve>(map: &Map<String, Value>) -> Result<ProofFile, FormatError> {
    let proof = Proof::<E> {
        a: g1::<E>(field(map, "pi_a")?, "pi_a")?,
        b: g2::<E>(field(map, "pi_b")?, "pi_b")?,
        c: g1::<E>(field(map, "pi_c")?, "pi_c")?,
    };
    // Uncompressed: the chain decodes it without square roots.
    let mut out = Vec::new();
    proof.serialize_uncompressed(&mut out).expect("writing to a Vec cannot fail");
    Ok(ProofFile { curve: E::ID, proof: out, commitments: Vec::new(), pok: Vec::new() })
}

/// `proof.json` → canonical uncompressed proof bytes on the curve it names.
pub fn proof(bytes: &[u8], curve: Option<CurveId>) -> Result<ProofFile, FormatError> {
    let value = parse_json(bytes, "proof")?;
    let map = object(&value, "proof")?;
    match protocol_and_curve(map, curve)? {
        CurveId::Bls12_381 => proof_on::<Bls12_381>(map),
        CurveId::Bn254 => proof_on::<Bn254>(map),
    }
}

/// `public.json` (an array of decimal strings) → 32-byte little-endian scalars of `curve`.
pub fn public_inputs(bytes: &[u8], curve: CurveId) -> Result<Vec<Vec<u8>>, FormatError> {
    fn on<F: PrimeField>(items: &[Value]) -> Result<Vec<Vec<u8>>, FormatError> {
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                prime::<F>(v, &format!("public input {i}"), "scalar field modulus r").map(|x| public_input_bytes(&x))
            })
            .collect()
    }
    let value = parse_json(bytes, "public inputs")?;
    let items = value.as_array().ok_or_else(|| FormatError("public inputs: expected a JSON array".into()))?;
    match curve {
        CurveId::Bls12_381 => on::<ark_bls12_381::Fr>(items),
        CurveId::Bn254 => on::<ark_bn254::Fr>(items),
    }
}
