//! The `poa` section of `app_state`: the validator set the chain starts with,
//! `{"validators": [{"pub_key": "<base64>", "power": 10, "moniker": "node0"}]}`.
//! Empty (the default): the chain adopts CometBFT's genesis validators at InitChain.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use veritas_framework::{Error, ValidatorUpdate, MAX_TOTAL_VOTING_POWER};
use veritas_proto::poa::v1 as pb;

use crate::errors;
use crate::pubkey::{self, check_moniker, check_power, check_pub_key, PUB_KEY_LEN};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
}

/// One genesis validator; its address follows from its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    /// The ed25519 consensus key, standard base64 of its 32 bytes (what
    /// `cometbft show-validator` prints as `value`).
    pub pub_key: String,
    pub power: i64,
    #[serde(default)]
    pub moniker: String,
}

impl GenesisState {
    /// Parses and checks a genesis section: the validators, in key order.
    pub(crate) fn validated(genesis: &serde_json::Value) -> Result<Vec<pb::Validator>, Error> {
        let state: GenesisState = serde_json::from_value(genesis.clone())
            .map_err(|e| errors::invalid_genesis(format!("invalid poa genesis: {e}")))?;
        let mut set = Vec::with_capacity(state.validators.len());
        for (i, v) in state.validators.iter().enumerate() {
            let what = format!("poa genesis validators[{i}]");
            let raw = base64::engine::general_purpose::STANDARD
                .decode(&v.pub_key)
                .map_err(|e| errors::invalid_pub_key(format!("{what}.pub_key: not base64: {e}")))?;
            let key = check_pub_key(&raw).map_err(|e| e.context(format!("{what}.pub_key")))?;
            check_power(v.power).map_err(|e| e.context(&what))?;
            check_moniker(&v.moniker).map_err(|e| e.context(&what))?;
            set.push((key, v.power, v.moniker.clone()));
        }
        checked_set(set, "poa genesis")
    }

    /// The genesis section of a validator set.
    pub(crate) fn from_validators(set: &[pb::Validator]) -> Self {
        Self {
            validators: set
                .iter()
                .map(|v| GenesisValidator {
                    pub_key: base64::engine::general_purpose::STANDARD.encode(&v.pub_key),
                    power: v.power,
                    moniker: v.moniker.clone(),
                })
                .collect(),
        }
    }
}

/// CometBFT's genesis validators as a set to adopt (monikers empty), checked as the
/// module's own genesis is.
pub(crate) fn adopt(updates: &[ValidatorUpdate]) -> Result<Vec<pb::Validator>, Error> {
    let mut set = Vec::with_capacity(updates.len());
    for (i, u) in updates.iter().enumerate() {
        let what = format!("CometBFT genesis validators[{i}]");
        let key = check_pub_key(&u.ed25519_pub_key).map_err(|e| e.context(&what))?;
        check_power(u.power).map_err(|e| e.context(&what))?;
        set.push((key, u.power, String::new()));
    }
    checked_set(set, "CometBFT genesis")
}

/// A set without duplicate keys and within the total power limit, in key order.
fn checked_set(entries: Vec<([u8; PUB_KEY_LEN], i64, String)>, what: &str) -> Result<Vec<pb::Validator>, Error> {
    let mut by_key = BTreeMap::new();
    let mut total: i128 = 0;
    for (key, power, moniker) in entries {
        total += i128::from(power);
        let address = pubkey::address_hex(&key);
        let validator = pb::Validator { pub_key: key.to_vec(), power, moniker, address };
        if by_key.insert(key, validator).is_some() {
            return Err(errors::invalid_genesis(format!(
                "{what}: validator {} is listed twice",
                pubkey::address_hex(&key)
            )));
        }
    }
    if total > i128::from(MAX_TOTAL_VOTING_POWER) {
        return Err(errors::total_power_exceeded(format!(
            "{what}: total voting power {total} is above CometBFT's limit {MAX_TOTAL_VOTING_POWER}"
        )));
    }
    Ok(by_key.into_values().collect())
}
