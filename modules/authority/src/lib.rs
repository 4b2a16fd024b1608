//! The `authority` module: the chain's authority, the one account that governs it
//! (params of every module, the validator set, upgrade plans), as a proof-of-authority
//! Cosmos chain (Noble's) does. Genesis names it; `MsgUpdateAuthority` hands it on.
//! Other modules ask [`AuthorityKeeper`] (through `veritas_framework::Authority`)
//! before they act on a governed message.
//!
//! Shape: `keeper` (the only door to the `authority` substore), `msgs`, `queries`,
//! `genesis`, `events`, `errors`, `cli`, `module`.

mod cli;
pub mod errors;
mod events;
mod genesis;
mod keeper;
mod module;
mod msgs;
mod queries;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "authority";

pub use cli::AuthorityCli;
pub use genesis::GenesisState;
pub use keeper::AuthorityKeeper;
pub use module::AuthorityModule;
pub use veritas_proto::authority::v1::{MSG_UPDATE_AUTHORITY, QUERY_AUTHORITY};
