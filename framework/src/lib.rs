//! The framework every Veritas module is built on.
//!
//! - [`Module`]: what a module offers the app (genesis, messages, queries, block hooks).
//! - [`Context`]: what a handler sees (block info, gas meter, event sink, and through
//!   [`StoreKey`] a store view confined to its own substore).
//! - [`ModuleSet`]: composes modules and routes messages by type URL and queries by path.
//! - [`Error`]: ABCI `codespace` + `code` + human log.
//!
//! Modules reach each other only through small keeper traits that the owning module
//! exports; a module's [`StoreKey`] stays private to its crate, so its keeper is the
//! only door to its state.

mod address;
pub mod cli;
mod coins;
mod context;
mod error;
mod events;
mod gas;
mod gas_prices;
mod governance;
mod module;
mod module_set;
pub mod pagination;
pub mod panics;
pub mod telemetry;

pub use address::{Address, BECH32_PREFIX, SECP256K1_PUBKEY_TYPE_URL};
pub use coins::{parse_amount, validate_denom, Coin, Coins, ProtoCoin};
pub use context::{
    BlockInfo, Context, ExecMode, KvStore, QueryContext, ReadOnlyKvStore, StoreKey, StoreRead, Timestamp,
};
pub use error::{decode_request, sdk, Error};
pub use events::{Event, EventAttribute};
pub use gas::{BlockGasMeter, GasMeter, KvGasConfig, KV_GAS};
pub use gas_prices::{GasPrice, GasPrices};
pub use governance::{params_updated_event, Authority, ValidatorUpdate, MAX_TOTAL_VOTING_POWER};
pub use module::{DecodedMsg, Module, Msg, MsgResponse};
pub use module_set::ModuleSet;

pub use veritas_store as store;
