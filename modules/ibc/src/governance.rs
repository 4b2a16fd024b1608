//! `/veritas.ibc.v1.MsgUpdateParams`: the authority replaces the module's params.

use prost::{Message, Name};
use veritas_framework::{params_updated_event, sdk, Address, Authority, Context, DecodedMsg, Error, Msg, MsgResponse};
use veritas_proto::ibc::v1 as pb;

use crate::errors;
use crate::keeper::{IbcKeeper, Params};

pub use pb::MSG_UPDATE_PARAMS;

/// A params update after stateless checks.
pub(crate) struct UpdateParams {
    authority: Address,
    params: Params,
}

pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    let m = pb::MsgUpdateParams::decode(msg.value)
        .map_err(|e| errors::invalid_message(format!("cannot decode {}: {e}", msg.type_url)))?;
    let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
    let params = from_proto(&m.params.ok_or_else(|| errors::invalid_message("params are required"))?);
    params.validate()?;
    Ok(DecodedMsg::new(msg.type_url, vec![authority.clone()], UpdateParams { authority, params }))
}

pub(crate) fn deliver(
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &DecodedMsg,
) -> Result<MsgResponse, Error> {
    let m: &UpdateParams = msg.value()?;
    authority.ensure_authority(ctx, &m.authority)?;
    IbcKeeper::set_params(ctx, &m.params)?;
    let json = serde_json::to_value(to_proto_json(&m.params)).map_err(|e| sdk::internal(e.to_string()))?;
    ctx.emit(params_updated_event(crate::NAME, &json));
    Ok(MsgResponse {
        type_url: format!("/{}", pb::MsgUpdateParamsResponse::full_name()),
        value: pb::MsgUpdateParamsResponse {}.encode_to_vec(),
    })
}

/// The params as JSON, every field shown (the stored form omits a default unbonding period).
fn to_proto_json(p: &Params) -> serde_json::Value {
    serde_json::json!({
        "historical_entries": p.historical_entries,
        "max_expected_time_per_block_secs": p.max_expected_time_per_block_secs,
        "unbonding_period_secs": p.unbonding_period_secs,
    })
}

pub(crate) fn from_proto(p: &pb::Params) -> Params {
    Params {
        historical_entries: p.historical_entries,
        max_expected_time_per_block_secs: p.max_expected_time_per_block_secs,
        unbonding_period_secs: p.unbonding_period_secs,
    }
}

pub(crate) fn to_proto(p: &Params) -> pb::Params {
    pb::Params {
        historical_entries: p.historical_entries,
        max_expected_time_per_block_secs: p.max_expected_time_per_block_secs,
        unbonding_period_secs: p.unbonding_period_secs,
    }
}
