//! What the transaction pipeline needs from the modules, declared here as the
//! pipeline's own interfaces (the Cosmos SDK's "expected keepers"): the app wires
//! concrete keepers to them (`crate::modules`), and nothing in the pipeline names a
//! module.

use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use veritas_framework::store::KvRead;
use veritas_framework::{Address, Coins, Context, Error, GasPrices};

/// The limits and costs the pipeline enforces on every transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRules {
    pub max_memo_characters: u64,
    /// Most signatures (and signers) one transaction may carry.
    pub tx_sig_limit: u64,
    /// Gas per byte of the raw transaction.
    pub tx_size_cost_per_byte: u64,
    /// Gas per secp256k1 signature verified.
    pub sig_verify_cost_secp256k1: u64,
    /// The consensus minimum gas prices (checked in blocks as well as in CheckTx).
    pub min_gas_prices: GasPrices,
}

/// Accounts (number, sequence, public key) and the rules in force.
pub trait AccountStore: Send + Sync {
    /// The rules in force, read through `ctx` (charged as a store read).
    fn rules(&self, ctx: &mut Context<'_>) -> Result<TxRules, Error>;

    /// The rules as `state` holds them, outside any transaction (no gas).
    fn rules_committed(&self, state: &dyn KvRead) -> Result<TxRules, Error>;

    /// The rules of a chain whose state holds none yet (before its first commit).
    fn default_rules(&self) -> TxRules;

    fn account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<Option<BaseAccount>, Error>;

    /// An account as `state` holds it, outside any transaction (no gas).
    fn account_committed(&self, state: &dyn KvRead, address: &Address) -> Result<Option<BaseAccount>, Error>;

    fn set_account(&self, ctx: &mut Context<'_>, account: &BaseAccount) -> Result<(), Error>;
}

/// Who takes the fee a transaction pays.
pub trait FeePayer: Send + Sync {
    /// Moves `fee` (never empty) from `payer` to the fee collector.
    fn collect_fee(&self, ctx: &mut Context<'_>, payer: &Address, fee: &Coins) -> Result<(), Error>;

    /// Whether `payer` holds at least `fee` in committed state (block preparation uses it
    /// to leave out work for transactions that cannot pay).
    fn covers_committed(&self, committed: &dyn KvRead, payer: &Address, fee: &Coins) -> Result<bool, Error>;
}

/// How a simulation stands in for what the signed transaction will do.
pub trait SimulationPolicy: Send + Sync {
    /// The fee to charge in a simulation sent without one (clients simulate before they
    /// know the fee), so the gas estimate includes moving the real fee. Empty: none.
    fn stand_in_fee(&self, ctx: &mut Context<'_>, payer: &Address) -> Result<Coins, Error>;
}
