//! The modules this app is composed of, in genesis and block-hook order, and the
//! wiring between them and the transaction pipeline. Adding a module is one line in
//! [`module_list`] (plus its crate in the workspace).
//!
//! `auth` comes before bank: bank's genesis creates accounts for the balances it funds.
//! Governed messages (params, validators, upgrade plans) ask the `authority` keeper.
//! `ibc` reaches `bank` through the `Tokens` keeper trait (ICS-20 escrow, mint, burn).

use std::path::PathBuf;
use std::sync::Arc;

use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use veritas_auth::{AccountKeeper, AuthModule, Params as AuthParams};
use veritas_authority::AuthorityModule;
use veritas_bank::{BankKeeper, BankModule};
use veritas_framework::store::KvRead;
use veritas_framework::{Address, Authority, Coins, Context, Error, Module, ModuleSet};
use veritas_ibc::IbcModule;
use veritas_poa::PoaModule;
use veritas_upgrade::UpgradeModule;
use veritas_zkverify::ZkVerifyModule;

use crate::tx::ports::{AccountStore, FeePayer, SimulationPolicy, TxRules};
use crate::tx::{MinGasPrices, TxEnv};

/// The app's modules, in order, built around the keepers they share. `upgrade` comes
/// first so a plan due at a height halts (or migrates) before any other hook runs.
fn module_list(bank: &BankModule, authority: &AuthorityModule, data_dir: Option<PathBuf>) -> Vec<Arc<dyn Module>> {
    let governs = || -> Arc<dyn Authority> { Arc::new(authority.keeper()) };
    vec![
        Arc::new(UpgradeModule::new(governs(), crate::upgrades::handlers(), data_dir)),
        Arc::new(AuthModule::new(governs())),
        Arc::new(bank.clone()),
        Arc::new(ZkVerifyModule::new(governs())),
        Arc::new(IbcModule::new(Arc::new(BankForIbc(bank.keeper().clone())), governs())),
        Arc::new(*authority),
        Arc::new(PoaModule::new(governs())),
    ]
}

/// auth, as bank expects accounts to be kept.
struct AuthForBank(AccountKeeper);

impl veritas_bank::Accounts for AuthForBank {
    fn ensure_account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<(), Error> {
        self.0.ensure_account(ctx, address)
    }
}

/// bank, as ibc expects tokens to be moved, minted and burnt.
struct BankForIbc(BankKeeper);

impl veritas_ibc::Tokens for BankForIbc {
    fn balance(&self, ctx: &mut Context<'_>, address: &Address, denom: &str) -> Result<u128, Error> {
        self.0.balance(ctx, address, denom)
    }
    fn send(&self, ctx: &mut Context<'_>, from: &Address, to: &Address, amount: &Coins) -> Result<(), Error> {
        self.0.send(ctx, from, to, amount)
    }
    fn mint(&self, ctx: &mut Context<'_>, to: &Address, amount: &Coins) -> Result<(), Error> {
        self.0.mint(ctx, to, amount)
    }
    fn burn(&self, ctx: &mut Context<'_>, from: &Address, amount: &Coins) -> Result<(), Error> {
        self.0.burn(ctx, from, amount)
    }
}

pub fn module_set() -> ModuleSet {
    tx_env(MinGasPrices::default()).modules
}

/// The modules and the keepers the transaction pipeline uses.
pub fn tx_env(min_gas_prices: MinGasPrices) -> TxEnv {
    tx_env_with(min_gas_prices, Vec::new())
}

/// [`tx_env`] with `extra` modules after the app's own (tests add modules this way).
pub fn tx_env_with(min_gas_prices: MinGasPrices, extra: Vec<Arc<dyn Module>>) -> TxEnv {
    build_env(min_gas_prices, None, extra)
}

/// The environment of a running node whose home's data directory is `data_dir`
/// (where an upgrade plan due without a handler leaves `upgrade-info.json`).
pub fn node_env(min_gas_prices: MinGasPrices, data_dir: PathBuf) -> TxEnv {
    build_env(min_gas_prices, Some(data_dir), Vec::new())
}

