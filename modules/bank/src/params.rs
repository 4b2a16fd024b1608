//! bank's params (the Cosmos SDK's `x/bank` Params) and the authority's
//! `/cosmos.bank.v1beta1.MsgUpdateParams`.

use cosmos_sdk_proto::cosmos::bank::v1beta1 as sdkbank;
use prost::{Message, Name};
use serde::{Deserialize, Serialize};
use veritas_framework::{params_updated_event, sdk, Address, Authority, Context, DecodedMsg, Error, Msg, MsgResponse};

use crate::BankKeeper;

pub const MSG_UPDATE_PARAMS: &str = "/cosmos.bank.v1beta1.MsgUpdateParams";

/// What the SDK's bank Params still holds: whether coins may be sent at all. (Per-denom
/// `send_enabled` left Params in SDK 0.47; as there, a message carrying it is refused.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// `false` stops every MsgSend and MsgMultiSend (fees and IBC still move coins).
    pub default_send_enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self { default_send_enabled: true }
    }
}

impl Params {
    pub(crate) fn is_default(&self) -> bool {
        *self == Self::default()
    }

    #[allow(deprecated)] // send_enabled is deprecated in the SDK's Params; we send none.
    pub fn to_proto(self) -> sdkbank::Params {
        sdkbank::Params { send_enabled: vec![], default_send_enabled: self.default_send_enabled }
    }
}

/// A params update after stateless checks.
pub(crate) struct UpdateParams {
    authority: Address,
    params: Params,
}

pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    let m = sdkbank::MsgUpdateParams::decode(msg.value)
        .map_err(|e| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url)))?;
    let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
    let p = m.params.ok_or_else(|| sdk::invalid_request("params are required"))?;
    #[allow(deprecated)]
    if !p.send_enabled.is_empty() {
        return Err(sdk::invalid_request("use of send_enabled in params is no longer supported"));
    }
    let params = Params { default_send_enabled: p.default_send_enabled };
    Ok(DecodedMsg::new(msg.type_url, vec![authority.clone()], UpdateParams { authority, params }))
}

pub(crate) fn deliver(
    keeper: &BankKeeper,
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &DecodedMsg,
) -> Result<MsgResponse, Error> {
    let m: &UpdateParams = msg.value()?;
    authority.ensure_authority(ctx, &m.authority)?;
    keeper.set_params(ctx, &m.params)?;
    let json = serde_json::to_value(m.params).map_err(|e| sdk::internal(e.to_string()))?;
    ctx.emit(params_updated_event(crate::NAME, &json));
    Ok(MsgResponse {
        type_url: format!("/{}", sdkbank::MsgUpdateParamsResponse::full_name()),
        value: sdkbank::MsgUpdateParamsResponse {}.encode_to_vec(),
    })
}
