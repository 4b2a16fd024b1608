//! The `bank` codespace, numbered as in the Cosmos SDK's x/bank.

pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// `MsgMultiSend` without inputs.
    no_inputs = 2;
    /// `MsgMultiSend` without outputs.
    no_outputs = 3;
    /// `MsgMultiSend` whose inputs and outputs do not add up to the same coins.
    input_output_mismatch = 4;
    /// Sending is disabled by the params.
    send_disabled = 5;
    /// No metadata is recorded for the denom.
    denom_metadata_not_found = 6;
    /// A genesis list names the same address or denom twice.
    duplicate_entry = 8;
    /// `MsgMultiSend` with more than one input.
    multiple_senders = 9;
}
