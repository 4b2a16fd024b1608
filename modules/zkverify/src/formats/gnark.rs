//! gnark v0.14's binary Groth16 encodings on BN254 and BLS12-381 (fixtures/gnark/SPEC.md
//! has the layouts, with references into gnark's source):
//!
//! - key (`VerifyingKey.WriteTo` / `WriteRawTo`): [α]₁ [β]₁ [β]₂ [γ]₂ [δ]₁ [δ]₂, K (u32
//!   count, G1 points), `PublicAndCommitmentCommitted` (u32 count of u32-length u64 lists),
//!   u32 count of commitment keys (G and −σ·G, two G2 points each);
//! - proof (`Proof.WriteTo` / `WriteRawTo`): Ar (G1), Bs (G2), Krs (G1), Commitments (u32
//!   count, G1 points), CommitmentPok (G1);
//! - public witness (`witness.Public()` then `MarshalBinary()`): u32 public count, u32 secret
//!   count (0), u32 vector length, then 32-byte big-endian scalars.
//!
//! Integers and coordinates are big-endian; every point carries flags in its first byte,
//! compressed or not point by point, and is checked on the curve and in the subgroup.
//! BLS12-381 points are the ZCash encoding, arkworks' byte for byte; BN254 points use
//! gnark's own flags (top two bits: 00 raw, 10 compressed with the smaller y, 11 the
//! larger, 01 infinity) and put an F_p2 coordinate's imaginary part first.

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField, Zero};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

use super::{FormatError, ProofFile};
use crate::bsb22::{Bsb22Key, MAX_COMMITMENTS};
use crate::curves::{Curve, CurveId};
use crate::encoding::{public_input_bytes, HARD_MAX_PUBLIC_INPUTS};
use crate::key::{AnyKey, Key};

/// How one curve's points are written by gnark.
trait GnarkCurve: Curve {
    /// Bytes of a compressed G1 and G2 point (raw points are twice as long).
    const G1: usize;
    const G2: usize;
    fn compressed(first: u8) -> bool;
    fn g1(raw: &[u8], compressed: bool) -> Result<Self::G1Affine, String>;
    fn g2(raw: &[u8], compressed: bool) -> Result<Self::G2Affine, String>;
}

impl GnarkCurve for Bls12_381 {
    const G1: usize = 48;
    const G2: usize = 96;
    fn compressed(first: u8) -> bool {
        first & 0x80 != 0
    }
    fn g1(raw: &[u8], compressed: bool) -> Result<Self::G1Affine, String> {
        zcash(raw, compressed)
    }
    fn g2(raw: &[u8], compressed: bool) -> Result<Self::G2Affine, String> {
        zcash(raw, compressed)
    }
}

fn zcash<P: SWCurveConfig>(raw: &[u8], compressed: bool) -> Result<Affine<P>, String> {
    let mode = if compressed { Compress::Yes } else { Compress::No };
    Affine::<P>::deserialize_with_mode(raw, mode, Validate::Yes)
        .map_err(|e| format!("not a valid BLS12-381 point (on the curve, in the subgroup): {e}"))
}

impl GnarkCurve for Bn254 {
    const G1: usize = 32;
    const G2: usize = 64;
    fn compressed(first: u8) -> bool {
        first & 0xC0 != 0
    }
    fn g1(raw: &[u8], compressed: bool) -> Result<Self::G1Affine, String> {
        bn254_point(raw, compressed, bn254_fq)
    }
    fn g2(raw: &[u8], compressed: bool) -> Result<Self::G2Affine, String> {
        // An F_p2 element is written A1 (imaginary) then A0.
        bn254_point(raw, compressed, |b| Ok(ark_bn254::Fq2::new(bn254_fq(&b[32..])?, bn254_fq(&b[..32])?)))
    }
}

