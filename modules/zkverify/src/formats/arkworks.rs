//! arkworks canonical bytes, as a binary file or as hex text (an optional `0x`,
//! whitespace ignored). Public inputs: 32-byte little-endian scalars, concatenated,
//! or a JSON array of hex strings.

use ark_bls12_381::Bls12_381;
use ark_groth16::VerifyingKey;
use ark_serialize::{CanonicalDeserialize, Compress, Validate};

use super::FormatError;
use crate::encoding::{decode_proof, decode_public_input, decode_verifying_key, verifying_key_bytes};

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
pub fn verifying_key(file: &[u8]) -> Result<Vec<u8>, FormatError> {
    let bytes = bytes_of(file);
    match decode_verifying_key(&bytes) {
        Ok(vk) => Ok(verifying_key_bytes(&vk)),
        Err(compressed_error) => {
            // An uncompressed key: 96 + 3·192 + 8 + 96·n bytes.
            let fixed = 96 + 3 * 192 + 8;
            // The length prefix is checked first: arkworks allocates what it says.
            let points =
                bytes.len().checked_sub(fixed).filter(|rest| *rest > 0 && rest % 96 == 0).map(|rest| rest / 96);
            let declared = bytes.get(fixed - 8..fixed).map(|raw| u64::from_le_bytes(raw.try_into().expect("8 bytes")));
            if points.is_none() || declared != points.map(|n| n as u64) {
                return Err(compressed_error.into());
            }
            let vk = VerifyingKey::<Bls12_381>::deserialize_with_mode(bytes.as_slice(), Compress::No, Validate::Yes)
                .map_err(|e| FormatError(format!("verifying key (uncompressed): {e}")))?;
            Ok(verifying_key_bytes(&vk))
        }
    }
}

pub fn proof(file: &[u8]) -> Result<Vec<u8>, FormatError> {
    let bytes = bytes_of(file);
    decode_proof(&bytes)?;
    Ok(bytes)
}

pub fn public_inputs(file: &[u8]) -> Result<Vec<Vec<u8>>, FormatError> {
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
    for (i, input) in inputs.iter().enumerate() {
        decode_public_input(input, i)?;
    }
    Ok(inputs)
}
