use std::collections::{BTreeMap, BTreeSet};

use cosmos_sdk_proto::cosmos::bank::v1beta1::Metadata;
use serde::{Deserialize, Serialize};
use veritas_framework::{sdk, validate_denom, Address, Coin, Coins, Error};

use crate::params::Params;

/// The `bank` section of `app_state`, in the Cosmos SDK's JSON shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub balances: Vec<Balance>,
    /// Total supply; empty means "the sum of the balances". If given, it must equal that sum.
    #[serde(default)]
    pub supply: Vec<JsonCoin>,
    #[serde(default)]
    pub denom_metadata: Vec<DenomMetadata>,
    /// Left out while default, so genesis files from before params existed are unchanged.
    #[serde(default, skip_serializing_if = "Params::is_default")]
    pub params: Params,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub address: String,
    pub coins: Vec<JsonCoin>,
}

/// A coin as JSON carries it: the amount is a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonCoin {
    pub denom: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomMetadata {
    #[serde(default)]
    pub description: String,
    pub denom_units: Vec<DenomUnit>,
    pub base: String,
    pub display: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub symbol: String,
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub uri_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomUnit {
    pub denom: String,
    pub exponent: u32,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Balance {
    /// `coins` held by `address`.
    pub fn new(address: &Address, coins: &Coins) -> Self {
        Self { address: address.to_bech32(), coins: coins.iter().map(JsonCoin::from).collect() }
    }
}

impl From<&Coin> for JsonCoin {
    fn from(c: &Coin) -> Self {
        Self { denom: c.denom.clone(), amount: c.amount.to_string() }
    }
}

impl DenomMetadata {
    pub fn to_proto(&self) -> Metadata {
        Metadata {
            description: self.description.clone(),
            denom_units: self
                .denom_units
                .iter()
                .map(|u| cosmos_sdk_proto::cosmos::bank::v1beta1::DenomUnit {
                    denom: u.denom.clone(),
                    exponent: u.exponent,
                    aliases: u.aliases.clone(),
                })
                .collect(),
            base: self.base.clone(),
            display: self.display.clone(),
            name: self.name.clone(),
            symbol: self.symbol.clone(),
            uri: self.uri.clone(),
            uri_hash: self.uri_hash.clone(),
        }
    }

    pub fn from_proto(m: &Metadata) -> Self {
        Self {
            description: m.description.clone(),
            denom_units: m
                .denom_units
                .iter()
                .map(|u| DenomUnit { denom: u.denom.clone(), exponent: u.exponent, aliases: u.aliases.clone() })
                .collect(),
            base: m.base.clone(),
            display: m.display.clone(),
            name: m.name.clone(),
            symbol: m.symbol.clone(),
            uri: m.uri.clone(),
            uri_hash: m.uri_hash.clone(),
        }
    }

    fn validate(&self) -> Result<(), Error> {
        validate_denom(&self.base)?;
        let base_unit = self
            .denom_units
            .first()
            .ok_or_else(|| sdk::invalid_request(format!("metadata of {} has no denom units", self.base)))?;
        if base_unit.denom != self.base || base_unit.exponent != 0 {
            return Err(sdk::invalid_request(format!(
                "the first denom unit of {} must be the base with exponent 0",
                self.base
            )));
        }
        for pair in self.denom_units.windows(2) {
            if pair[1].exponent <= pair[0].exponent {
                return Err(sdk::invalid_request(format!(
                    "denom units of {} must have increasing exponents",
                    self.base
                )));
            }
        }
        if !self.denom_units.iter().any(|u| u.denom == self.display) {
            return Err(sdk::invalid_request(format!(
                "display denom {} of {} is not one of its units",
                self.display, self.base
            )));
        }
        Ok(())
    }
}

/// A genesis after validation, ready to write.
pub(crate) struct ValidGenesis {
    pub balances: Vec<(Address, Coins)>,
    pub supply: Coins,
    pub metadata: Vec<Metadata>,
    pub params: Params,
}

fn coins_from_json(coins: &[JsonCoin]) -> Result<Coins, Error> {
    let mut parsed: Vec<Coin> =
        coins.iter().map(|c| Coin::from_parts(&c.denom, &c.amount)).collect::<Result<_, _>>()?;
    parsed.sort_by(|a, b| a.denom.cmp(&b.denom));
    Coins::new(parsed)
}

impl GenesisState {
    /// Adds `coins` to `address`'s balance (a new entry if it has none); a total supply
    /// given explicitly is kept in step.
    pub fn add_balance(&mut self, address: &Address, coins: &Coins) -> Result<(), Error> {
        let bech32 = address.to_bech32();
        match self.balances.iter_mut().find(|b| b.address == bech32) {
            Some(balance) => {
                let total = coins_from_json(&balance.coins)?.checked_add(coins)?;
                balance.coins = total.iter().map(JsonCoin::from).collect();
            }
            None => self.balances.push(Balance::new(address, coins)),
        }
        if !self.supply.is_empty() {
            let supply = coins_from_json(&self.supply)?.checked_add(coins)?;
            self.supply = supply.iter().map(JsonCoin::from).collect();
        }
        Ok(())
    }

    pub(crate) fn validated(value: &serde_json::Value) -> Result<ValidGenesis, Error> {
        let state: GenesisState = serde_json::from_value(value.clone())
            .map_err(|e| sdk::invalid_request(format!("invalid bank genesis: {e}")))?;
        let mut seen = BTreeSet::new();
        let mut balances = Vec::new();
        let mut sum = Coins::empty();
        for balance in &state.balances {
            let address = Address::from_bech32(&balance.address)?;
            if !seen.insert(address.clone()) {
                return Err(crate::errors::duplicate_entry(format!("duplicate balance for {}", balance.address)));
            }
            let coins =
                coins_from_json(&balance.coins).map_err(|e| e.context(format!("balance of {}", balance.address)))?;
            sum = sum.checked_add(&coins).map_err(|e| e.context("total supply"))?;
            balances.push((address, coins));
        }
        // Canonical order (as the Cosmos SDK sanitises it): accounts are numbered by address.
        balances.sort_by(|a, b| a.0.cmp(&b.0));
        let supply = if state.supply.is_empty() {
            sum
        } else {
            let given = coins_from_json(&state.supply).map_err(|e| e.context("supply"))?;
            if given != sum {
                return Err(sdk::invalid_coins(format!(
                    "genesis supply {given} does not equal the sum of balances {sum}"
                )));
            }
            given
        };
        let mut bases = BTreeMap::new();
        for metadata in &state.denom_metadata {
            metadata.validate()?;
            if bases.insert(metadata.base.clone(), metadata.to_proto()).is_some() {
                return Err(crate::errors::duplicate_entry(format!("duplicate metadata for {}", metadata.base)));
            }
        }
        Ok(ValidGenesis { balances, supply, metadata: bases.into_values().collect(), params: state.params })
    }
}
