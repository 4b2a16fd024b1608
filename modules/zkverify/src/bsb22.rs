//! gnark's BSB22 commitment extension of Groth16 (gnark v0.14 `backend/groth16`, see
//! `fixtures/gnark/SPEC.md` §3): each commitment a circuit makes with `api.Commit` is
//! hashed, with the public inputs it covers, into one more public input, and a Pedersen
//! proof of knowledge shows the prover knows what it commits to.
//!
//! Veritas checks, beyond gnark: a proof has exactly as many commitments as its key
//! (gnark v0.14.0 accepts a forged commitment for a key without any, SPEC §4.1), every
//! committed index points at an input or an earlier commitment, and a key that commits
//! has commitment keys (§4.2).

use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, One, PrimeField};
use sha2::{Digest, Sha256};
use veritas_framework::Error;
use veritas_proto::zkverify::v1 as pb;

use crate::curves::Curve;
use crate::encoding::{compressed, decode_g2_compressed};
use crate::errors;

/// gnark's domain for a commitment's hash (`constraint.CommitmentDst`).
pub const COMMITMENT_DST: &[u8] = b"bsb22-commitment";
/// gnark's domain for the challenge that folds the proofs of knowledge.
pub const CHALLENGE_DST: &[u8] = b"G16-BSB22";
/// The most commitments a key may have. gnark's `std/multicommit` (range checks,
/// lookups) gathers every use into one; more is refused as unsupported.
pub const MAX_COMMITMENTS: usize = 8;

/// The commitment part of a verifying key.
#[derive(Debug, Clone, PartialEq)]
pub struct Bsb22Key<E: Pairing> {
    /// The G2 point every commitment's Pedersen key shares.
    pub g: E::G2Affine,
    /// Per commitment: the wire indices it covers, and its Pedersen key's −σ·G.
    pub commitments: Vec<(Vec<u32>, E::G2Affine)>,
}

/// [`Bsb22Key`] with its G2 points prepared for pairings.
pub struct PreparedBsb22<E: Pairing> {
    pub committed: Vec<Vec<u32>>,
    pub g: E::G2Prepared,
    pub g_sigma_negs: Vec<E::G2Prepared>,
}

impl<E: Curve> Bsb22Key<E> {
    /// The extension as a message carries it, for a key with `k_points` points in
    /// `gamma_abc_g1`: every point checked, every index in range.
    pub fn decode(proto: &pb::Commitments, k_points: usize) -> Result<Self, Error> {
        let n = proto.keys.len();
        if n == 0 {
            return Err(errors::invalid_encoding(
                "commitments: present but empty (a key without commitments leaves the field out)",
            ));
        }
        if n > MAX_COMMITMENTS {
            return Err(errors::unsupported_commitments(format!(
                "the key has {n} commitments; at most {MAX_COMMITMENTS} are supported"
            )));
        }
        if k_points < n + 1 {
            return Err(errors::invalid_encoding(format!(
                "commitments: {n} commitments need at least {} gamma_abc_g1 points, the key has {k_points}",
                n + 1
            )));
        }
        let public = k_points - 1 - n;
        let g = decode_g2_compressed::<E>(&proto.g, "commitments g")?;
        let commitments = proto
            .keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                for &j in &key.committed {
                    if j == 0 || j as usize > public + i {
                        return Err(errors::invalid_encoding(format!(
                            "commitments keys[{i}]: committed index {j} is neither a public input (1..={public}) \
                             nor an earlier commitment"
                        )));
                    }
                }
                let sigma = decode_g2_compressed::<E>(&key.g_sigma_neg, &format!("commitments keys[{i}] g_sigma_neg"))?;
                Ok((key.committed.clone(), sigma))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Self { g, commitments })
    }

    pub fn to_proto(&self) -> pb::Commitments {
        pb::Commitments {
            g: compressed(&self.g),
            keys: self
                .commitments
                .iter()
                .map(|(committed, sigma)| pb::CommitmentKey {
                    committed: committed.clone(),
                    g_sigma_neg: compressed(sigma),
                })
                .collect(),
        }
    }

    /// Canonical bytes for the key id: u32 count, G, then per commitment its indices
    /// (u32 count, u32 each) and −σ·G; integers big-endian, points compressed.
    pub fn id_bytes(&self) -> Vec<u8> {
        let mut out = (self.commitments.len() as u32).to_be_bytes().to_vec();
        out.extend(compressed(&self.g));
        for (committed, sigma) in &self.commitments {
            out.extend((committed.len() as u32).to_be_bytes());
            for j in committed {
                out.extend(j.to_be_bytes());
            }
            out.extend(compressed(sigma));
        }
        out
    }

    pub fn prepare(&self) -> PreparedBsb22<E> {
        PreparedBsb22 {
            committed: self.commitments.iter().map(|(c, _)| c.clone()).collect(),
            g: self.g.into(),
            g_sigma_negs: self.commitments.iter().map(|(_, s)| (*s).into()).collect(),
        }
    }
}

