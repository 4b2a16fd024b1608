//! What bank expects of other modules, declared here and wired by the app (bank
//! imports no other module's crate).

use veritas_framework::{Address, Context, Error};

/// Accounts: bank makes sure one exists for every address it credits.
pub trait Accounts: Send + Sync {
    fn ensure_account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<(), Error>;
}
