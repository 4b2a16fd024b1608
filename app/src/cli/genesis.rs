use std::path::Path;

use anyhow::Context as _;
use clap::Subcommand;
use serde_json::Value;

use super::HomeArg;
use crate::home::Home;
use crate::modules::module_set;

#[derive(Debug, Subcommand)]
pub enum GenesisCommand {
    /// Check <home>/cometbft/config/genesis.json: chain id and every module's app_state.
    Validate {
        #[command(flatten)]
        home: HomeArg,
    },
    /// Add a CometBFT validator to genesis from its `priv_validator_key.json` (only the
    /// public part is read).
    AddValidator {
        /// Path of the validator's priv_validator_key.json.
        key_file: std::path::PathBuf,
        /// Voting power.
        #[arg(long, default_value_t = 10)]
        power: u64,
        /// A name for the validator.
        #[arg(long, default_value = "")]
        name: String,
        #[command(flatten)]
        home: HomeArg,
    },
    /// Fund an address (or a key of the keyring) in genesis: `add-account <address_or_key> <coins>`.
    AddAccount {
        address_or_key: String,
        /// e.g. 1000000uvrt,500stake
        coins: String,
        #[command(flatten)]
        keyring: super::keys::KeyringArgs,
    },
}

pub fn run(cmd: GenesisCommand) -> anyhow::Result<()> {
    match cmd {
        GenesisCommand::Validate { home } => {
            let home = Home::resolve(home.home)?;
            let path = home.genesis();
            let genesis = read_genesis(&path)?;
            validate(&genesis).with_context(|| format!("{} is invalid", path.display()))?;
            println!(
                "{} is a valid genesis for chain {}",
                path.display(),
                genesis["chain_id"].as_str().unwrap_or_default()
            );
            Ok(())
        }
        GenesisCommand::AddValidator { key_file, power, name, home } => {
            let home = Home::resolve(home.home)?;
            let key: Value = read_genesis(&key_file).with_context(|| "cannot read the validator key file")?;
            let (Some(address), Some(pub_key)) = (key["address"].as_str(), key.get("pub_key")) else {
                anyhow::bail!(
                    "{} is not a CometBFT priv_validator_key.json (no address or pub_key)",
                    key_file.display()
                );
            };
            if power == 0 {
                anyhow::bail!("--power must be positive");
            }
            let path = home.genesis();
            let mut genesis = read_genesis(&path)?;
            let validators = genesis["validators"]
                .as_array_mut()
                .ok_or_else(|| anyhow::anyhow!("genesis has no validators list"))?;
            if validators.iter().any(|v| v["address"] == address) {
                println!("validator {address} is already in {}", path.display());
                return Ok(());
            }
            validators.push(
                serde_json::json!({ "address": address, "pub_key": pub_key, "power": power.to_string(), "name": name }),
            );
            std::fs::write(&path, serde_json::to_string_pretty(&genesis)? + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("added validator {address} (power {power}) to {}", path.display());
            Ok(())
        }
        GenesisCommand::AddAccount { address_or_key, coins, keyring } => {
            let home = Home::resolve(keyring.home.home.clone())?;
            let address = match veritas_framework::Address::from_bech32(&address_or_key) {
                Ok(address) => address.to_bech32(),
                Err(_) => keyring.keyring()?.find(&address_or_key)?.address,
            };
            let coins =
                veritas_framework::Coins::parse(&coins).map_err(|e| anyhow::anyhow!("invalid coins: {}", e.log()))?;
            let path = home.genesis();
            let mut genesis = read_genesis(&path)?;
            add_balance(&mut genesis, &address, &coins)?;
            validate(&genesis).with_context(|| "the result would be an invalid genesis")?;
            std::fs::write(&path, serde_json::to_string_pretty(&genesis)? + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("added {coins} to {address} in {}", path.display());
            Ok(())
        }
    }
}

/// Adds `coins` to `address`'s genesis balance; a given total supply is kept in step.
fn add_balance(genesis: &mut Value, address: &str, coins: &veritas_framework::Coins) -> anyhow::Result<()> {
    let bank = genesis
        .pointer_mut("/app_state/bank")
        .ok_or_else(|| anyhow::anyhow!("genesis has no app_state.bank section"))?;
    let balances = bank["balances"].as_array().cloned().unwrap_or_default();
    let parse = |list: &Value| -> anyhow::Result<veritas_framework::Coins> {
        let text: Vec<String> = list
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|c| format!("{}{}", c["amount"].as_str().unwrap_or(""), c["denom"].as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        veritas_framework::Coins::parse(&text.join(",")).map_err(|e| anyhow::anyhow!("{}", e.log()))
    };
    let to_json = |c: &veritas_framework::Coins| -> Value {
        Value::Array(
            c.iter().map(|c| serde_json::json!({ "denom": c.denom, "amount": c.amount.to_string() })).collect(),
        )
    };
    let mut updated = Vec::new();
    let mut found = false;
    for mut entry in balances {
        if entry["address"] == address {
            let total = parse(&entry["coins"])?.checked_add(coins).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            entry["coins"] = to_json(&total);
            found = true;
        }
        updated.push(entry);
    }
    if !found {
        updated.push(serde_json::json!({ "address": address, "coins": to_json(coins) }));
    }
    bank["balances"] = Value::Array(updated);
    if bank["supply"].as_array().is_some_and(|s| !s.is_empty()) {
        let supply = parse(&bank["supply"])?.checked_add(coins).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
        bank["supply"] = to_json(&supply);
    }
    Ok(())
}

pub fn read_genesis(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read genesis file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// The chain id of a genesis document.
pub fn chain_id(genesis: &Value) -> anyhow::Result<&str> {
    let id = genesis["chain_id"].as_str().ok_or_else(|| anyhow::anyhow!("chain_id is missing"))?;
    // CometBFT's own limit.
    if id.is_empty() || id.len() > 50 {
        anyhow::bail!("chain_id {id:?} must be 1 to 50 characters");
    }
    Ok(id)
}

pub fn validate(genesis: &Value) -> anyhow::Result<()> {
    chain_id(genesis)?;
    if let Some(h) = genesis.get("initial_height") {
        let ok = match h {
            Value::String(s) => s.parse::<u64>().is_ok_and(|v| v >= 1),
            Value::Number(n) => n.as_u64().is_some_and(|v| v >= 1),
            _ => false,
        };
        if !ok {
            anyhow::bail!("initial_height {h} must be a positive integer");
        }
    }
    let app_state = genesis.get("app_state").cloned().unwrap_or(Value::Object(Default::default()));
    module_set().validate_genesis(&app_state).map_err(|e| anyhow::anyhow!("app_state: {}", e.log()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn genesis_checks_name_the_problem() {
        let defaults = crate::modules::module_set().default_genesis();
        validate(&json!({ "chain_id": "veritas-local-1", "app_state": defaults })).unwrap();
        assert!(validate(&json!({ "chain_id": "veritas-local-1", "app_state": {} }))
            .unwrap_err()
            .to_string()
            .contains("no section"));
        let err = validate(&json!({ "app_state": {} })).unwrap_err().to_string();
        assert!(err.contains("chain_id"), "{err}");
        let err = validate(&json!({ "chain_id": "x", "initial_height": "0" })).unwrap_err().to_string();
        assert!(err.contains("initial_height"), "{err}");
        let err = validate(&json!({ "chain_id": "x", "app_state": { "nosuch": {} } })).unwrap_err().to_string();
        assert!(err.contains("nosuch"), "{err}");
    }
}
