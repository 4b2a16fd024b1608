//! The `ibc` codespace. ibc-rs reports what went wrong in its error text; the code says
//! which stage refused the message.

pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// A message that does not decode into an IBC message.
    invalid_message = 2;
    /// ibc-rs refused the message while validating it (bad proof, header, state).
    validation_failed = 3;
    /// ibc-rs failed while executing a validated message.
    execution_failed = 4;
    /// An ICS-20 transfer that cannot be sent (denom, amount, funds).
    transfer_failed = 5;
    /// A query for state that does not exist.
    not_found = 6;
    /// Invalid params or genesis.
    invalid_genesis = 7;
    /// A packet this chain has already received (a redundant relay).
    packet_already_received = 8;
    /// A light-client header or misbehaviour that fails the checks made before ibc-rs
    /// sees it (height 0, a chain id that is not an IBC chain id, a trusted height not
    /// below the header's).
    invalid_header = 9;
}
