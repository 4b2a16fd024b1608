//! IBC messages from transactions: decoding by ibc-go type URL, signers, and execution
//! through ibc-rs (validate, then execute) inside the message's state overlay.

use std::str::FromStr;
use std::sync::Arc;

use crate::expected_keepers::Tokens;
use ibc::apps::transfer::handler::send_transfer;
use ibc::apps::transfer::types::msgs::transfer::MsgTransfer;
use ibc::apps::transfer::types::PrefixedDenom;
use ibc::core::channel::types::msgs::{ChannelMsg, PacketMsg};
use ibc::core::client::types::msgs::ClientMsg;
use ibc::core::connection::types::msgs::ConnectionMsg;
use ibc::core::entrypoint::{execute, validate};
use ibc::core::handler::types::msgs::MsgEnvelope;
use ibc::core::host::types::path::ReceiptPath;
use ibc::core::primitives::Signer;
use ibc::primitives::proto::Any;
use veritas_framework::{Address, Context, DecodedMsg, Error, Msg, MsgResponse};

use crate::host::{IbcHost, MessageState};
use crate::keeper::IbcKeeper;
use crate::transfer::{IbcRouter, TransferModule};
use crate::{errors, events};

/// Type URL of ICS-20's MsgTransfer.
pub const MSG_TRANSFER: &str = "/ibc.applications.transfer.v1.MsgTransfer";

/// Every IBC message type URL Veritas accepts (ibc-go's).
pub const TYPE_URLS: &[&str] = &[
    "/ibc.core.client.v1.MsgCreateClient",
    "/ibc.core.client.v1.MsgUpdateClient",
    "/ibc.core.client.v1.MsgUpgradeClient",
    "/ibc.core.client.v1.MsgSubmitMisbehaviour",
    "/ibc.core.connection.v1.MsgConnectionOpenInit",
    "/ibc.core.connection.v1.MsgConnectionOpenTry",
    "/ibc.core.connection.v1.MsgConnectionOpenAck",
    "/ibc.core.connection.v1.MsgConnectionOpenConfirm",
    "/ibc.core.channel.v1.MsgChannelOpenInit",
    "/ibc.core.channel.v1.MsgChannelOpenTry",
    "/ibc.core.channel.v1.MsgChannelOpenAck",
    "/ibc.core.channel.v1.MsgChannelOpenConfirm",
    "/ibc.core.channel.v1.MsgChannelCloseInit",
    "/ibc.core.channel.v1.MsgChannelCloseConfirm",
    "/ibc.core.channel.v1.MsgRecvPacket",
    "/ibc.core.channel.v1.MsgAcknowledgement",
    "/ibc.core.channel.v1.MsgTimeout",
    "/ibc.core.channel.v1.MsgTimeoutOnClose",
    MSG_TRANSFER,
    // Veritas' own, handled by `governance` (the module routes it there first).
    crate::governance::MSG_UPDATE_PARAMS,
];

/// A decoded IBC message.
pub(crate) enum IbcMsg {
    Core(Box<MsgEnvelope>),
    Transfer(Box<MsgTransfer>),
}

pub(crate) fn parse(msg: &Msg<'_>) -> Result<IbcMsg, Error> {
    let any = Any { type_url: msg.type_url.to_owned(), value: msg.value.to_vec() };
    let parsed = if msg.type_url == MSG_TRANSFER {
        MsgTransfer::try_from(any).map(|m| IbcMsg::Transfer(Box::new(m))).map_err(|e| e.to_string())
    } else {
        MsgEnvelope::try_from(any).map(|m| IbcMsg::Core(Box::new(m))).map_err(|e| e.to_string())
    };
    let parsed = parsed.map_err(|e| errors::invalid_message(format!("cannot decode {}: {e}", msg.type_url)))?;
    crate::client_checks::check(&parsed)?;
    Ok(parsed)
}

#[allow(deprecated)] // MsgSubmitMisbehaviour's signer is deprecated, not gone
fn signer_of(msg: &IbcMsg) -> &Signer {
    match msg {
        IbcMsg::Transfer(m) => &m.packet_data.sender,
        IbcMsg::Core(envelope) => match envelope.as_ref() {
            MsgEnvelope::Client(m) => match m {
                ClientMsg::CreateClient(m) => &m.signer,
                ClientMsg::UpdateClient(m) => &m.signer,
                ClientMsg::Misbehaviour(m) => &m.signer,
                ClientMsg::UpgradeClient(m) => &m.signer,
                ClientMsg::RecoverClient(m) => &m.signer,
            },
            MsgEnvelope::Connection(m) => match m {
                ConnectionMsg::OpenInit(m) => &m.signer,
                ConnectionMsg::OpenTry(m) => &m.signer,
                ConnectionMsg::OpenAck(m) => &m.signer,
                ConnectionMsg::OpenConfirm(m) => &m.signer,
            },
            MsgEnvelope::Channel(m) => match m {
                ChannelMsg::OpenInit(m) => &m.signer,
                ChannelMsg::OpenTry(m) => &m.signer,
                ChannelMsg::OpenAck(m) => &m.signer,
                ChannelMsg::OpenConfirm(m) => &m.signer,
                ChannelMsg::CloseInit(m) => &m.signer,
                ChannelMsg::CloseConfirm(m) => &m.signer,
            },
            MsgEnvelope::Packet(m) => match m {
                PacketMsg::Recv(m) => &m.signer,
                PacketMsg::Ack(m) => &m.signer,
                PacketMsg::Timeout(m) => &m.signer,
                PacketMsg::TimeoutOnClose(m) => &m.signer,
            },
        },
    }
}

