//! The Cosmos SDK's upgrade queries, protobuf in and out.
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;
use veritas_framework::{decode_request, sdk, Error, QueryContext};

use crate::UpgradeKeeper;

/// The scheduled plan (`plan` absent when none is).
pub const QUERY_CURRENT_PLAN: &str = "/cosmos.upgrade.v1beta1.Query/CurrentPlan";
/// The block height a plan was applied at (0 if it was not).
pub const QUERY_APPLIED_PLAN: &str = "/cosmos.upgrade.v1beta1.Query/AppliedPlan";

/// Every query path the module answers.
pub const PATHS: &[&str] = &[QUERY_CURRENT_PLAN, QUERY_APPLIED_PLAN];

/// Answers the query `path` with request `data` over committed state.
pub fn answer(keeper: &UpgradeKeeper, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    let mut kv = ctx.kv(&UpgradeKeeper::store_key());
    Ok(match path {
        QUERY_CURRENT_PLAN => {
            let _: pb::QueryCurrentPlanRequest = decode_request(data)?;
            let plan = keeper.plan(&mut kv)?;
            pb::QueryCurrentPlanResponse { plan: plan.map(|p| p.to_proto()) }.encode_to_vec()
        }
        QUERY_APPLIED_PLAN => {
            let r: pb::QueryAppliedPlanRequest = decode_request(data)?;
            let height = keeper.applied_height(&mut kv, &r.name)?.unwrap_or(0);
            pb::QueryAppliedPlanResponse { height: height as i64 }.encode_to_vec()
        }
        other => return Err(sdk::unknown_request(format!("upgrade answers no query {other}"))),
    })
}
