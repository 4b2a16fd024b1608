//! The one transaction path, shared by CheckTx, FinalizeBlock and Simulate.
//!
//! ```text
//! bytes ─▶ decode (TxRaw, body, auth info) ─▶ stateless checks ─▶ ante (timeout, tx size
//!       gas, minimum fee, fee deduction, per signer: account, pubkey, sequence,
//!       SIGN_MODE_DIRECT signature) ─▶ messages routed by type URL ─▶ outcome
//! ```
//! Ante writes (fee, sequences, pubkeys) land even if a message fails; message writes
//! land only if every message succeeds. A failing ante changes nothing.

mod ante;
mod decode;
mod fees;
mod outcome;
pub mod ports;
mod runner;
pub mod sign;
mod signature;

pub use decode::decode_gas_limit;
pub use fees::MinGasPrices;
pub use outcome::TxOutcome;
pub use runner::{CheckedTx, TxEnv};
pub use signature::PreverifiedSignatures;

#[cfg(test)]
mod tests;
