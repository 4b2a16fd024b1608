//! The ERROR log line of a panic contained at a transaction stage.

use veritas_framework::{panics, Error, ExecMode};

/// Logs a contained panic (ERROR, with the tx hash and the panic message); the error
/// itself becomes the transaction's result.
pub(crate) fn log_panic(err: &Error, hash: &[u8; 32], mode: ExecMode, stage: &str) {
    if panics::is_panic(err) {
        tracing::error!(tx = %hex::encode_upper(hash), ?mode, stage, "transaction panicked: {}", err.log());
    }
}

pub(crate) fn log_panic_of<T>(result: &Result<T, Error>, hash: &[u8; 32], mode: ExecMode, stage: &str) {
    if let Err(err) = result {
        log_panic(err, hash, mode, stage);
    }
}
