//! The `upgrade` module: coordinated software upgrades, as the Cosmos SDK's `x/upgrade`
//! does them and as cosmovisor expects them.
//!
//! The chain's authority schedules a plan (`MsgSoftwareUpgrade`: a name and a height) or
//! cancels it (`MsgCancelUpgrade`). At the start of every block, before any other module
//! runs (the app puts this module first), [`UpgradeModule`]'s `begin_block` does what the
//! SDK's `PreBlocker` does:
//!
//! - the plan's height is reached and this binary has an upgrade handler for it (see
//!   [`UpgradeHandlers`]): the handler's migration runs, the plan is recorded as applied
//!   and deleted, and an `upgrade` event is emitted;
//! - the height is reached and the binary has no handler: `<home>/data/upgrade-info.json`
//!   is written (`{"name":..,"height":..,"info":..}`), `UPGRADE "<name>" NEEDED at height:
//!   <h>: <info>` is logged and the hook fails, so the node stops before the block is
//!   executed; cosmovisor sees the file, switches to `upgrades/<name>/bin` and restarts;
//! - the height is not reached yet but the binary already has the handler: the hook fails
//!   with `BINARY UPDATED BEFORE TRIGGER!` (a new binary must not run early);
//! - once per process, with no plan due: if the last applied upgrade has no handler in
//!   this binary, the hook fails (an old binary started on an upgraded chain).
//!
//! Shape: `keeper` (the only door to the `upgrade` substore), `plan` (the plan and its
//! checks, shared by messages, genesis and the CLI), `handlers`, `msgs`, `queries`,
//! `genesis`, `events`, `errors`, `cli`, `module`.

mod cli;
pub mod errors;
mod events;
mod genesis;
mod handlers;
mod keeper;
mod module;
mod msgs;
mod plan;
mod queries;
#[cfg(test)]
mod tests;

/// The module's name: its genesis section, its substore and its codespace.
pub const NAME: &str = "upgrade";

/// The file cosmovisor watches, in the node's data directory (`<home>/data`).
pub const UPGRADE_INFO_FILE: &str = "upgrade-info.json";

pub use cli::UpgradeCli;
pub use genesis::{AppliedUpgrade, GenesisState};
pub use handlers::{Migration, UpgradeHandlers};
pub use keeper::UpgradeKeeper;
pub use module::UpgradeModule;
pub use msgs::{MSG_CANCEL_UPGRADE, MSG_SOFTWARE_UPGRADE};
pub use plan::{Plan, MAX_INFO_LEN, MAX_NAME_LEN};
pub use queries::{QUERY_APPLIED_PLAN, QUERY_CURRENT_PLAN};

/// The SDK's protobuf types this module speaks (messages, queries, `Plan`).
pub use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as proto;