/// The address that must sign: the message's `signer` (MsgTransfer's `sender`), which
/// ibc-rs itself never checks against the transaction.
pub(crate) fn signer(msg: &IbcMsg) -> Result<Address, Error> {
    let signer = signer_of(msg);
    Address::from_bech32(signer.as_ref()).map_err(|e| e.context("signer"))
}

/// A voucher named `ibc/<HASH>` goes out under its full trace (ibc-rs would take the
/// name for a native denom and escrow instead of burning).
fn resolve_voucher(ctx: &mut Context<'_>, msg: &mut MsgTransfer) -> Result<(), Error> {
    let token = &mut msg.packet_data.token;
    if !token.denom.trace_path.is_empty() {
        return Ok(());
    }
    let base = token.denom.base_denom.to_string();
    if let Some(hash) = base.strip_prefix("ibc/") {
        let trace = IbcKeeper::denom_trace(&mut IbcKeeper::store(ctx), &hash.to_uppercase())?
            .ok_or_else(|| errors::transfer_failed(format!("unknown IBC denom {base}: no trace is recorded for it")))?;
        token.denom = PrefixedDenom::from_str(&trace)
            .map_err(|e| veritas_framework::sdk::internal(format!("corrupt denom trace {trace}: {e}")))?;
    }
    Ok(())
}

/// ibc-rs (like ibc-go) accepts a packet received twice as a no-op; Veritas refuses
/// it, so a redundant relay fails in CheckTx instead of paying for nothing.
fn refuse_redundant_receive(ctx: &mut Context<'_>, msg: &IbcMsg) -> Result<(), Error> {
    let IbcMsg::Core(envelope) = msg else { return Ok(()) };
    let MsgEnvelope::Packet(PacketMsg::Recv(recv)) = envelope.as_ref() else { return Ok(()) };
    let packet = &recv.packet;
    let receipt = ReceiptPath::new(&packet.port_id_on_b, &packet.chan_id_on_b, packet.seq_on_a).to_string();
    if IbcKeeper::store(ctx).has(receipt.as_bytes())? {
        return Err(errors::packet_already_received(format!(
            "packet {} on {}/{} is already received",
            packet.seq_on_a, packet.port_id_on_b, packet.chan_id_on_b
        )));
    }
    Ok(())
}

pub(crate) fn deliver(tokens: &Arc<dyn Tokens>, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
    let parsed: &IbcMsg = msg.value()?;
    refuse_redundant_receive(ctx, parsed)?;
    let (result, ibc_events, store_error) = {
        let shared = MessageState::shared(&mut *ctx);
        let mut host = IbcHost::new(shared.clone())?;
        let mut router = IbcRouter { transfer: TransferModule::new(shared.clone(), tokens.clone()) };
        let result = match parsed {
            IbcMsg::Core(envelope) => validate(&host, &router, (**envelope).clone())
                .map_err(|e| errors::validation_failed(e.to_string()))
                .and_then(|()| {
                    execute(&mut host, &mut router, (**envelope).clone())
                        .map_err(|e| errors::execution_failed(e.to_string()))
                }),
            IbcMsg::Transfer(transfer) => {
                let mut transfer = (**transfer).clone();
                let resolved = resolve_voucher(&mut shared.context(), &mut transfer);

                resolved.and_then(|()| {
                    send_transfer(&mut host, &mut router.transfer, transfer)
                        .map_err(|e| errors::transfer_failed(e.to_string()))
                })
            }
        };
        let store_error = shared.take_store_error();
        (result, std::mem::take(&mut host.events), store_error)
    };
    if let Err(e) = result {
        // A store error (out of gas, say) says more than ibc-rs' rewording of it.
        return Err(store_error.unwrap_or(e));
    }
    for event in ibc_events {
        ctx.emit(events::from_ibc(event)?);
    }
    Ok(MsgResponse { type_url: format!("{}Response", msg.type_url()), value: Vec::new() })
}
