//! The `zkverify` module: Groth16 proofs on BLS12-381 and BN254 (snarkjs, arkworks and
//! gnark, with gnark's commitment extension) verified inside the node.
//!
//! Users register a verifying key once (`MsgRegisterVerifyingKey`), then submit proofs
//! against it (`MsgVerifyProof`); a valid proof is recorded under the provable key
//! `verified/<proof_id>`. All proofs of a block are verified in one batch.
//!
//! Shape: `keeper` (the only door to the substore), `msgs`, `queries`, `genesis`,
//! `events`, `errors`, `params`, `cli`, `module`; the cryptography lives in `curves`
//! (what each curve adds to arkworks), `encoding` (strict decoding, ids), `key`
//! (verifying keys on either curve), `bsb22` (gnark's commitments), `verifier` (single
//! and batch verification) and `batch` (the per-block batch, one per curve); `formats`
//! reads what snarkjs, arkworks and gnark users have.

pub mod batch;
pub mod bsb22;
mod cache;
mod cli;
pub mod curves;
pub mod encoding;
pub mod errors;
mod events;
pub mod formats;
mod genesis;
mod keeper;
pub mod key;
mod module;
mod msgs;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "zkverify";
pub use msgs::{verdict_alone, VerifyRequest};
mod params;
mod queries;
pub mod verifier;

pub use cache::Verdict;
pub use cli::ZkVerifyCli;
pub use curves::{Curve, CurveId};
pub use genesis::{GenesisKey, GenesisProof, GenesisState};
pub use keeper::ZkKeeper;
pub use key::{AnyKey, PreparedKey};
pub use module::ZkVerifyModule;
pub use params::{Params, GAS_PER_MICROSECOND};
pub use queries::{PARAMS, VERIFIED_PROOF, VERIFYING_KEY, VERIFYING_KEYS};
pub use veritas_proto::zkverify::v1::{MSG_REGISTER_VERIFYING_KEY, MSG_UPDATE_PARAMS, MSG_VERIFY_PROOF};
