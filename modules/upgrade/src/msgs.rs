//! `MsgSoftwareUpgrade` and `MsgCancelUpgrade`, with the Cosmos SDK's type URLs and
//! types: decoded and checked once (authority address, plan), then delivered by the
//! chain's authority only.

use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::{Message, Name};
use veritas_framework::{sdk, Address, Authority, Context, DecodedMsg, Error, Msg, MsgResponse};

use crate::{errors, events, Plan, UpgradeKeeper};

/// Type URL of `MsgSoftwareUpgrade` (schedule a plan).
pub const MSG_SOFTWARE_UPGRADE: &str = "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade";
/// Type URL of `MsgCancelUpgrade` (cancel the scheduled plan).
pub const MSG_CANCEL_UPGRADE: &str = "/cosmos.upgrade.v1beta1.MsgCancelUpgrade";

/// An upgrade message after stateless checks.
pub(crate) enum UpgradeMsg {
    Schedule { authority: Address, plan: Plan },
    Cancel { authority: Address },
}

impl UpgradeMsg {
    fn authority(&self) -> &Address {
        match self {
            UpgradeMsg::Schedule { authority, .. } | UpgradeMsg::Cancel { authority } => authority,
        }
    }
}

fn decode_proto<M: Message + Default>(msg: &Msg<'_>) -> Result<M, Error> {
    M::decode(msg.value).map_err(|e| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url)))
}

/// Decodes an upgrade message and runs its stateless checks; its one signer is its
/// authority.
pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    let parsed = match msg.type_url {
        MSG_SOFTWARE_UPGRADE => {
            let m: pb::MsgSoftwareUpgrade = decode_proto(msg)?;
            let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
            let plan = m.plan.as_ref().ok_or_else(|| errors::invalid_plan("plan is required"))?;
            let plan = Plan::from_proto(plan).map_err(|e| e.context("plan"))?;
            UpgradeMsg::Schedule { authority, plan }
        }
        MSG_CANCEL_UPGRADE => {
            let m: pb::MsgCancelUpgrade = decode_proto(msg)?;
            let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
            UpgradeMsg::Cancel { authority }
        }
        other => return Err(sdk::unknown_request(format!("upgrade handles no message {other}"))),
    };
    let signers = vec![parsed.authority().clone()];
    Ok(DecodedMsg::new(msg.type_url, signers, parsed))
}

/// Executes a decoded upgrade message: the authority first, then the plan's stateful
/// checks (as the SDK's `ScheduleUpgrade`, but a plan must lie after the current block:
/// one at the current height could only run in the next block, at another height).
///
/// A new plan replaces a scheduled one. Cancelling with no plan scheduled succeeds and
/// deletes nothing, as in the SDK (its `cancel_upgrade` event then names no plan).
pub(crate) fn deliver(
    keeper: &UpgradeKeeper,
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &DecodedMsg,
) -> Result<MsgResponse, Error> {
    let m: &UpgradeMsg = msg.value()?;
    authority.ensure_authority(ctx, m.authority())?;
    match m {
        UpgradeMsg::Schedule { plan, .. } => {
            let height = ctx.block().height;
            if plan.height <= height {
                return Err(errors::scheduled_in_past(format!(
                    "upgrade cannot be scheduled in the past: plan height {} is not after the current block height {height}",
                    plan.height
                )));
            }
            if let Some(done) = keeper.applied_height(&mut ctx.kv(&UpgradeKeeper::store_key()), &plan.name)? {
                return Err(errors::already_applied(format!(
                    "upgrade with name {} has already been completed (at height {done})",
                    plan.name
                )));
            }
            keeper.set_plan(ctx, plan)?;
            ctx.emit(events::software_upgrade(plan));
            Ok(response(pb::MsgSoftwareUpgradeResponse {}))
        }
        UpgradeMsg::Cancel { .. } => {
            let cancelled = keeper.plan(&mut ctx.kv(&UpgradeKeeper::store_key()))?;
            if cancelled.is_some() {
                keeper.clear_plan(ctx)?;
            }
            ctx.emit(events::cancel_upgrade(cancelled.as_ref()));
            Ok(response(pb::MsgCancelUpgradeResponse {}))
        }
    }
}

fn response<M: Message + Name>(m: M) -> MsgResponse {
    MsgResponse { type_url: M::type_url(), value: m.encode_to_vec() }
}
