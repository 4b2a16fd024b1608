//! An upgrade plan and its checks, shared by messages, genesis and the CLI.
//!
//! The name becomes a directory, `cosmovisor/upgrades/<name>` (lower-cased by
//! cosmovisor), so it must be usable as one path component.

use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use serde::{Deserialize, Serialize};
use veritas_framework::Error;

use crate::errors;

/// The longest plan name, in bytes.
pub const MAX_NAME_LEN: usize = 140;
/// The longest plan info, in bytes (10 KiB: enough for cosmovisor's binaries JSON).
pub const MAX_INFO_LEN: usize = 10 * 1024;

/// Go's zero `time.Time` as a protobuf timestamp (0001-01-01T00:00:00Z): what Go clients
/// send for an unset plan time (gogoproto `stdtime`, not nullable).
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// A checked upgrade plan: apply `name` when block `height` begins. `info` is free text
/// for operators and cosmovisor (often a JSON of binaries to download).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub name: String,
    pub height: u64,
    #[serde(default)]
    pub info: String,
}

/// A plan name: non-empty, at most [`MAX_NAME_LEN`] bytes, one safe path component (no
/// `/` or `\`, not `.` or `..`, no control characters, no leading or trailing space).
pub fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(errors::invalid_plan("plan name cannot be empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(errors::invalid_plan(format!("plan name is {} bytes, at most {MAX_NAME_LEN}", name.len())));
    }
    if name == "." || name == ".." {
        return Err(errors::invalid_plan(format!("plan name {name:?} is not a directory name")));
    }
    if name.contains(['/', '\\']) {
        return Err(errors::invalid_plan(format!(
            "plan name {name:?} holds a path separator (it names the directory cosmovisor/upgrades/<name>)"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(errors::invalid_plan(format!("plan name {name:?} holds control characters")));
    }
    if name.trim() != name {
        return Err(errors::invalid_plan(format!("plan name {name:?} starts or ends with white space")));
    }
    Ok(())
}

/// A plan height: positive and within protobuf's int64.
pub fn check_height(height: u64) -> Result<(), Error> {
    if height == 0 || i64::try_from(height).is_err() {
        return Err(errors::invalid_plan(format!("plan height {height} must be 1 to {}", i64::MAX)));
    }
    Ok(())
}

/// Plan info: at most [`MAX_INFO_LEN`] bytes.
pub fn check_info(info: &str) -> Result<(), Error> {
    if info.len() > MAX_INFO_LEN {
        return Err(errors::invalid_plan(format!("plan info is {} bytes, at most {MAX_INFO_LEN}", info.len())));
    }
    Ok(())
}

impl Plan {
    /// Every stateless check of a plan.
    pub fn validate(&self) -> Result<(), Error> {
        check_name(&self.name)?;
        check_height(self.height)?;
        check_info(&self.info)
    }

    /// A message's plan, checked as the SDK's `Plan.ValidateBasic` (plus the name, height
    /// and info limits above). The time must be unset (absent, the Unix epoch or Go's zero
    /// time: time-based upgrades are gone from the SDK) and there must be no upgraded
    /// client state (IBC client upgrades belong to the ibc module).
    #[allow(deprecated)] // `time` and `upgraded_client_state`: checked unset.
    pub fn from_proto(p: &pb::Plan) -> Result<Self, Error> {
        if let Some(t) = &p.time {
            let unset = t.nanos == 0 && (t.seconds == 0 || t.seconds == GO_ZERO_TIME_SECONDS);
            if !unset {
                return Err(errors::invalid_plan("time-based upgrades have been deprecated in the SDK; give a height"));
            }
        }
        if p.upgraded_client_state.is_some() {
            return Err(errors::invalid_plan("upgrade logic for IBC has been moved to the IBC module"));
        }
        let height = u64::try_from(p.height)
            .map_err(|_| errors::invalid_plan(format!("plan height {} must be greater than 0", p.height)))?;
        let plan = Self { name: p.name.clone(), height, info: p.info.clone() };
        plan.validate()?;
        Ok(plan)
    }

    /// The SDK's form (no time, no client state).
    #[allow(deprecated)] // `time` and `upgraded_client_state`: left unset.
    pub fn to_proto(&self) -> pb::Plan {
        pb::Plan {
            name: self.name.clone(),
            time: None,
            height: self.height as i64,
            info: self.info.clone(),
            upgraded_client_state: None,
        }
    }

    /// What the SDK logs and halts with when a binary cannot apply this plan.
    pub fn upgrade_needed_message(&self) -> String {
        format!("UPGRADE \"{}\" NEEDED at height: {}: {}", self.name, self.height, self.info)
    }

    /// What the SDK logs and halts with when a binary that can apply this plan starts
    /// before its height.
    pub fn binary_updated_before_trigger_message(&self) -> String {
        format!(
            "BINARY UPDATED BEFORE TRIGGER! UPGRADE \"{}\" - in binary but not executed on chain. Downgrade your binary",
            self.name
        )
    }
}
