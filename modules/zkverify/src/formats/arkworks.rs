//! arkworks canonical bytes of the curve the user names, as a binary file or as hex
//! text (an optional `0x`, whitespace ignored). Public inputs: 32-byte little-endian
//! scalars, concatenated, or a JSON array of hex strings.

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use ark_ec::short_weierstrass::Affine;
use ark_ec::AffineRepr;
use ark_groth16::VerifyingKey;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use super::{FormatError, ProofFile};
use crate::curves::{Curve, CurveId};
use crate::encoding::{check_public_inputs, decode_proof, verifying_key_bytes};
use crate::key::{AnyKey, Key};

/// Binary, or the bytes hex text stands for.
fn bytes_of(file: &[u8]) -> Vec<u8> {
    let text: Vec<u8> = file.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let text = text.strip_prefix(b"0x").unwrap_or(&text);
    if !text.is_empty() && text.iter().all(u8::is_ascii_hexdigit) {
        if let Ok(bytes) = hex::decode(text) {
            return bytes;
        }
    }
    file.to_vec()
}

/// A compressed key as is; an uncompressed one (checked) re-encoded compressed.
fn key_on<E: Curve>(bytes: &[u8]) -> Result<Key<E>, FormatError> {
    match Key::<E>::decode(bytes, None) {
        Ok(key) => Ok(key),
        Err(compressed_error) => {
            let g1 = Affine::<E::G1Config>::zero().uncompressed_size();
            let g2 = Affine::<E::G2Config>::zero().uncompressed_size();
            // An uncompressed key: G1 + 3·G2 + 8 + G1·n bytes; the length prefix is checked
            // first, because arkworks allocates what it says.
            let fixed = g1 + 3 * g2 + 8;
            let points =
                bytes.len().checked_sub(fixed).filter(|rest| *rest > 0 && rest % g1 == 0).map(|rest| rest / g1);
            let declared = bytes.get(fixed - 8..fixed).map(|raw| u64::from_le_bytes(raw.try_into().expect("8 bytes")));
            if points.is_none() || declared != points.map(|n| n as u64) {
                return Err(compressed_error.into());
            }
            let vk = VerifyingKey::<E>::deserialize_with_mode(bytes, Compress::No, Validate::Yes)
                .map_err(|e| FormatError(format!("verifying key (uncompressed {}): {e}", E::ID)))?;
            Ok(Key::decode(&verifying_key_bytes(&vk), None)?)
        }
    }
}

pub fn verifying_key(file: &[u8], curve: CurveId) -> Result<AnyKey, FormatError> {
    let bytes = bytes_of(file);
    Ok(match curve {
        CurveId::Bls12_381 => AnyKey::Bls12_381(key_on(&bytes)?),
        CurveId::Bn254 => AnyKey::Bn254(key_on(&bytes)?),
    })
}

pub fn proof(file: &[u8], curve: CurveId) -> Result<ProofFile, FormatError> {
    let bytes = bytes_of(file);
    match curve {
        CurveId::Bls12_381 => decode_proof::<Bls12_381>(&bytes).map(drop)?,
        CurveId::Bn254 => decode_proof::<Bn254>(&bytes).map(drop)?,
    }
    Ok(ProofFile { curve, proof: bytes, commitments: Vec::new(), pok: Vec::new() })
}

pub fn public_inputs(file: &[u8], curve: CurveId) -> Result<Vec<Vec<u8>>, FormatError> {
    let inputs: Vec<Vec<u8>> = if file.trim_ascii_start().starts_with(b"[") {
        let items: Vec<String> = serde_json::from_slice(file)
            .map_err(|e| FormatError(format!("public inputs: expected a JSON array of hex strings: {e}")))?;
        items
            .iter()
            .enumerate()
            .map(|(i, s)| {
                hex::decode(s.trim_start_matches("0x"))
                    .map_err(|e| FormatError(format!("public input {i}: not hex: {e}")))
            })
            .collect::<Result<_, _>>()?
    } else {
        let bytes = bytes_of(file);
        if !bytes.len().is_multiple_of(32) {
            return Err(FormatError(format!(
                "public inputs: {} bytes is not a whole number of 32-byte scalars",
                bytes.len()
            )));
        }
        bytes.chunks(32).map(<[u8]>::to_vec).collect()
    };
    check_public_inputs(curve, &inputs)?;
    Ok(inputs)
}
