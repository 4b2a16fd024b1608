//! The pairing-friendly curves proofs are verified on, behind one trait: what decoding,
//! the verifier and the block batch need of a curve beyond arkworks' `Pairing`.
//!
//! A key names its curve ([`CurveId`]); every proof against it is on that curve. The
//! code above this module is generic over [`Curve`] and dispatches on [`CurveId`] only
//! where bytes enter (messages, records, files).

mod bls12_381;
mod bls12_381_lines;
mod bn254;

use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveConfig;
use ark_serialize::Compress;
use veritas_framework::Error;
use veritas_proto::zkverify::v1 as pb;

use crate::errors;

/// Which curve a key, and so every proof against it, is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CurveId {
    /// BLS12-381 (snarkjs `bls12381`, gnark `ecc.BLS12_381`). The default.
    Bls12_381,
    /// BN254 (alt_bn128; snarkjs and circom `bn128`, gnark `ecc.BN254`).
    Bn254,
}

impl CurveId {
    /// Every curve, in the order batches run.
    pub const ALL: [CurveId; 2] = [CurveId::Bls12_381, CurveId::Bn254];

    /// The name events, queries, genesis and the CLI use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bls12_381 => "bls12-381",
            Self::Bn254 => "bn254",
        }
    }

    /// A name as users write it: `bls12-381` / `bls12381` / `bls12_381`, `bn254` / `bn128`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "bls12-381" | "bls12381" | "bls12_381" => Some(Self::Bls12_381),
            "bn254" | "bn128" | "alt_bn128" => Some(Self::Bn254),
            _ => None,
        }
    }

    pub fn to_proto(self) -> i32 {
        match self {
            Self::Bls12_381 => pb::Curve::Bls12381 as i32,
            Self::Bn254 => pb::Curve::Bn254 as i32,
        }
    }

    /// The curve a message or record names; an unknown value is refused.
    pub fn from_proto(value: i32) -> Result<Self, Error> {
        match pb::Curve::try_from(value) {
            Ok(pb::Curve::Bls12381) => Ok(Self::Bls12_381),
            Ok(pb::Curve::Bn254) => Ok(Self::Bn254),
            Err(_) => Err(errors::curve_mismatch(format!("unknown curve {value} (0: BLS12-381, 1: BN254)"))),
        }
    }

    /// Bytes of a proof's A, B, C: (compressed, uncompressed).
    pub fn proof_lengths(self) -> (usize, usize) {
        match self {
            Self::Bls12_381 => (48 + 96 + 48, 96 + 192 + 96),
            Self::Bn254 => (32 + 64 + 32, 64 + 128 + 64),
        }
    }

    /// Bytes of one G1 point: (compressed, uncompressed).
    pub fn g1_lengths(self) -> (usize, usize) {
        match self {
            Self::Bls12_381 => (48, 96),
            Self::Bn254 => (32, 64),
        }
    }
}

impl std::fmt::Display for CurveId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why arkworks could not read an encoded point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeFailure {
    /// A coordinate is not below the base field modulus.
    CoordinateTooLarge,
    /// The flag bits are not a valid combination.
    BadFlags,
    /// A compressed x coordinate no point of the curve has.
    NoPointWithX,
}

/// A pairing-friendly curve as the verifier uses it.
pub trait Curve:
    Pairing<
        G1Affine = Affine<Self::G1Config>,
        G1 = Projective<Self::G1Config>,
        G2Affine = Affine<Self::G2Config>,
        G2 = Projective<Self::G2Config>,
    > + Send
    + Sync
    + 'static
{
    /// G1, with the endomorphism the batch's short combination scalars use.
    type G1Config: GLVConfig<BaseField = Self::BaseField, ScalarField = Self::ScalarField>;
    type G2Config: SWCurveConfig<ScalarField = Self::ScalarField>;

    const ID: CurveId;

    /// c0 + c1·u in G2's base field.
    fn fq2(c0: Self::BaseField, c1: Self::BaseField) -> <Self::G2Config as CurveConfig>::BaseField;

    /// B's lines for the Miller loop, and whether B is in the prime-order subgroup.
    fn prepare_and_check_b(b: &Self::G2Affine) -> (Self::G2Prepared, bool);

    /// Π ML(g1_i, g2_i), over already prepared G2 points, on all cores.
    fn multi_miller_loop_ref(g1: &[Self::G1Affine], g2: &[&Self::G2Prepared]) -> MillerLoopOutput<Self>;

    /// gnark's `RawBytes` of a G1 point (big-endian X ‖ Y with gnark's flags): what its
    /// commitment hash covers.
    fn gnark_raw_g1(p: &Self::G1Affine) -> Vec<u8>;

    /// Why `encoded` (arkworks canonical bytes of one point) did not decode.
    fn decode_failure(encoded: &[u8], compress: Compress) -> DecodeFailure;
}

/// Whether every `size`-byte chunk of `bytes`, read with `read`, is below the modulus.
pub(crate) fn all_chunks_below<F: ark_ff::PrimeField>(bytes: &[u8], size: usize, big_endian: bool) -> bool {
    bytes.chunks_exact(size).all(|chunk| {
        let reduced = if big_endian { F::from_be_bytes_mod_order(chunk) } else { F::from_le_bytes_mod_order(chunk) };
        let mut canonical = ark_ff::BigInteger::to_bytes_le(&reduced.into_bigint());
        canonical.resize(size, 0);
        if big_endian {
            canonical.reverse();
        }
        canonical == chunk
    })
}
