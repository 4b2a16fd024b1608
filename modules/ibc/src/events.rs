//! ibc-rs events as ABCI events with ibc-go's types and attribute names
//! (`send_packet`, `packet_data_hex`, ...), every attribute indexed so relayers find
//! them with `tx_search`.
use ibc::core::handler::types::events::IbcEvent;
use veritas_framework::{Error, Event};

use crate::errors;

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
