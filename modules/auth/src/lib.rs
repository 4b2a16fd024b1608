//! The `auth` module: accounts (`cosmos.auth.v1beta1.BaseAccount`) with an account
//! number assigned when an address first receives funds, the public key set on its
//! first signature, and a sequence incremented by every transaction it signs.
//!
//! Shape: `keeper` (the only door to the `auth` substore), `params`, `genesis`,
//! `queries`, and `module` (the `Module` impl).

mod cli;
mod genesis;
mod keeper;
mod module;
mod msgs;
mod params;
mod queries;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "auth";
pub use cli::AuthCli;
pub use genesis::{GenesisAccount, GenesisPubKey, GenesisState};
pub use keeper::AccountKeeper;
pub use module::AuthModule;
pub use msgs::MSG_UPDATE_PARAMS;
pub use params::Params;

/// Type URL of a BaseAccount packed in an `Any`.
pub const BASE_ACCOUNT_TYPE_URL: &str = "/cosmos.auth.v1beta1.BaseAccount";
pub use veritas_framework::SECP256K1_PUBKEY_TYPE_URL;
