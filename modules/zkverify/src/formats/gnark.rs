//! gnark v0.14's binary Groth16 encodings on BLS12-381 (fixtures/gnark/SPEC.md has the
//! layouts, with references into gnark's source):
//!
//! - key (`VerifyingKey.WriteTo` / `WriteRawTo`): [α]₁ [β]₁ [β]₂ [γ]₂ [δ]₁ [δ]₂, K (u32
//!   count, G1 points), `PublicAndCommitmentCommitted` (u32 count of u32-length u64 lists),
//!   u32 count of commitment keys (two G2 points each);
//! - proof (`Proof.WriteTo` / `WriteRawTo`): Ar (G1), Bs (G2), Krs (G1), Commitments (u32
//!   count, G1 points), CommitmentPok (G1);
//! - public witness (`witness.Public()` then `MarshalBinary()`): u32 public count, u32 secret
//!   count (0), u32 vector length, then 32-byte big-endian scalars.
//!
//! Integers are big-endian. Points carry ZCash flags in their first byte, compressed or not
//! point by point, which is arkworks' BLS12-381 encoding byte for byte; each is checked on
//! the curve and in the subgroup. Keys and proofs that use gnark's commitment extension
//! (`api.Commit`) are refused for now: a plain Groth16 check of them would be wrong.

use ark_bls12_381::{Fr, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use super::FormatError;
use crate::encoding::{public_input_bytes, verifying_key_bytes, HARD_MAX_PUBLIC_INPUTS};

const COMMITMENTS_UNSUPPORTED: &str =
    "uses gnark's commitment extension (api.Commit), which this version does not verify yet";

/// Reads a gnark stream front to back, naming the field in every error.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }

    fn err(&self, field: &str, problem: impl std::fmt::Display) -> FormatError {
        FormatError(format!("{} ({field}, at byte {}): {problem}", self.what, self.at))
    }

    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], FormatError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.err(field, format!("needs {n} bytes, {} left", self.bytes.len() - self.at)))?;
        let bytes = &self.bytes[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn u32(&mut self, field: &str) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(self.take(4, field)?.try_into().expect("4 bytes")))
    }

    /// A count of items of at least `item_bytes` each: bounded by what is left, so a
    /// huge count cannot make us allocate.
    fn count(&mut self, field: &str, item_bytes: usize) -> Result<usize, FormatError> {
        let n = self.u32(field)? as usize;
        if n.saturating_mul(item_bytes) > self.bytes.len() - self.at {
            return Err(self.err(field, format!("count {n} is more than the bytes left can hold")));
        }
        Ok(n)
    }

    /// A point of `compressed` or `2·compressed` bytes, by its compression flag (bit 7).
    fn point<P: CanonicalDeserialize>(&mut self, field: &str, compressed: usize) -> Result<P, FormatError> {
        let first = *self.bytes.get(self.at).ok_or_else(|| self.err(field, "missing"))?;
        let (mode, len) = if first & 0x80 != 0 { (Compress::Yes, compressed) } else { (Compress::No, 2 * compressed) };
        let start = self.at;
        let raw = self.take(len, field)?;
        P::deserialize_with_mode(raw, mode, Validate::Yes).map_err(|e| {
            FormatError(format!(
                "{} ({field}, at byte {start}): not a valid BLS12-381 point (on the curve, in the subgroup): {e}",
                self.what
            ))
        })
    }

    fn g1(&mut self, field: &str) -> Result<G1Affine, FormatError> {
        self.point(field, 48)
    }

    fn g2(&mut self, field: &str) -> Result<G2Affine, FormatError> {
        self.point(field, 96)
    }

    fn end(&self) -> Result<(), FormatError> {
        if self.at != self.bytes.len() {
            return Err(self.err("end", format!("{} bytes after the last field", self.bytes.len() - self.at)));
        }
        Ok(())
    }
}

/// A gnark key → compressed canonical arkworks bytes.
pub fn verifying_key(file: &[u8]) -> Result<Vec<u8>, FormatError> {
    let mut r = Reader::new(file, "gnark verifying key");
    let alpha_g1 = r.g1("G1.Alpha")?;
    // [β]₁ and [δ]₁ are the prover's; checked like every point, then dropped.
    let _beta_g1 = r.g1("G1.Beta")?;
    let beta_g2 = r.g2("G2.Beta")?;
    let gamma_g2 = r.g2("G2.Gamma")?;
    let _delta_g1 = r.g1("G1.Delta")?;
    let delta_g2 = r.g2("G2.Delta")?;
    let k_len = r.count("G1.K length", 48)?;
    if k_len == 0 || k_len > HARD_MAX_PUBLIC_INPUTS + 1 {
        return Err(r.err("G1.K length", format!("{k_len} points (1 to {})", HARD_MAX_PUBLIC_INPUTS + 1)));
    }
    let gamma_abc_g1 = (0..k_len).map(|i| r.g1(&format!("G1.K[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    if r.u32("PublicAndCommitmentCommitted length")? != 0 {
        return Err(r.err("PublicAndCommitmentCommitted", COMMITMENTS_UNSUPPORTED));
    }
    if r.u32("CommitmentKeys length")? != 0 {
        return Err(r.err("CommitmentKeys", COMMITMENTS_UNSUPPORTED));
    }
    r.end()?;
    Ok(verifying_key_bytes(&VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 }))
}

/// A gnark proof → uncompressed canonical arkworks bytes (decoded on chain without
/// square roots).
pub fn proof(file: &[u8]) -> Result<Vec<u8>, FormatError> {
    let mut r = Reader::new(file, "gnark proof");
    let a = r.g1("Ar")?;
    let b = r.g2("Bs")?;
    let c = r.g1("Krs")?;
    if r.u32("Commitments length")? != 0 {
        return Err(r.err("Commitments", COMMITMENTS_UNSUPPORTED));
    }
    let pok = r.g1("CommitmentPok")?;
    if !ark_ec::AffineRepr::is_zero(&pok) {
        return Err(r.err("CommitmentPok", "must be the point at infinity in a proof without commitments"));
    }
    r.end()?;
    let mut out = Vec::new();
    Proof::<ark_bls12_381::Bls12_381> { a, b, c }
        .serialize_uncompressed(&mut out)
        .expect("writing to a Vec cannot fail");
    Ok(out)
}

/// A gnark public witness → 32-byte little-endian scalars.
pub fn public_inputs(file: &[u8]) -> Result<Vec<Vec<u8>>, FormatError> {
    let mut r = Reader::new(file, "gnark public witness");
    let public = r.u32("public count")? as usize;
    let secret = r.u32("secret count")?;
    if secret != 0 {
        return Err(r.err("secret count", format!("{secret} secret values: pass the public part (witness.Public())")));
    }
    let len = r.count("vector length", 32)?;
    if len != public {
        return Err(r.err("vector length", format!("{len} values but the header says {public} public")));
    }
    (0..len)
        .map(|i| {
            let field = format!("public input {i}");
            let raw = r.take(32, &field)?;
            let x = Fr::from_be_bytes_mod_order(raw);
            // Canonical only: a value ≥ r would be silently reduced.
            if x.into_bigint().to_bytes_be() != raw {
                return Err(r.err(&field, "not below the BLS12-381 scalar field modulus r"));
            }
            Ok(public_input_bytes(&x))
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|inputs| r.end().map(|()| inputs))
}
