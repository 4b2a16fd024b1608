use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use veritas_framework::{sdk, Address, Error};

use crate::Params;

/// The `auth` section of `app_state`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Accounts that exist from the start; bank genesis creates any others it funds.
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    pub address: String,
    pub account_number: u64,
    #[serde(default)]
    pub sequence: u64,
}

impl GenesisState {
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| sdk::invalid_request(format!("invalid auth genesis: {e}")))?;
        state.validate()?;
        Ok(state)
    }

    pub fn validate(&self) -> Result<(), Error> {
        self.params.validate()?;
        let mut addresses = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for account in &self.accounts {
            let address = Address::from_bech32(&account.address)?;
            if !addresses.insert(address) {
                return Err(sdk::invalid_request(format!("duplicate account {}", account.address)));
            }
            if !numbers.insert(account.account_number) {
                return Err(sdk::invalid_request(format!("duplicate account number {}", account.account_number)));
            }
        }
        Ok(())
    }
}
