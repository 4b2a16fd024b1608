//! Verifying keys: decoded and checked from what a message or record carries, their
//! canonical bytes and id, and their prepared form, on either curve.

use std::sync::Arc;

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use ark_ec::pairing::Pairing;
use ark_groth16::{prepare_verifying_key, PreparedVerifyingKey, VerifyingKey};
use veritas_framework::Error;
use veritas_proto::zkverify::v1 as pb;

use crate::bsb22::{Bsb22Key, PreparedBsb22};
use crate::curves::{Curve, CurveId};
use crate::encoding::{decode_verifying_key, verifying_key_bytes, verifying_key_id};

/// Prefix of the id bytes of every key but a plain BLS12-381 one (whose id bytes are its
/// compressed bytes, which start with a flagged point, so the two forms never meet).
const ID_DOMAIN: &[u8] = b"veritas/zkverify/vk/v2";

/// A Groth16 verifying key on curve `E`, with gnark's commitment extension if it has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Key<E: Pairing> {
    pub vk: VerifyingKey<E>,
    pub bsb22: Option<Bsb22Key<E>>,
}

/// A key prepared for pairings: shared by every statement that uses it.
pub struct Prepared<E: Pairing> {
    pub pvk: PreparedVerifyingKey<E>,
    pub bsb22: Option<PreparedBsb22<E>>,
}

impl<E: Pairing> Prepared<E> {
    /// Commitments a proof against this key carries.
    pub fn commitment_count(&self) -> usize {
        self.bsb22.as_ref().map_or(0, |b| b.committed.len())
    }
}

impl<E: Curve> Key<E> {
    /// A key from compressed canonical bytes and its commitment extension, every point
    /// checked.
    pub fn decode(vk: &[u8], commitments: Option<&pb::Commitments>) -> Result<Self, Error> {
        let vk = decode_verifying_key::<E>(vk)?;
        let bsb22 = commitments.map(|c| Bsb22Key::decode(c, vk.gamma_abc_g1.len())).transpose()?;
        Ok(Self { vk, bsb22 })
    }

    pub fn commitment_count(&self) -> usize {
        self.bsb22.as_ref().map_or(0, |b| b.commitments.len())
    }

    /// The public inputs a proof supplies (commitment hashes are added by the verifier).
    pub fn public_inputs(&self) -> usize {
        self.vk.gamma_abc_g1.len() - 1 - self.commitment_count()
    }

    /// The bytes the key's id hashes.
    pub fn id_bytes(&self) -> Vec<u8> {
        let vk = verifying_key_bytes(&self.vk);
        if E::ID == CurveId::Bls12_381 && self.bsb22.is_none() {
            return vk;
        }
        let mut out = ID_DOMAIN.to_vec();
        out.push(E::ID.to_proto() as u8);
        out.extend((vk.len() as u32).to_be_bytes());
        out.extend(vk);
        match &self.bsb22 {
            Some(bsb22) => out.extend(bsb22.id_bytes()),
            None => out.extend(0u32.to_be_bytes()),
        }
        out
    }

    pub fn prepare(&self) -> Prepared<E> {
        Prepared { pvk: prepare_verifying_key(&self.vk), bsb22: self.bsb22.as_ref().map(Bsb22Key::prepare) }
    }
}

/// A key on whichever curve it names. Keys are decoded one at a time and short-lived, so
/// the BLS12-381 variant's larger size costs nothing worth a box.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum AnyKey {
    Bls12_381(Key<Bls12_381>),
    Bn254(Key<Bn254>),
}

/// A prepared key on whichever curve it names.
#[derive(Clone)]
pub enum PreparedKey {
    Bls12_381(Arc<Prepared<Bls12_381>>),
    Bn254(Arc<Prepared<Bn254>>),
}

impl PreparedKey {
    pub fn curve(&self) -> CurveId {
        match self {
            Self::Bls12_381(_) => CurveId::Bls12_381,
            Self::Bn254(_) => CurveId::Bn254,
        }
    }

    pub fn commitment_count(&self) -> usize {
        match self {
            Self::Bls12_381(k) => k.commitment_count(),
            Self::Bn254(k) => k.commitment_count(),
        }
    }
}

/// `f(key)` for the key on whichever curve it is.
macro_rules! on_curve {
    ($key:expr, $k:ident => $body:expr) => {
        match $key {
            AnyKey::Bls12_381($k) => $body,
            AnyKey::Bn254($k) => $body,
        }
    };
}

impl AnyKey {
    /// A key as a message, record or genesis carries it, every point checked.
    pub fn decode(curve: CurveId, vk: &[u8], commitments: Option<&pb::Commitments>) -> Result<Self, Error> {
        Ok(match curve {
            CurveId::Bls12_381 => Self::Bls12_381(Key::decode(vk, commitments)?),
            CurveId::Bn254 => Self::Bn254(Key::decode(vk, commitments)?),
        })
    }

    pub fn curve(&self) -> CurveId {
        match self {
            Self::Bls12_381(_) => CurveId::Bls12_381,
            Self::Bn254(_) => CurveId::Bn254,
        }
    }

    pub fn public_inputs(&self) -> usize {
        on_curve!(self, k => k.public_inputs())
    }

    pub fn commitment_count(&self) -> usize {
        on_curve!(self, k => k.commitment_count())
    }

    /// Compressed canonical bytes of the Groth16 part.
    pub fn vk_bytes(&self) -> Vec<u8> {
        on_curve!(self, k => verifying_key_bytes(&k.vk))
    }

    /// The commitment extension as messages and records carry it.
    pub fn commitments_proto(&self) -> Option<pb::Commitments> {
        on_curve!(self, k => k.bsb22.as_ref().map(Bsb22Key::to_proto))
    }

    /// The key's id: lowercase hex SHA-256 of its id bytes.
    pub fn id(&self) -> String {
        verifying_key_id(&on_curve!(self, k => k.id_bytes()))
    }

    pub fn prepare(&self) -> PreparedKey {
        match self {
            Self::Bls12_381(k) => PreparedKey::Bls12_381(Arc::new(k.prepare())),
            Self::Bn254(k) => PreparedKey::Bn254(Arc::new(k.prepare())),
        }
    }

    /// The record a registration writes.
    pub fn record(&self, creator: String, height: u64) -> pb::VerifyingKeyRecord {
        pb::VerifyingKeyRecord {
            vk_id: self.id(),
            vk: self.vk_bytes(),
            creator,
            public_inputs: self.public_inputs() as u32,
            height,
            curve: self.curve().to_proto(),
            commitments: self.commitments_proto(),
        }
    }

    /// The key a stored record holds.
    pub fn from_record(record: &pb::VerifyingKeyRecord) -> Result<Self, Error> {
        Self::decode(CurveId::from_proto(record.curve)?, &record.vk, record.commitments.as_ref())
    }
}