/// A canonical big-endian F_p element (refused if ≥ p).
fn bn254_fq(bytes: &[u8]) -> Result<ark_bn254::Fq, String> {
    let x = ark_bn254::Fq::from_be_bytes_mod_order(bytes);
    let mut canonical = x.into_bigint().to_bytes_be();
    canonical.splice(0..0, std::iter::repeat_n(0, bytes.len().saturating_sub(canonical.len())));
    if canonical != bytes {
        return Err("a coordinate is not below the BN254 base field modulus".into());
    }
    Ok(x)
}

/// gnark's "lexicographically largest": y > −y comparing canonical integers, the
/// imaginary part first unless it is zero (SPEC.md §1.3).
fn largest<F: Field>(y: &F) -> bool {
    let parts: Vec<F::BasePrimeField> = y.to_base_prime_field_elements().collect();
    let deciding = parts.iter().rev().find(|c| !c.is_zero()).copied().unwrap_or_default();
    deciding.into_bigint() > F::BasePrimeField::MODULUS_MINUS_ONE_DIV_TWO
}

fn bn254_point<P: SWCurveConfig>(
    raw: &[u8],
    compressed: bool,
    coordinate: impl Fn(&[u8]) -> Result<P::BaseField, String>,
) -> Result<Affine<P>, String> {
    let flags = raw[0] & 0xC0;
    let mut bytes = raw.to_vec();
    bytes[0] &= 0x3F;
    let point = if compressed {
        if flags == 0x40 {
            if bytes.iter().any(|b| *b != 0) {
                return Err("an infinity point with non-zero bits".into());
            }
            return Ok(Affine::zero());
        }
        let x = coordinate(&bytes)?;
        let want_largest = flags == 0xC0;
        let (y, neg) = Affine::<P>::get_ys_from_x_unchecked(x).ok_or("no point on the curve has this x coordinate")?;
        let y = if largest(&y) == want_largest { y } else { neg };
        Affine::new_unchecked(x, y)
    } else {
        if flags != 0 {
            return Err("invalid point encoding flags".into());
        }
        if bytes.iter().all(|b| *b == 0) {
            return Ok(Affine::zero());
        }
        let half = bytes.len() / 2;
        let point = Affine::new_unchecked(coordinate(&bytes[..half])?, coordinate(&bytes[half..])?);
        if !point.is_on_curve() {
            return Err("point is not on the curve".into());
        }
        point
    };
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err("point is not in the prime-order subgroup".into());
    }
    Ok(point)
}

/// Reads a gnark stream front to back, naming the field in every error.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: String,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], what: &str, curve: CurveId) -> Self {
        Self { bytes, at: 0, what: format!("gnark {curve} {what}") }
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

    fn u64(&mut self, field: &str) -> Result<u64, FormatError> {
        Ok(u64::from_be_bytes(self.take(8, field)?.try_into().expect("8 bytes")))
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

    /// A point of `compressed` or `2·compressed` bytes, by its flags.
    fn point<T>(
        &mut self,
        field: &str,
        compressed_len: usize,
        is_compressed: fn(u8) -> bool,
        read: impl Fn(&[u8], bool) -> Result<T, String>,
    ) -> Result<T, FormatError> {
        let first = *self.bytes.get(self.at).ok_or_else(|| self.err(field, "missing"))?;
        let compressed = is_compressed(first);
        let start = self.at;
        let raw = self.take(if compressed { compressed_len } else { 2 * compressed_len }, field)?;
        read(raw, compressed).map_err(|e| FormatError(format!("{} ({field}, at byte {start}): {e}", self.what)))
    }

    fn g1<E: GnarkCurve>(&mut self, field: &str) -> Result<E::G1Affine, FormatError> {
        self.point(field, E::G1, E::compressed, E::g1)
    }

    fn g2<E: GnarkCurve>(&mut self, field: &str) -> Result<E::G2Affine, FormatError> {
        self.point(field, E::G2, E::compressed, E::g2)
    }

    fn end(&self) -> Result<(), FormatError> {
        if self.at != self.bytes.len() {
            return Err(self.err("end", format!("{} bytes after the last field", self.bytes.len() - self.at)));
        }
        Ok(())
    }
}

