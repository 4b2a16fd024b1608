//! The `zkverify` section of `app_state`: params, registered keys and verified-proof
//! records (so export → init loses nothing). Bytes are lowercase hex.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use veritas_framework::{Address, Error};
use veritas_proto::zkverify::v1 as pb;

use crate::encoding::{check_id, decode_public_input, decode_verifying_key, verifying_key_bytes, verifying_key_id};
use crate::errors;
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
    /// Compressed canonical arkworks bytes, hex.
    pub vk: String,
    #[serde(default)]
    pub creator: String,
    #[serde(default)]
    pub height: u64,
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
            let vk = decode_verifying_key(&hex_field(&key.vk, &what)?).map_err(|e| e.context(&what))?;
            let canonical = verifying_key_bytes(&vk);
            let vk_id = verifying_key_id(&canonical);
            if !key.vk_id.is_empty() && key.vk_id != vk_id {
                return Err(errors::invalid_params(format!("{what}: vk_id {} but the key's id is {vk_id}", key.vk_id)));
            }
            let inputs = vk.gamma_abc_g1.len() - 1;
            if inputs > state.params.max_public_inputs as usize {
                return Err(errors::too_many_inputs(format!(
                    "{what}: {inputs} public inputs exceed max_public_inputs"
                )));
            }
            check_address(&key.creator, &format!("{what}.creator"))?;
            let record = pb::VerifyingKeyRecord {
                vk_id: vk_id.clone(),
                vk: canonical,
                creator: key.creator.clone(),
                public_inputs: inputs as u32,
                height: key.height,
            };
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
                .map(|(j, x)| {
                    let bytes = hex_field(x, &format!("{what}.public_inputs[{j}]"))?;
                    decode_public_input(&bytes, j).map_err(|e| e.context(&what))?;
                    Ok(bytes)
                })
                .collect::<Result<Vec<_>, Error>>()?;
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
                .map(|k| GenesisKey { vk_id: k.vk_id, vk: hex::encode(k.vk), creator: k.creator, height: k.height })
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
