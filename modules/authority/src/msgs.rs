//! `MsgUpdateAuthority`: decoded and checked once, then delivered.

use prost::{Message, Name};
use veritas_framework::{sdk, Address, Authority as _, Context, DecodedMsg, Error, Msg, MsgResponse};
use veritas_proto::authority::v1 as pb;

use crate::{errors, events, AuthorityKeeper};

/// A hand-over after stateless checks.
pub(crate) struct UpdateAuthority {
    current: Address,
    new: Address,
}

pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    if msg.type_url != pb::MSG_UPDATE_AUTHORITY {
        return Err(sdk::unknown_request(format!("authority handles no message {}", msg.type_url)));
    }
    let m = pb::MsgUpdateAuthority::decode(msg.value)
        .map_err(|e| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url)))?;
    let current = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
    let new = Address::from_bech32(&m.new_authority).map_err(|e| e.context("new_authority"))?;
    if current == new {
        return Err(errors::invalid_request("new_authority is already the authority"));
    }
    Ok(DecodedMsg::new(msg.type_url, vec![current.clone()], UpdateAuthority { current, new }))
}

pub(crate) fn deliver(keeper: &AuthorityKeeper, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
    let m: &UpdateAuthority = msg.value()?;
    keeper.ensure_authority(ctx, &m.current)?;
    keeper.set_authority(ctx, &m.new)?;
    ctx.emit(events::update_authority(&m.current.to_bech32(), &m.new.to_bech32()));
    Ok(MsgResponse {
        type_url: format!("/{}", pb::MsgUpdateAuthorityResponse::full_name()),
        value: pb::MsgUpdateAuthorityResponse {}.encode_to_vec(),
    })
}
