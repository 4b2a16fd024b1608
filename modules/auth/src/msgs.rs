//! `/cosmos.auth.v1beta1.MsgUpdateParams`: the authority replaces the SDK's auth params.
//! `min_gas_prices` (Veritas' own, not in the SDK message) keeps its value.

use cosmos_sdk_proto::cosmos::auth::v1beta1::{MsgUpdateParams, MsgUpdateParamsResponse};
use prost::{Message, Name};
use veritas_framework::{params_updated_event, sdk, Address, Authority, Context, DecodedMsg, Error, Msg, MsgResponse};

use crate::{AccountKeeper, Params};

pub const MSG_UPDATE_PARAMS: &str = "/cosmos.auth.v1beta1.MsgUpdateParams";

/// A params update after stateless checks (every SDK field, `min_gas_prices` empty).
pub(crate) struct UpdateParams {
    authority: Address,
    params: Params,
}

pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    if msg.type_url != MSG_UPDATE_PARAMS {
        return Err(sdk::unknown_request(format!("auth handles no message {}", msg.type_url)));
    }
    let m = MsgUpdateParams::decode(msg.value)
        .map_err(|e| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url)))?;
    let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
    let p = m.params.ok_or_else(|| sdk::invalid_request("params are required"))?;
    // Veritas has no ed25519 accounts, so sig_verify_cost_ed25519 prices nothing; it is
    // accepted (tools send back what `Query/Params` showed) and not stored.
    let params = Params {
        max_memo_characters: p.max_memo_characters,
        tx_sig_limit: p.tx_sig_limit,
        tx_size_cost_per_byte: p.tx_size_cost_per_byte,
        sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
        min_gas_prices: String::new(),
    };
    params.validate()?;
    Ok(DecodedMsg::new(msg.type_url, vec![authority.clone()], UpdateParams { authority, params }))
}

pub(crate) fn deliver(
    keeper: &AccountKeeper,
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &DecodedMsg,
) -> Result<MsgResponse, Error> {
    let m: &UpdateParams = msg.value()?;
    authority.ensure_authority(ctx, &m.authority)?;
    let current = keeper.params(ctx)?;
    let params = Params { min_gas_prices: current.min_gas_prices, ..m.params.clone() };
    keeper.set_params(ctx, &params)?;
    let json = serde_json::to_value(&params).map_err(|e| sdk::internal(e.to_string()))?;
    ctx.emit(params_updated_event(crate::NAME, &json));
    Ok(MsgResponse {
        type_url: format!("/{}", MsgUpdateParamsResponse::full_name()),
        value: MsgUpdateParamsResponse {}.encode_to_vec(),
    })
}
