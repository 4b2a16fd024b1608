//! The `zkverify` section of `app_state`: params, registered keys and verified-proof
//! records (so export → init loses nothing). Bytes are lowercase hex.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use veritas_framework::{Address, Error};
use veritas_proto::zkverify::v1 as pb;

use crate::curves::CurveId;
use crate::encoding::{check_id, check_public_inputs};
use crate::errors;
use crate::key::AnyKey;
use crate::params::Params;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub verifying_keys: Vec<GenesisKey>,
    #[serde(default)]
    pub verified_proofs: Vec<GenesisProof>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisKey {
    /// Optional; if given it must equal the id computed from `vk`.
    #[serde(default)]
    pub vk_id: String,
    /// Compressed canonical arkworks bytes (of `curve`), hex.
    pub vk: String,
    #[serde(default)]
    pub creator: String,
    #[serde(default)]
    pub height: u64,
    /// `bls12-381` (the default) or `bn254`.
    #[serde(default = "default_curve")]
    pub curve: String,
    /// gnark's commitment extension, for keys that use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitments: Option<GenesisCommitments>,
}

fn default_curve() -> String {
    CurveId::Bls12_381.name().to_owned()
}

/// gnark's commitment extension of a genesis key (points: compressed canonical bytes, hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisCommitments {
    pub g: String,
    pub keys: Vec<GenesisCommitmentKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisCommitmentKey {
    pub committed: Vec<u32>,
    pub g_sigma_neg: String,
}

impl GenesisCommitments {
    fn to_proto(&self, what: &str) -> Result<pb::Commitments, Error> {
        Ok(pb::Commitments {
            g: hex_field(&self.g, &format!("{what}.commitments.g"))?,
            keys: self
                .keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    Ok(pb::CommitmentKey {
                        committed: k.committed.clone(),
                        g_sigma_neg: hex_field(&k.g_sigma_neg, &format!("{what}.commitments.keys[{i}].g_sigma_neg"))?,
                    })
                })
                .collect::<Result<_, Error>>()?,
        })
    }

    fn from_proto(c: &pb::Commitments) -> Self {
        Self {
            g: hex::encode(&c.g),
            keys: c
                .keys
                .iter()
                .map(|k| GenesisCommitmentKey {
                    committed: k.committed.clone(),
                    g_sigma_neg: hex::encode(&k.g_sigma_neg),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisProof {
    pub proof_id: String,
    pub vk_id: String,
    /// 32-byte little-endian scalars, hex.
    pub public_inputs: Vec<String>,
    pub submitter: String,
    #[serde(default)]
    pub height: u64,
}

/// A genesis section after every check, ready to write.
pub(crate) struct ValidGenesis {
    pub params: Params,
    pub keys: Vec<pb::VerifyingKeyRecord>,
    pub proofs: Vec<(String, pb::VerifiedProof)>,
}

fn hex_field(value: &str, what: &str) -> Result<Vec<u8>, Error> {
    hex::decode(value).map_err(|e| errors::invalid_params(format!("{what}: not hex: {e}")))
}

fn check_address(value: &str, what: &str) -> Result<(), Error> {
    if !value.is_empty() {
        Address::from_bech32(value).map_err(|e| e.context(what.to_owned()))?;
    }
    Ok(())
}

impl GenesisState {
    pub(crate) fn validated(value: &serde_json::Value) -> Result<ValidGenesis, Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| errors::invalid_params(format!("invalid zkverify genesis: {e}")))?;
        state.params.validate()?;
        let mut keys = BTreeMap::new();
        for (i, key) in state.verifying_keys.iter().enumerate() {
            let what = format!("verifying_keys[{i}]");
            let curve = CurveId::from_name(&key.curve).ok_or_else(|| {
                errors::invalid_params(format!("{what}.curve: {:?} is not bls12-381 or bn254", key.curve))
            })?;
            let commitments = key.commitments.as_ref().map(|c| c.to_proto(&what)).transpose()?;
            let decoded = AnyKey::decode(curve, &hex_field(&key.vk, &what)?, commitments.as_ref())
                .map_err(|e| e.context(&what))?;
            let vk_id = decoded.id();
            if !key.vk_id.is_empty() && key.vk_id != vk_id {
                return Err(errors::invalid_params(format!("{what}: vk_id {} but the key's id is {vk_id}", key.vk_id)));
            }
            let inputs = decoded.public_inputs();
            if inputs > state.params.max_public_inputs as usize {
                return Err(errors::too_many_inputs(format!(
                    "{what}: {inputs} public inputs exceed max_public_inputs"
                )));
            }
            check_address(&key.creator, &format!("{what}.creator"))?;
            let record = decoded.record(key.creator.clone(), key.height);
            if keys.insert(vk_id.clone(), record).is_some() {
                return Err(errors::duplicate_verifying_key(format!("{what}: key {vk_id} is listed twice")));
            }
        }
        let mut proofs = BTreeMap::new();
        for (i, proof) in state.verified_proofs.iter().enumerate() {
            let what = format!("verified_proofs[{i}]");
            check_id(&proof.proof_id, &format!("{what}.proof_id"))?;
            let key = keys.get(&proof.vk_id).ok_or_else(|| {
                errors::unknown_verifying_key(format!("{what}: vk_id {} is not among the genesis keys", proof.vk_id))
            })?;
            if key.public_inputs as usize != proof.public_inputs.len() {
                return Err(errors::wrong_input_count(format!(
                    "{what}: key {} has {} public inputs, the record {}",
                    proof.vk_id,
                    key.public_inputs,
                    proof.public_inputs.len()
                )));
            }
            let inputs = proof
                .public_inputs
                .iter()
                .enumerate()
                .map(|(j, x)| hex_field(x, &format!("{what}.public_inputs[{j}]")))
                .collect::<Result<Vec<_>, Error>>()?;
            let curve = CurveId::from_proto(key.curve)?;
            check_public_inputs(curve, &inputs).map_err(|e| e.context(&what))?;
            check_address(&proof.submitter, &format!("{what}.submitter"))?;
            let record = pb::VerifiedProof {
                vk_id: proof.vk_id.clone(),
                public_inputs: inputs,
                submitter: proof.submitter.clone(),
                height: proof.height,
            };
            if proofs.insert(proof.proof_id.clone(), record).is_some() {
                return Err(errors::proof_already_verified(format!(
                    "{what}: proof {} is listed twice",
                    proof.proof_id
                )));
            }
        }
        Ok(ValidGenesis {
            params: state.params,
            keys: keys.into_values().collect(),
            proofs: proofs.into_iter().collect(),
        })
    }

    pub(crate) fn from_records(
        params: Params,
        keys: Vec<pb::VerifyingKeyRecord>,
        proofs: Vec<(String, pb::VerifiedProof)>,
    ) -> Self {
        Self {
            params,
            verifying_keys: keys
                .into_iter()
                .map(|k| GenesisKey {
                    curve: CurveId::from_proto(k.curve).map_or_else(|_| k.curve.to_string(), |c| c.name().to_owned()),
                    commitments: k.commitments.as_ref().map(GenesisCommitments::from_proto),
                    vk_id: k.vk_id,
                    vk: hex::encode(k.vk),
                    creator: k.creator,
                    height: k.height,
                })
                .collect(),
            verified_proofs: proofs
                .into_iter()
                .map(|(proof_id, p)| GenesisProof {
                    proof_id,
                    vk_id: p.vk_id,
                    public_inputs: p.public_inputs.iter().map(hex::encode).collect(),
                    submitter: p.submitter,
                    height: p.height,
                })
                .collect(),
        }
    }
}
