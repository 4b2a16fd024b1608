//! The upgrades this binary knows how to apply, as the SDK's `SetUpgradeHandler`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use veritas_framework::{Context, Error};

/// An upgrade's state migration: runs in the `begin_block` of the plan's height, before
/// any other module's hook and any transaction, with unmetered gas. Its writes land with
/// the block's; an error (or a panic) stops the node before anything is committed.
pub type Migration = Arc<dyn Fn(&mut Context<'_>) -> Result<(), Error> + Send + Sync>;

/// The plans this binary can apply, by name, each with its migration.
///
/// A binary keeps the handler of the last upgrade it applied until the next one: started
/// on a chain whose last applied upgrade it has no handler for, the node refuses to run.
#[derive(Clone, Default)]
pub struct UpgradeHandlers {
    handlers: BTreeMap<String, Migration>,
}

impl UpgradeHandlers {
    /// No handlers: a binary that can apply no plan.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the handler of plan `name`; `migration` may do nothing
    /// (`|_| Ok(())`) when the new binary changes no state.
    pub fn with(
        mut self,
        name: &str,
        migration: impl Fn(&mut Context<'_>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.handlers.insert(name.to_owned(), Arc::new(migration));
        self
    }

    /// Whether this binary can apply plan `name`.
    pub fn has(&self, name: &str) -> bool {
        self.handlers.contains_key(name)
    }

    /// The migration of plan `name`.
    pub fn get(&self, name: &str) -> Option<&Migration> {
        self.handlers.get(name)
    }

    /// The names of every plan this binary can apply, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }
}

impl fmt::Debug for UpgradeHandlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.names()).finish()
    }
}
