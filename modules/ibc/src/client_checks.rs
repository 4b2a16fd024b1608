//! Checks of light-client messages before ibc-rs sees them.
//!
//! ibc-rs 0.57 assumes some facts of a tendermint header that its decoder does not
//! check, and panics when they are false (`Header::height()` on a height of 0, or on a
//! chain id that is not an identifier). Every header a transaction carries (an update's
//! client message, both headers of a misbehaviour) is checked here first, so such a
//! message is refused with an `ibc` code instead.

use std::str::FromStr;

use ibc::clients::tendermint::types::{
    Header as TmHeader, Misbehaviour as TmMisbehaviour, TENDERMINT_HEADER_TYPE_URL, TENDERMINT_MISBEHAVIOUR_TYPE_URL,
};
use ibc::core::client::types::msgs::ClientMsg;
use ibc::core::handler::types::msgs::MsgEnvelope;
use ibc::core::host::types::identifiers::ChainId;
use ibc::primitives::proto::Any;
use veritas_framework::Error;

use crate::errors;
use crate::msgs::IbcMsg;

/// Checks every light-client header inside `msg` (other messages pass unchanged).
#[allow(deprecated)] // MsgSubmitMisbehaviour: deprecated in ibc-go, still accepted
pub(crate) fn check(msg: &IbcMsg) -> Result<(), Error> {
    let IbcMsg::Core(envelope) = msg else { return Ok(()) };
    match envelope.as_ref() {
        MsgEnvelope::Client(ClientMsg::UpdateClient(m)) => check_client_message(&m.client_message),
        MsgEnvelope::Client(ClientMsg::Misbehaviour(m)) => check_client_message(&m.misbehaviour),
        _ => Ok(()),
    }
}

/// A 07-tendermint header or misbehaviour must decode and each header pass
/// [`check_header`]; other client types are left to their client (ibc-rs refuses them).
fn check_client_message(any: &Any) -> Result<(), Error> {
    match any.type_url.as_str() {
        TENDERMINT_HEADER_TYPE_URL => {
            let header = TmHeader::try_from(any.clone())
                .map_err(|e| errors::invalid_header(format!("cannot decode the tendermint header: {e}")))?;
            check_header(&header, "header")
        }
        TENDERMINT_MISBEHAVIOUR_TYPE_URL => {
            let misbehaviour = TmMisbehaviour::try_from(any.clone())
                .map_err(|e| errors::invalid_header(format!("cannot decode the tendermint misbehaviour: {e}")))?;
            check_header(misbehaviour.header1(), "misbehaviour header 1")?;
            check_header(misbehaviour.header2(), "misbehaviour header 2")
        }
        _ => Ok(()),
    }
}

/// What ibc-rs takes for granted of a header: a non-zero height, a chain id that is an
/// IBC chain identifier whose revision is the trusted height's, and a trusted height
/// below the header's.
pub(crate) fn check_header(header: &TmHeader, what: &str) -> Result<(), Error> {
    let chain_id = header.signed_header.header.chain_id.as_str();
    let chain = ChainId::from_str(chain_id)
        .map_err(|e| errors::invalid_header(format!("{what}: chain id {chain_id:?} is not an IBC chain id: {e}")))?;
    let height = header.signed_header.header.height.value();
    if height == 0 {
        return Err(errors::invalid_header(format!("{what}: height must be positive, got 0")));
    }
    let trusted = header.trusted_height;
    if trusted.revision_number() != chain.revision_number() {
        return Err(errors::invalid_header(format!(
            "{what}: trusted height {trusted} is of revision {}, the header's chain {chain_id} is of revision {}",
            trusted.revision_number(),
            chain.revision_number()
        )));
    }
    if trusted.revision_height() >= height {
        return Err(errors::invalid_header(format!(
            "{what}: trusted height {trusted} must be below the header height {}-{height}",
            chain.revision_number()
        )));
    }
    Ok(())
}
