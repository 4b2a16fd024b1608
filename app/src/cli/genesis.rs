use anyhow::Context as _;
use clap::Subcommand;
use serde_json::Value;

use super::HomeArg;
use crate::genesis_doc::{read_genesis, validate};
use crate::home::Home;

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
    /// Name the chain's authority (app_state.authority.authority): the account that may
    /// update params, change validators and schedule upgrades.
    SetAuthority {
        address_or_key: String,
        #[command(flatten)]
        keyring: super::keys::KeyringArgs,
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
        GenesisCommand::SetAuthority { address_or_key, keyring } => {
            let home = Home::resolve(keyring.home.home.clone())?;
            let address = match veritas_framework::Address::from_bech32(&address_or_key) {
                Ok(address) => address.to_bech32(),
                Err(_) => keyring.keyring()?.find(&address_or_key)?.address,
            };
            let path = home.genesis();
            let mut genesis = read_genesis(&path)?;
            let app_state = genesis
                .get_mut("app_state")
                .and_then(Value::as_object_mut)
                .ok_or_else(|| anyhow::anyhow!("genesis has no app_state object"))?;
            app_state.insert("authority".into(), serde_json::json!({ "authority": address }));
            validate(&genesis).with_context(|| "the result would be an invalid genesis")?;
            std::fs::write(&path, serde_json::to_string_pretty(&genesis)? + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("{address} is the authority in {}", path.display());
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

/// Adds `coins` to `address`'s genesis balance (bank's typed section).
fn add_balance(genesis: &mut Value, address: &str, coins: &veritas_framework::Coins) -> anyhow::Result<()> {
    let app_state = genesis.get_mut("app_state").ok_or_else(|| anyhow::anyhow!("genesis has no app_state section"))?;
    let address = veritas_framework::Address::from_bech32(address).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
    crate::modules::add_genesis_balance(app_state, &address, coins).map_err(|e| anyhow::anyhow!("{}", e.log()))
}
