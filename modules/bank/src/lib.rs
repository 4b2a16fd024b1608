//! The `bank` module: balances per denom, `MsgSend` and `MsgMultiSend`, total supply
//! and denom metadata, with the Cosmos SDK's messages, queries and events.
//!
//! Shape: `keeper` (the only door to the `bank` substore; what it needs of
//! other modules is declared in `expected_keepers`), `msgs`, `queries`, `genesis`, `events`, `errors`, `module`.

mod cli;
mod errors;
mod events;
pub mod expected_keepers;
mod genesis;
mod keeper;
mod module;
mod msgs;
mod params;
mod queries;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "bank";
pub use cli::BankCli;
pub use errors::CODESPACE;
pub use expected_keepers::Accounts;
pub use genesis::{Balance, DenomMetadata, DenomUnit, GenesisState};
pub use keeper::{BankKeeper, FEE_COLLECTOR};
pub use module::BankModule;
pub use msgs::{MSG_MULTI_SEND, MSG_SEND};
pub use params::{Params, MSG_UPDATE_PARAMS};