/// gnark's `fr.Hash(msg, dst, 1)` on both curves: 48 bytes of RFC 9380
/// `expand_message_xmd` with SHA-256, read big-endian, reduced mod r.
pub fn hash_to_field<F: PrimeField>(msg: &[u8], dst: &[u8]) -> F {
    F::from_be_bytes_mod_order(&expand_message_xmd(msg, dst, 48))
}

/// RFC 9380 §5.3.1 with SHA-256, for `len` up to 255·32 bytes and a DST up to 255.
fn expand_message_xmd(msg: &[u8], dst: &[u8], len: usize) -> Vec<u8> {
    assert!(len <= 255 * 32 && dst.len() <= 255, "fixed domains and lengths only");
    let dst_prime = [dst, &[dst.len() as u8]].concat();
    let b0 = Sha256::new()
        .chain_update([0u8; 64])
        .chain_update(msg)
        .chain_update((len as u16).to_be_bytes())
        .chain_update([0])
        .chain_update(&dst_prime)
        .finalize();
    let mut out = Vec::with_capacity(len + 32);
    let mut previous = Sha256::new().chain_update(b0).chain_update([1]).chain_update(&dst_prime).finalize();
    out.extend_from_slice(&previous);
    for i in 2..=len.div_ceil(32) {
        let mixed: Vec<u8> = b0.iter().zip(previous.iter()).map(|(a, b)| a ^ b).collect();
        previous = Sha256::new().chain_update(mixed).chain_update([i as u8]).chain_update(&dst_prime).finalize();
        out.extend_from_slice(&previous);
    }
    out.truncate(len);
    out
}

/// A scalar as gnark's `fr.Element.Marshal` writes it: 32 bytes, big-endian.
fn be32<F: PrimeField>(x: &F) -> Vec<u8> {
    let mut bytes = x.into_bigint().to_bytes_be();
    let pad = 32usize.saturating_sub(bytes.len());
    bytes.splice(0..0, std::iter::repeat_n(0, pad));
    bytes
}

/// The public inputs followed by each commitment's hash (SPEC §3.2), and the challenge
/// ρ that folds the proofs of knowledge (§3.3). `committed` and `commitments` have the
/// same length; indices were checked when the key was decoded.
pub fn extend_inputs<E: Curve>(
    inputs: &[E::ScalarField],
    committed: &[Vec<u32>],
    commitments: &[E::G1Affine],
) -> (Vec<E::ScalarField>, E::ScalarField) {
    let mut extended = inputs.to_vec();
    let mut hashes = Vec::with_capacity(32 * commitments.len());
    for (indices, point) in committed.iter().zip(commitments) {
        let mut prehash = E::gnark_raw_g1(point);
        for &j in indices {
            prehash.extend(be32(&extended[j as usize - 1]));
        }
        let hash: E::ScalarField = hash_to_field(&prehash, COMMITMENT_DST);
        hashes.extend(be32(&hash));
        extended.push(hash);
    }
    (extended, hash_to_field(&hashes, CHALLENGE_DST))
}

/// The G1 side of a proof of knowledge check: ρ^i·C_i for each commitment, then PoK,
/// paired with each −σ_i·G and then G.
pub fn pok_pairs<E: Curve>(commitments: &[E::G1Affine], pok: &E::G1Affine, rho: E::ScalarField) -> Vec<E::G1Affine> {
    let mut power = E::ScalarField::one();
    let mut g1: Vec<E::G1> = Vec::with_capacity(commitments.len() + 1);
    for c in commitments {
        g1.push(*c * power);
        power *= rho;
    }
    g1.push(pok.into_group());
    E::G1::normalize_batch(&g1)
}

/// Π e(ρ^i·C_i, −σ_i·G) · e(PoK, G) = 1: gnark's `BatchVerifyMultiVk` for one proof.
pub fn pok_holds<E: Curve>(
    key: &PreparedBsb22<E>,
    commitments: &[E::G1Affine],
    pok: &E::G1Affine,
    rho: E::ScalarField,
) -> bool {
    let g1 = pok_pairs::<E>(commitments, pok, rho);
    let g2: Vec<&E::G2Prepared> = key.g_sigma_negs.iter().chain(std::iter::once(&key.g)).collect();
    E::final_exponentiation(E::multi_miller_loop_ref(&g1, &g2)).is_some_and(|out| out.0.is_one())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9380 appendix K.1 (expand_message_xmd, SHA-256).
    #[test]
    fn expand_message_matches_rfc_9380() {
        let dst = b"QUUX-V01-CS02-with-expander-SHA256-128";
        assert_eq!(
            hex::encode(expand_message_xmd(b"", dst, 0x20)),
            "68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235"
        );
        assert_eq!(
            hex::encode(expand_message_xmd(b"abc", dst, 0x20)),
            "d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615"
        );
    }
}
