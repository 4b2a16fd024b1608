//! Reading keys, proofs and public inputs as users have them, into the wire form
//! (a key on its curve, canonical proof points, 32-byte little-endian inputs).
//!
//! - `snarkjs`: the JSON snarkjs 0.7 writes, for `curve: "bls12381"` or `"bn128"` (the
//!   file names the curve).
//! - `arkworks`: canonical bytes, either raw binary or hex text, on the curve given
//!   (BLS12-381 unless told).
//! - `gnark`: gnark v0.14's binary encodings (`WriteTo` or `WriteRawTo`, public witness
//!   `MarshalBinary`) on either curve (told, or found from the layout), with gnark's
//!   commitment extension.

pub mod arkworks;
pub mod gnark;
pub mod snarkjs;

use std::fmt;

use crate::curves::CurveId;
use crate::key::AnyKey;
use crate::VerifyRequest;
use veritas_framework::Address;

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

/// A proof as a file holds it, in the wire form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofFile {
    pub curve: CurveId,
    /// A, B, C: canonical bytes (uncompressed for snarkjs and gnark, which the chain
    /// decodes without square roots; as given for arkworks).
    pub proof: Vec<u8>,
    /// gnark's commitments and their proof of knowledge (canonical bytes; empty without).
    pub commitments: Vec<Vec<u8>>,
    pub pok: Vec<u8>,
}

impl ProofFile {
    /// The submission of this proof with `inputs` against key `vk_id`.
    pub fn into_request(self, submitter: Address, vk_id: String, inputs: Vec<Vec<u8>>) -> VerifyRequest {
        VerifyRequest {
            submitter,
            vk_id,
            curve: self.curve,
            proof: self.proof,
            inputs,
            commitments: self.commitments,
            pok: self.pok,
        }
    }
}

/// A verifying key file → the key (every point checked). `curve`: what the user said
/// (`--curve`); snarkjs and gnark files must agree with it, arkworks bytes are read on
/// it (BLS12-381 if not said).
pub fn read_verifying_key(bytes: &[u8], format: Format, curve: Option<CurveId>) -> Result<AnyKey, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::verifying_key(bytes, curve),
        Format::Arkworks => arkworks::verifying_key(bytes, curve.unwrap_or(CurveId::Bls12_381)),
        Format::Gnark => gnark::verifying_key(bytes, curve),
    }
}

/// A proof file → the proof's wire form.
pub fn read_proof(bytes: &[u8], format: Format, curve: Option<CurveId>) -> Result<ProofFile, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::proof(bytes, curve),
        Format::Arkworks => arkworks::proof(bytes, curve.unwrap_or(CurveId::Bls12_381)),
        Format::Gnark => gnark::proof(bytes, curve),
    }
}

/// A public inputs file → 32-byte little-endian scalars, each below `curve`'s r (the
/// files carry no curve: it is the key's or the proof's).
pub fn read_public_inputs(bytes: &[u8], format: Format, curve: CurveId) -> Result<Vec<Vec<u8>>, FormatError> {
    match format {
        Format::Snarkjs => snarkjs::public_inputs(bytes, curve),
        Format::Arkworks => arkworks::public_inputs(bytes, curve),
        Format::Gnark => gnark::public_inputs(bytes, curve),
    }
}
