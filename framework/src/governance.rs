//! What governed modules share: the chain's authority (who may change params, the
//! validator set and upgrades) and validator-set changes handed to CometBFT.

use crate::{Address, Context, Error};

/// The chain's authority, as the `authority` module keeps it. Modules with governed
/// messages (`MsgUpdateParams`, validator changes, upgrade plans) get one at
/// construction and ask it before they act.
pub trait Authority: Send + Sync {
    /// `Ok` if `claimed` (a message's `authority` field, which its signer must be) is the
    /// chain's authority; otherwise the authority module's "invalid authority" error.
    fn ensure_authority(&self, ctx: &mut Context<'_>, claimed: &Address) -> Result<(), Error>;
}

/// The largest total voting power CometBFT accepts (`MaxTotalVotingPower`, i64::MAX / 8).
pub const MAX_TOTAL_VOTING_POWER: i64 = i64::MAX / 8;

/// A change to CometBFT's validator set: an ed25519 consensus key and its new voting
/// power (0 removes the validator).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValidatorUpdate {
    pub ed25519_pub_key: [u8; 32],
    pub power: i64,
}

/// The event every governed params change emits: the module and its new params (JSON).
pub fn params_updated_event(module: &str, params: &serde_json::Value) -> crate::Event {
    crate::Event::new("update_params").attr("module", module).attr("params", params.to_string())
}
