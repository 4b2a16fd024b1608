//! What ibc expects of other modules, declared here and wired by the app (ibc imports
//! no other module's crate).

use veritas_framework::{Address, Coins, Context, Error};

/// Balances and supply, for ICS-20 transfers (escrow, mint and burn of vouchers).
pub trait Tokens: Send + Sync {
    fn balance(&self, ctx: &mut Context<'_>, address: &Address, denom: &str) -> Result<u128, Error>;
    /// Moves `amount`, creating `to`'s account if it is new.
    fn send(&self, ctx: &mut Context<'_>, from: &Address, to: &Address, amount: &Coins) -> Result<(), Error>;
    /// Creates `amount` in `to` and adds it to the supply.
    fn mint(&self, ctx: &mut Context<'_>, to: &Address, amount: &Coins) -> Result<(), Error>;
    /// Destroys `amount` held by `from` and takes it from the supply.
    fn burn(&self, ctx: &mut Context<'_>, from: &Address, amount: &Coins) -> Result<(), Error>;
}
