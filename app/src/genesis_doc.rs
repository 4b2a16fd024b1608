//! The CometBFT genesis document as the node reads it: JSON, a chain id CometBFT
//! accepts, a positive initial height, and an `app_state` every module validates.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;

use crate::modules::module_set;

pub fn read_genesis(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read genesis file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// The chain id of a genesis document.
pub fn chain_id(genesis: &Value) -> anyhow::Result<&str> {
    let id = genesis["chain_id"].as_str().ok_or_else(|| anyhow::anyhow!("chain_id is missing"))?;
    // CometBFT's own limit.
    if id.is_empty() || id.len() > 50 {
        anyhow::bail!("chain_id {id:?} must be 1 to 50 characters");
    }
    Ok(id)
}

pub fn validate(genesis: &Value) -> anyhow::Result<()> {
    chain_id(genesis)?;
    if let Some(h) = genesis.get("initial_height") {
        let ok = match h {
            Value::String(s) => s.parse::<u64>().is_ok_and(|v| v >= 1),
            Value::Number(n) => n.as_u64().is_some_and(|v| v >= 1),
            _ => false,
        };
        if !ok {
            anyhow::bail!("initial_height {h} must be a positive integer");
        }
    }
    let app_state = genesis.get("app_state").cloned().unwrap_or(Value::Object(Default::default()));
    module_set().validate_genesis(&app_state).map_err(|e| anyhow::anyhow!("app_state: {}", e.log()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn genesis_checks_name_the_problem() {
        let defaults = module_set().default_genesis();
        validate(&json!({ "chain_id": "veritas-local-1", "app_state": defaults })).unwrap();
        assert!(validate(&json!({ "chain_id": "veritas-local-1", "app_state": {} }))
            .unwrap_err()
            .to_string()
            .contains("no section"));
        let err = validate(&json!({ "app_state": {} })).unwrap_err().to_string();
        assert!(err.contains("chain_id"), "{err}");
        let err = validate(&json!({ "chain_id": "x", "initial_height": "0" })).unwrap_err().to_string();
        assert!(err.contains("initial_height"), "{err}");
        let err = validate(&json!({ "chain_id": "x", "app_state": { "nosuch": {} } })).unwrap_err().to_string();
        assert!(err.contains("nosuch"), "{err}");
    }
}
