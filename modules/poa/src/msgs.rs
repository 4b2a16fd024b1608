//! `MsgSetValidator` and `MsgRemoveValidator`: decoded and checked once (authority
//! address, key, power, moniker), then delivered under the keeper's per-block rails.

use prost::{Message, Name};
use veritas_framework::{sdk, Address, Authority, Context, DecodedMsg, Error, Msg, MsgResponse};
use veritas_proto::poa::v1 as pb;

use crate::pubkey::{check_moniker, check_power, check_pub_key, PUB_KEY_LEN};
use crate::{events, PoaKeeper};

/// A poa message after stateless checks.
pub(crate) enum PoaMsg {
    Set { authority: Address, pub_key: [u8; PUB_KEY_LEN], power: i64, moniker: String },
    Remove { authority: Address, pub_key: [u8; PUB_KEY_LEN] },
}

impl PoaMsg {
    fn authority(&self) -> &Address {
        match self {
            PoaMsg::Set { authority, .. } | PoaMsg::Remove { authority, .. } => authority,
        }
    }
}

fn decode_proto<M: Message + Default>(msg: &Msg<'_>) -> Result<M, Error> {
    M::decode(msg.value).map_err(|e| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url)))
}

/// Decodes a poa message and runs its stateless checks; its one signer is its authority.
pub(crate) fn decode(msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
    let parsed = match msg.type_url {
        pb::MSG_SET_VALIDATOR => {
            let m: pb::MsgSetValidator = decode_proto(msg)?;
            let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
            let pub_key = check_pub_key(&m.pub_key).map_err(|e| e.context("pub_key"))?;
            check_power(m.power)?;
            check_moniker(&m.moniker)?;
            PoaMsg::Set { authority, pub_key, power: m.power, moniker: m.moniker }
        }
        pb::MSG_REMOVE_VALIDATOR => {
            let m: pb::MsgRemoveValidator = decode_proto(msg)?;
            let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
            let pub_key = check_pub_key(&m.pub_key).map_err(|e| e.context("pub_key"))?;
            PoaMsg::Remove { authority, pub_key }
        }
        other => return Err(sdk::unknown_request(format!("poa handles no message {other}"))),
    };
    let signers = vec![parsed.authority().clone()];
    Ok(DecodedMsg::new(msg.type_url, signers, parsed))
}

/// Executes a decoded poa message: the authority first, then the keeper's rails.
pub(crate) fn deliver(
    keeper: &PoaKeeper,
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &DecodedMsg,
) -> Result<MsgResponse, Error> {
    let m: &PoaMsg = msg.value()?;
    authority.ensure_authority(ctx, m.authority())?;
    match m {
        PoaMsg::Set { pub_key, power, moniker, .. } => {
            let validator = keeper.set_validator(ctx, pub_key, *power, moniker)?;
            ctx.emit(events::set_validator(&validator));
            Ok(response(pb::MsgSetValidatorResponse {}))
        }
        PoaMsg::Remove { pub_key, .. } => {
            let validator = keeper.remove_validator(ctx, pub_key)?;
            ctx.emit(events::remove_validator(&validator));
            Ok(response(pb::MsgRemoveValidatorResponse {}))
        }
    }
}

fn response<M: Message + Name>(m: M) -> MsgResponse {
    MsgResponse { type_url: M::type_url(), value: m.encode_to_vec() }
}
