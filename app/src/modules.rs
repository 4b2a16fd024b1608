//! The modules this app is composed of, in genesis and block-hook order, and the
//! transaction environment wired from them.
//!
//! `auth` comes first: bank's genesis creates accounts for the balances it funds.
//! `ibc` reaches `bank` through the `Tokens` keeper trait (ICS-20 escrow, mint, burn).

use std::sync::Arc;

use veritas_auth::{AccountKeeper, AuthModule};
use veritas_bank::BankModule;
use veritas_framework::{Module, ModuleSet};
use veritas_ibc::IbcModule;
use veritas_zkverify::ZkVerifyModule;

use crate::tx::{MinGasPrices, TxEnv};

pub fn module_set() -> ModuleSet {
    tx_env(MinGasPrices::default()).modules
}

/// The modules and the keepers the transaction path uses.
pub fn tx_env(min_gas_prices: MinGasPrices) -> TxEnv {
    let auth = AuthModule::new();
    let bank = BankModule::new(Arc::new(AccountKeeper));
    let fees = Arc::new(bank.keeper().clone());
    let ibc = IbcModule::new(Arc::new(bank.keeper().clone()));
    let modules: Vec<Arc<dyn Module>> =
        vec![Arc::new(auth), Arc::new(bank), Arc::new(ZkVerifyModule::new()), Arc::new(ibc)];
    let modules = ModuleSet::new(modules).expect("the app's modules have distinct names and routes");
    TxEnv { modules, fees, min_gas_prices }
}