fn key_on<E: GnarkCurve>(file: &[u8]) -> Result<Key<E>, FormatError> {
    let mut r = Reader::new(file, "verifying key", E::ID);
    let alpha_g1 = r.g1::<E>("G1.Alpha")?;
    // [β]₁ and [δ]₁ are the prover's; checked like every point, then dropped.
    let _beta_g1 = r.g1::<E>("G1.Beta")?;
    let beta_g2 = r.g2::<E>("G2.Beta")?;
    let gamma_g2 = r.g2::<E>("G2.Gamma")?;
    let _delta_g1 = r.g1::<E>("G1.Delta")?;
    let delta_g2 = r.g2::<E>("G2.Delta")?;
    let k_len = r.count("G1.K length", E::G1)?;
    if k_len == 0 || k_len > HARD_MAX_PUBLIC_INPUTS + MAX_COMMITMENTS + 1 {
        return Err(
            r.err("G1.K length", format!("{k_len} points (1 to {})", HARD_MAX_PUBLIC_INPUTS + MAX_COMMITMENTS + 1))
        );
    }
    let gamma_abc_g1 = (0..k_len).map(|i| r.g1::<E>(&format!("G1.K[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    let pcc_len = r.count("PublicAndCommitmentCommitted length", 4)?;
    if pcc_len > MAX_COMMITMENTS {
        return Err(r.err(
            "PublicAndCommitmentCommitted",
            format!("{pcc_len} commitments; Veritas verifies at most {MAX_COMMITMENTS}"),
        ));
    }
    let mut committed = Vec::with_capacity(pcc_len);
    for i in 0..pcc_len {
        let field = format!("PublicAndCommitmentCommitted[{i}]");
        let m = r.count(&format!("{field} length"), 8)?;
        let indices = (0..m)
            .map(|j| {
                let v = r.u64(&format!("{field}[{j}]"))?;
                u32::try_from(v).map_err(|_| r.err(&format!("{field}[{j}]"), format!("index {v} is out of range")))
            })
            .collect::<Result<Vec<u32>, _>>()?;
        committed.push(indices);
    }
    let keys = r.count("CommitmentKeys length", 2 * E::G2)?;
    if keys != pcc_len {
        return Err(r.err(
            "CommitmentKeys length",
            format!("{keys} commitment keys but PublicAndCommitmentCommitted describes {pcc_len} commitments"),
        ));
    }
    let mut shared_g = None;
    let mut sigmas = Vec::with_capacity(keys);
    for i in 0..keys {
        let g = r.g2::<E>(&format!("CommitmentKeys[{i}].G"))?;
        let sigma = r.g2::<E>(&format!("CommitmentKeys[{i}].GSigmaNeg"))?;
        if *shared_g.get_or_insert(g) != g {
            return Err(r.err(
                &format!("CommitmentKeys[{i}].G"),
                "commitment keys with different G are not supported (gnark's verifier refuses them too)",
            ));
        }
        sigmas.push(sigma);
    }
    r.end()?;
    let vk = VerifyingKey::<E> { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 };
    let bsb22 = shared_g.map(|g| Bsb22Key { g, commitments: committed.into_iter().zip(sigmas).collect() });
    // The chain's own checks (indices in range, counts), with its error text.
    let key = Key { vk, bsb22 };
    let proto = key.bsb22.as_ref().map(Bsb22Key::to_proto);
    Key::<E>::decode(&crate::encoding::verifying_key_bytes(&key.vk), proto.as_ref()).map_err(FormatError::from)
}

fn proof_on<E: GnarkCurve>(file: &[u8]) -> Result<ProofFile, FormatError> {
    let mut r = Reader::new(file, "proof", E::ID);
    let a = r.g1::<E>("Ar")?;
    let b = r.g2::<E>("Bs")?;
    let c = r.g1::<E>("Krs")?;
    let n = r.count("Commitments length", E::G1)?;
    if n > MAX_COMMITMENTS {
        return Err(r.err("Commitments length", format!("{n} commitments; Veritas verifies at most {MAX_COMMITMENTS}")));
    }
    let commitments = (0..n).map(|i| r.g1::<E>(&format!("Commitments[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    let pok = r.g1::<E>("CommitmentPok")?;
    if n == 0 && !pok.is_zero() {
        return Err(r.err("CommitmentPok", "must be the point at infinity in a proof without commitments"));
    }
    r.end()?;
    let uncompressed = |p: &dyn Fn(&mut Vec<u8>)| {
        let mut out = Vec::new();
        p(&mut out);
        out
    };
    Ok(ProofFile {
        curve: E::ID,
        // Uncompressed: the chain decodes them without square roots.
        proof: uncompressed(&|out| Proof::<E> { a, b, c }.serialize_uncompressed(out).expect("to a Vec")),
        commitments: commitments
            .iter()
            .map(|p| uncompressed(&|out| p.serialize_uncompressed(out).expect("to a Vec")))
            .collect(),
        pok: if n == 0 { Vec::new() } else { uncompressed(&|out| pok.serialize_uncompressed(out).expect("to a Vec")) },
    })
}

/// Tries each curve (or the one named) and keeps the one the bytes are: the layouts'
/// point sizes differ, so at most one parses to the end in practice.
fn on_either<T>(
    curve: Option<CurveId>,
    bls: impl Fn() -> Result<T, FormatError>,
    bn: impl Fn() -> Result<T, FormatError>,
) -> Result<T, FormatError> {
    match curve {
        Some(CurveId::Bls12_381) => bls(),
        Some(CurveId::Bn254) => bn(),
        None => match (bls(), bn()) {
            (Ok(_), Ok(_)) => {
                Err(FormatError("the file reads as both a BLS12-381 and a BN254 gnark file: pass --curve".into()))
            }
            (Ok(v), Err(_)) | (Err(_), Ok(v)) => Ok(v),
            (Err(bls), Err(bn)) => Err(FormatError(format!("{bls}; and as BN254: {bn}"))),
        },
    }
}

/// A gnark key (its curve found from its layout unless named).
pub fn verifying_key(file: &[u8], curve: Option<CurveId>) -> Result<AnyKey, FormatError> {
    on_either(curve, || key_on::<Bls12_381>(file).map(AnyKey::Bls12_381), || key_on::<Bn254>(file).map(AnyKey::Bn254))
}

/// A gnark proof → canonical uncompressed arkworks bytes of its points.
pub fn proof(file: &[u8], curve: Option<CurveId>) -> Result<ProofFile, FormatError> {
    on_either(curve, || proof_on::<Bls12_381>(file), || proof_on::<Bn254>(file))
}

/// A gnark public witness → 32-byte little-endian scalars of `curve`.
pub fn public_inputs(file: &[u8], curve: CurveId) -> Result<Vec<Vec<u8>>, FormatError> {
    match curve {
        CurveId::Bls12_381 => witness::<ark_bls12_381::Fr>(file, curve),
        CurveId::Bn254 => witness::<ark_bn254::Fr>(file, curve),
    }
}

fn witness<F: PrimeField>(file: &[u8], curve: CurveId) -> Result<Vec<Vec<u8>>, FormatError> {
    let mut r = Reader::new(file, "public witness", curve);
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
            let x = F::from_be_bytes_mod_order(raw);
            // Canonical only: a value ≥ r would be silently reduced.
            let mut canonical = x.into_bigint().to_bytes_be();
            canonical.splice(0..0, std::iter::repeat_n(0, 32usize.saturating_sub(canonical.len())));
            if canonical != raw {
                return Err(r.err(&field, format!("not below the {curve} scalar field modulus r")));
            }
            Ok(public_input_bytes(&x))
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|inputs| r.end().map(|()| inputs))
}
