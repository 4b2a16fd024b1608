//! The upgrade plans this binary can apply (`veritas_upgrade::UpgradeHandlers`): a plan
//! named here runs its migration at its height; any other plan due stops the node for
//! cosmovisor (or the operator) to switch binaries.
//!
//! A release that changes state names its plan here with the migration, e.g.
//! `.with("v2", |ctx| { ... })`. This release has none. The `upgrade-test-v2` feature
//! builds the same code with a `v2` plan (a zkverify param change), so the upgrade
//! end-to-end test can roll a chain from this binary to that one under cosmovisor.

use veritas_upgrade::UpgradeHandlers;

/// The handlers of this build.
pub fn handlers() -> UpgradeHandlers {
    let handlers = UpgradeHandlers::new();
    #[cfg(feature = "upgrade-test-v2")]
    let handlers = handlers.with("v2", test_v2::migrate);
    handlers
}

#[cfg(feature = "upgrade-test-v2")]
mod test_v2 {
    use veritas_framework::{Context, Error};
    use veritas_zkverify::ZkKeeper;

    /// The `max_public_inputs` the test migration sets (v1 has 64).
    pub const MAX_PUBLIC_INPUTS: u32 = 77;

    /// Raises zkverify's input limit: a small, visible state change.
    pub fn migrate(ctx: &mut Context<'_>) -> Result<(), Error> {
        let keeper = ZkKeeper::default();
        let mut params = keeper.current_params(ctx)?;
        params.max_public_inputs = MAX_PUBLIC_INPUTS;
        keeper.set_params(ctx, &params)
    }
}
