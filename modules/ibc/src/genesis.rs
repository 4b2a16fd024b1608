//! The `ibc` section of `app_state`: params, and (for export → init) the substore's
//! entries as hex key/value pairs.
use serde::{Deserialize, Serialize};
use veritas_framework::Error;

use crate::errors;
use crate::keeper::Params;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Raw `ibc` substore entries (clients, connections, channels, packets, traces),
    /// hex-encoded, as `export` writes them.
    #[serde(default)]
    pub entries: Vec<GenesisEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisEntry {
    pub key: String,
    pub value: String,
}

impl GenesisState {
    pub(crate) fn validated(value: &serde_json::Value) -> Result<(Params, Vec<(Vec<u8>, Vec<u8>)>), Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| errors::invalid_genesis(format!("invalid ibc genesis: {e}")))?;
        state.params.validate()?;
        let mut entries = Vec::with_capacity(state.entries.len());
        for (i, entry) in state.entries.iter().enumerate() {
            let key = hex::decode(&entry.key).map_err(|e| errors::invalid_genesis(format!("entries[{i}].key: {e}")))?;
            let value =
                hex::decode(&entry.value).map_err(|e| errors::invalid_genesis(format!("entries[{i}].value: {e}")))?;
            if key.is_empty() {
                return Err(errors::invalid_genesis(format!("entries[{i}]: empty key")));
            }
            entries.push((key, value));
        }
        entries.sort();
        if entries.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(errors::invalid_genesis("a key is listed twice"));
        }
        Ok((state.params, entries))
    }
}
