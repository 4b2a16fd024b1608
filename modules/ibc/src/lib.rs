//! The `ibc` module: an ibc-rs (0.57) host with the 07-tendermint light client,
//! connection and channel handshakes, packets, and ICS-20 transfers through `bank`.
//!
//! Shape: `keeper` (Veritas' own records in the `ibc` substore), `host` (ibc-rs'
//! validation and execution contexts over the ICS-24 paths), `transfer` (ICS-20 and
//! the port router), `msgs`, `queries`, `genesis`, `events`, `errors`, `module`.

mod cli;
mod client_checks;
mod errors;
mod events;
pub mod expected_keepers;
mod genesis;
mod governance;
mod host;
mod keeper;
mod module;
mod msgs;
mod queries;
mod transfer;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "ibc";
pub use cli::IbcCli;
pub use errors::CODESPACE;
pub use expected_keepers::Tokens;
pub use genesis::{
    ChannelGenesis, ClientConsensusState, ClientGenesis, ConnectionGenesis, Counters, DenomTrace, GenesisState,
    HostConsensusState, PacketData, PacketId,
};
pub use host::{proof_specs, UNBONDING_PERIOD, UPGRADE_PATH};
pub use keeper::{IbcKeeper, Params};
pub use module::IbcModule;
pub use msgs::{MSG_TRANSFER, TYPE_URLS};
pub use transfer::{bank_denom, denom_hash, escrow_address};

/// A block time as ibc-rs counts it (nanoseconds since the Unix epoch).
pub(crate) fn timestamp(time: veritas_framework::Timestamp) -> ibc::core::primitives::Timestamp {
    let nanos = (time.seconds.max(0) as u64).saturating_mul(1_000_000_000).saturating_add(time.nanos.max(0) as u64);
    ibc::core::primitives::Timestamp::from_nanoseconds(nanos)
}
