//! The only door to the `upgrade` substore.
//!
//! Layout: `plan` → the scheduled plan (`cosmos.upgrade.v1beta1.Plan`, protobuf; absent
//! when none is); `done/<name>` → the block height plan `name` was applied at (u64,
//! big-endian).

use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;
use veritas_framework::{sdk, Context, Error, StoreKey, StoreRead};

use crate::Plan;

/// Private: every read and write of the `upgrade` substore goes through the keeper.
const STORE_KEY: StoreKey = StoreKey::new(crate::NAME);
const PLAN_KEY: &[u8] = b"plan";
const DONE_PREFIX: &[u8] = b"done/";

fn done_key(name: &str) -> Vec<u8> {
    [DONE_PREFIX, name.as_bytes()].concat()
}

fn decode_height(raw: &[u8]) -> Result<u64, Error> {
    <[u8; 8]>::try_from(raw)
        .map(u64::from_be_bytes)
        .map_err(|_| sdk::internal("corrupt applied upgrade height in state"))
}

/// Reads and changes the scheduled plan and the record of applied ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct UpgradeKeeper;

impl UpgradeKeeper {
    pub(crate) fn store_key() -> StoreKey {
        STORE_KEY
    }

    /// The scheduled plan, if any.
    pub fn plan(&self, kv: &mut impl StoreRead) -> Result<Option<Plan>, Error> {
        let Some(raw) = kv.get(PLAN_KEY)? else { return Ok(None) };
        let proto = pb::Plan::decode(raw.as_slice())
            .map_err(|e| sdk::internal(format!("corrupt upgrade plan in state: {e}")))?;
        Plan::from_proto(&proto).map(Some).map_err(|e| sdk::internal(format!("corrupt upgrade plan in state: {e}")))
    }

    /// Schedules `plan`, replacing any scheduled one.
    pub(crate) fn set_plan(&self, ctx: &mut Context<'_>, plan: &Plan) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(PLAN_KEY.to_vec(), plan.to_proto().encode_to_vec())
    }

    /// Deletes the scheduled plan (nothing if none is).
    pub(crate) fn clear_plan(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).delete(PLAN_KEY.to_vec())
    }

    /// The block height plan `name` was applied at, if it was.
    pub fn applied_height(&self, kv: &mut impl StoreRead, name: &str) -> Result<Option<u64>, Error> {
        kv.get(&done_key(name))?.map(|raw| decode_height(&raw)).transpose()
    }

    /// Records plan `name` as applied at block `height`.
    pub(crate) fn set_applied(&self, ctx: &mut Context<'_>, name: &str, height: u64) -> Result<(), Error> {
        ctx.kv(&STORE_KEY).set(done_key(name), height.to_be_bytes().to_vec())
    }

    /// Every applied plan with its height, in name order.
    pub fn applied(&self, kv: &mut impl StoreRead) -> Result<Vec<(String, u64)>, Error> {
        kv.scan_all(DONE_PREFIX)?
            .into_iter()
            .map(|(key, raw)| {
                let name = String::from_utf8(key[DONE_PREFIX.len()..].to_vec())
                    .map_err(|_| sdk::internal("corrupt applied upgrade name in state"))?;
                Ok((name, decode_height(&raw)?))
            })
            .collect()
    }

    /// The plan applied last (the highest height; of several at one height, the last
    /// by name), if any was.
    pub fn last_applied(&self, kv: &mut impl StoreRead) -> Result<Option<(String, u64)>, Error> {
        Ok(self.applied(kv)?.into_iter().max_by(|(a, ha), (b, hb)| ha.cmp(hb).then_with(|| a.cmp(b))))
    }
}
