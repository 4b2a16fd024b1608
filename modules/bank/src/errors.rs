//! The `bank` codespace, numbered as in the Cosmos SDK's x/bank.
use veritas_framework::Error;

pub const CODESPACE: &str = "bank";

pub fn no_inputs(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 2, log)
}
pub fn no_outputs(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 3, log)
}
pub fn input_output_mismatch(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 4, log)
}
pub fn denom_metadata_not_found(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 6, log)
}
pub fn duplicate_entry(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 8, log)
}
pub fn multiple_senders(log: impl Into<String>) -> Error {
    Error::new(CODESPACE, 9, log)
}
