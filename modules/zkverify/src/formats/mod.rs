//! Reading keys, proofs and public inputs as users have them, into the wire form
//! (compressed canonical key, canonical proof, 32-byte little-endian inputs).
//!
//! - `snarkjs`: the JSON snarkjs 0.7 writes for `curve: "bls12381"`.
//! - `arkworks`: canonical bytes, either raw binary or hex text.
//! - `gnark`: gnark v0.14's binary encodings (`WriteTo` or `WriteRawTo`, public witness
//!   `MarshalBinary`), for keys and proofs without gnark's commitment extension.

pub mod arkworks;
pub mod gnark;
pub mod snarkjs;

use std::fmt;

/// Which tool wrote the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Snarkjs,
    Arkworks,
    Gnark,
}

impl std::str::FromStr for Format {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "snarkjs" => Ok(Self::Snarkjs),
            "arkworks" => Ok(Self::Arkworks),
            "gnark" => Ok(Self::Gnark),
            other => Err(FormatError(format!("unknown format {other:?} (expected snarkjs, arkworks or gnark)"))),
        }
    }
}

/// What is wrong with a file, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

impl From<veritas_framework::Error> for FormatError {
    fn from(e: veritas_framework::Error) -> Self {
        Self(e.log().to_owned())
    }
}

/// A verifying key file → compressed canonical bytes (every point checked).
pub fn read_verifying_key(bytes: &[u8], format: Format) -> Result<Vec<u8>, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::verifying_key(bytes),
        Format::Arkworks => arkworks::verifying_key(bytes),
        Format::Gnark => gnark::verifying_key(bytes),
    }
}

/// A proof file → canonical proof bytes: uncompressed for snarkjs and gnark (384 bytes, but
/// the chain decodes them without square roots), as given for arkworks.
pub fn read_proof(bytes: &[u8], format: Format) -> Result<Vec<u8>, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::proof_uncompressed(bytes),
        Format::Arkworks => arkworks::proof(bytes),
        Format::Gnark => gnark::proof(bytes),
    }
}

/// A public inputs file → 32-byte little-endian scalars, each below r.
pub fn read_public_inputs(bytes: &[u8], format: Format) -> Result<Vec<Vec<u8>>, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::public_inputs(bytes),
        Format::Arkworks => arkworks::public_inputs(bytes),
        Format::Gnark => gnark::public_inputs(bytes),
    }
}
