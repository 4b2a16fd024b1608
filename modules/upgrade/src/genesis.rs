//! The `upgrade` section of `app_state`: the scheduled plan and the applied ones,
//! `{"plan": null | {"name": "v2", "height": 100, "info": ""}, "applied": [{"name": "v1",
//! "height": 50}]}`. Heights are JSON numbers. Default: no plan, nothing applied.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use veritas_framework::Error;

use crate::plan::{check_height, check_name};
use crate::{errors, Plan};

/// The module's genesis section (its JSON is shown in this file's module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    /// The scheduled plan, if any.
    #[serde(default)]
    pub plan: Option<Plan>,
    /// Every applied plan, in name order on export.
    #[serde(default)]
    pub applied: Vec<AppliedUpgrade>,
}

/// A plan applied at block `height` (its name cannot be scheduled again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliedUpgrade {
    pub name: String,
    pub height: u64,
}

impl GenesisState {
    /// Parses and checks a genesis section: a valid plan, valid applied names and heights,
    /// no name applied twice, and a plan whose name was not applied.
    pub fn validated(genesis: &Value) -> Result<Self, Error> {
        let state: GenesisState = serde_json::from_value(genesis.clone())
            .map_err(|e| errors::invalid_genesis(format!("invalid upgrade genesis: {e}")))?;
        let mut names = BTreeSet::new();
        for (i, a) in state.applied.iter().enumerate() {
            let what = format!("upgrade genesis applied[{i}]");
            check_name(&a.name).map_err(|e| e.context(&what))?;
            check_height(a.height).map_err(|e| e.context(&what))?;
            if !names.insert(a.name.as_str()) {
                return Err(errors::invalid_genesis(format!("{what}: upgrade {:?} is listed twice", a.name)));
            }
        }
        if let Some(plan) = &state.plan {
            plan.validate().map_err(|e| e.context("upgrade genesis plan"))?;
            if names.contains(plan.name.as_str()) {
                return Err(errors::invalid_genesis(format!(
                    "upgrade genesis plan: upgrade {:?} is already applied",
                    plan.name
                )));
            }
        }
        Ok(state)
    }
}
