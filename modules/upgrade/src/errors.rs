//! The `upgrade` codespace. Codes 2 and 3 mean what they mean in the Cosmos SDK's
//! `upgrade` codespace; the others are Veritas' own (the SDK reports those cases with
//! generic errors or panics).

/// The module's codespace: its name.
pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// A plan whose height is not after the current block height.
    scheduled_in_past = 2;
    /// A plan whose name was already applied (names are used once).
    already_applied = 3;
    /// A malformed plan: empty, too long or path-unsafe name, height 0, info over
    /// `MAX_INFO_LEN`, a time, or an upgraded client state.
    invalid_plan = 10;
    /// An invalid genesis section.
    invalid_genesis = 11;
    /// The plan's height is reached and this binary cannot apply it: the node stops
    /// (`UPGRADE "<name>" NEEDED at height: <h>: <info>`) for cosmovisor to switch binaries.
    upgrade_needed = 12;
    /// This binary can apply the scheduled plan but its height is not reached yet
    /// (`BINARY UPDATED BEFORE TRIGGER!`): the node refuses to run early.
    binary_updated_before_trigger = 13;
    /// The last applied upgrade has no handler in this binary (an older binary started on
    /// an upgraded chain).
    wrong_app_version = 14;
    /// An upgrade handler's migration failed (or panicked): the node stops.
    migration_failed = 15;
    /// `upgrade-info.json` could not be written.
    upgrade_info = 16;
}
