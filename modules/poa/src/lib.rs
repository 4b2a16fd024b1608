//! The `poa` module: proof of authority. The chain's validator set (CometBFT ed25519
//! consensus keys with voting power), changed only by the chain's authority
//! (`MsgSetValidator`, `MsgRemoveValidator`) and handed to CometBFT at the end of each
//! block, as Noble's and other Cosmos PoA chains do.
//!
//! Rails keep CometBFT and its light clients safe: keys must be real ed25519 points,
//! a validator changes at most once per block, the set is never empty, one block never
//! removes a third or more of the power the set had when it began, and the total stays
//! within CometBFT's `MaxTotalVotingPower`.
//!
//! Shape: `keeper` (the only door to the `poa` substore), `pubkey` (key, power and
//! moniker checks shared by messages, genesis and the CLI), `msgs`, `queries`,
//! `genesis`, `events`, `errors`, `cli`, `module`.

mod cli;
pub mod errors;
mod events;
mod genesis;
mod keeper;
mod module;
mod msgs;
pub mod pubkey;
mod queries;
#[cfg(test)]
mod tests;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "poa";

pub use cli::PoaCli;
pub use genesis::{GenesisState, GenesisValidator};
pub use keeper::{PoaKeeper, Totals};
pub use module::PoaModule;
pub use veritas_proto::poa::v1::{
    MSG_REMOVE_VALIDATOR, MSG_SET_VALIDATOR, QUERY_TOTAL_POWER, QUERY_VALIDATOR, QUERY_VALIDATORS,
};
