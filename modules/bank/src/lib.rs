//! The `bank` module: balances per denom, `MsgSend` and `MsgMultiSend`, total supply
//! and denom metadata, with the Cosmos SDK's messages, queries and events.
//!
//! Shape: `keeper` (the only door to the `bank` substore; other modules use the
//! [`FeeCollector`] trait), `msgs`, `queries`, `genesis`, `events`, `errors`, `module`.

mod errors;
mod events;
mod genesis;
mod keeper;
mod module;
mod msgs;
mod queries;

pub use errors::CODESPACE;
pub use genesis::{Balance, DenomMetadata, DenomUnit, GenesisState};
pub use keeper::{BankKeeper, FeeCollector, Tokens, FEE_COLLECTOR};
pub use module::BankModule;
pub use msgs::{MSG_MULTI_SEND, MSG_SEND};
