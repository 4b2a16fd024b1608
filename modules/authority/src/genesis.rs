//! The module's genesis section: `{"authority": "veritas1..."}` (empty: no authority).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use veritas_framework::{Address, Error};

use crate::errors;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    /// The bech32 address that governs the chain; empty for a chain nobody governs.
    #[serde(default)]
    pub authority: String,
}

impl GenesisState {
    /// Parses and checks a genesis section; the authority, if any.
    pub fn validated(genesis: &Value) -> Result<Option<Address>, Error> {
        let state: GenesisState = serde_json::from_value(genesis.clone())
            .map_err(|e| errors::invalid_request(format!("invalid authority genesis: {e}")))?;
        if state.authority.is_empty() {
            return Ok(None);
        }
        Address::from_bech32(&state.authority).map(Some).map_err(|e| e.context("authority"))
    }
}
