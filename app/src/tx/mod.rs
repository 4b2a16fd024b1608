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
mod env;
mod fees;
mod outcome;
mod panic_log;
pub mod ports;
mod prepare;
mod runner;
pub mod sign;
mod signature;
mod stateless;

pub use decode::decode_gas_limit;
pub use env::TxEnv;
pub use fees::MinGasPrices;
pub use outcome::TxOutcome;
pub use signature::PreverifiedSignatures;
pub use stateless::CheckedTx;

#[cfg(test)]
mod tests;
