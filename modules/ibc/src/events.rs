//! ibc-rs events as ABCI events with ibc-go's types and attribute names
//! (`send_packet`, `packet_data_hex`, ...), every attribute indexed so relayers find
//! them with `tx_search`.
use ibc::core::handler::types::events::IbcEvent;
use veritas_framework::{Error, Event};

use crate::errors;

/// Every IBC event type ibc-rs emits (ibc-go's names), every attribute: relayers find
/// client updates and packets with `tx_search` on these (Hermes: `update_client.client_id`,
/// `send_packet.packet_sequence`, `write_acknowledgement.packet_dst_channel`, ...).
pub const INDEXED: &[&str] = &[
    "create_client",
    "update_client",
    "upgrade_client",
    "client_misbehaviour",
    "connection_open_init",
    "connection_open_try",
    "connection_open_ack",
    "connection_open_confirm",
    "channel_open_init",
    "channel_open_try",
    "channel_open_ack",
    "channel_open_confirm",
    "channel_close_init",
    "channel_close_confirm",
    "channel_close",
    "send_packet",
    "recv_packet",
    "write_acknowledgement",
    "acknowledge_packet",
    "timeout_packet",
    "fungible_token_packet",
    "ibc_transfer",
    "denomination_trace",
    "timeout",
];

pub(crate) fn from_ibc(event: IbcEvent) -> Result<Event, Error> {
    let abci = tendermint::abci::Event::try_from(event)
        .map_err(|e| errors::execution_failed(format!("cannot express an IBC event: {e}")))?;
    let mut out = Event::new(abci.kind);
    for attribute in abci.attributes {
        let key = attribute.key_str().map(str::to_owned).unwrap_or_default();
        let value = attribute.value_str().map(str::to_owned).unwrap_or_default();
        out = out.attr(key, value);
    }
    Ok(out)
}