fn build_env(min_gas_prices: MinGasPrices, data_dir: Option<PathBuf>, extra: Vec<Arc<dyn Module>>) -> TxEnv {
    let auth = AccountKeeper;
    let authority = AuthorityModule::new();
    let bank = BankModule::new(Arc::new(AuthForBank(auth)), Arc::new(authority.keeper()));
    let mut modules = module_list(&bank, &authority, data_dir);
    modules.extend(extra);
    let modules = ModuleSet::new(modules).expect("the app's modules have distinct names and routes");
    let bank_keeper = Arc::new(bank.keeper().clone());
    TxEnv {
        modules,
        accounts: Arc::new(auth),
        fees: bank_keeper.clone(),
        simulation: bank_keeper,
        min_gas_prices,
        signatures: Default::default(),
    }
}

/// Adds `coins` to `address`'s balance in an `app_state` (bank's typed section), the
/// way `veritasd genesis add-account` and test genesis fund accounts.
pub fn add_genesis_balance(app_state: &mut serde_json::Value, address: &Address, coins: &Coins) -> Result<(), Error> {
    let section = app_state
        .get_mut("bank")
        .ok_or_else(|| veritas_framework::sdk::invalid_request("app_state has no bank section"))?;
    let mut bank: veritas_bank::GenesisState = serde_json::from_value(section.clone())
        .map_err(|e| veritas_framework::sdk::invalid_request(format!("invalid bank genesis: {e}")))?;
    bank.add_balance(address, coins)?;
    *section = serde_json::to_value(bank).map_err(|e| veritas_framework::sdk::internal(e.to_string()))?;
    Ok(())
}

fn rules_of(params: AuthParams) -> Result<TxRules, Error> {
    Ok(TxRules {
        max_memo_characters: params.max_memo_characters,
        tx_sig_limit: params.tx_sig_limit,
        tx_size_cost_per_byte: params.tx_size_cost_per_byte,
        sig_verify_cost_secp256k1: params.sig_verify_cost_secp256k1,
        min_gas_prices: params.gas_prices()?,
    })
}

impl AccountStore for AccountKeeper {
    fn rules(&self, ctx: &mut Context<'_>) -> Result<TxRules, Error> {
        rules_of(self.params(ctx)?)
    }

    fn rules_committed(&self, state: &dyn KvRead) -> Result<TxRules, Error> {
        rules_of(AccountKeeper::read_params_committed(state)?)
    }

    fn default_rules(&self) -> TxRules {
        rules_of(AuthParams::default()).expect("the default auth params are valid")
    }

    fn account(&self, ctx: &mut Context<'_>, address: &Address) -> Result<Option<BaseAccount>, Error> {
        AccountKeeper::account(self, ctx, address)
    }

    fn account_committed(&self, state: &dyn KvRead, address: &Address) -> Result<Option<BaseAccount>, Error> {
        AccountKeeper::read_committed(state, address)
    }

    fn set_account(&self, ctx: &mut Context<'_>, account: &BaseAccount) -> Result<(), Error> {
        AccountKeeper::set_account(self, ctx, account)
    }
}

impl FeePayer for BankKeeper {
    fn collect_fee(&self, ctx: &mut Context<'_>, payer: &Address, fee: &Coins) -> Result<(), Error> {
        BankKeeper::collect_fee(self, ctx, payer, fee)
    }

    fn covers_committed(&self, committed: &dyn KvRead, payer: &Address, fee: &Coins) -> Result<bool, Error> {
        BankKeeper::covers_committed(self, committed, payer, fee)
    }
}

impl SimulationPolicy for BankKeeper {
    fn stand_in_fee(&self, ctx: &mut Context<'_>, payer: &Address) -> Result<Coins, Error> {
        BankKeeper::stand_in_fee(self, ctx, payer)
    }
}
