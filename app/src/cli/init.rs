use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use clap::Args;

use super::HomeArg;
use crate::config::AppConfig;
use crate::home::Home;
use crate::modules::module_set;

/// The CometBFT release Veritas is built and tested against (see scripts/install-cometbft.sh).
pub const COMETBFT_VERSION: &str = "0.38.26";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// A human-readable name for this node.
    moniker: String,
    /// Chain id written into genesis.json.
    #[arg(long, default_value = "veritas-local-1")]
    chain_id: String,
    #[command(flatten)]
    home: HomeArg,
    /// Replace an existing home's configuration and genesis (keys are kept).
    #[arg(long)]
    overwrite: bool,
    /// ABCI listen address of `veritasd start`; CometBFT's proxy_app points here.
    #[arg(long, default_value = "127.0.0.1:26658")]
    abci_address: String,
    /// CometBFT RPC listen address.
    #[arg(long, default_value = "tcp://127.0.0.1:26657")]
    rpc_laddr: String,
    /// CometBFT P2P listen address.
    #[arg(long, default_value = "tcp://0.0.0.0:26656")]
    p2p_laddr: String,
    /// gRPC listen address of `veritasd start` (app.toml `grpc.address`).
    #[arg(long, default_value = "127.0.0.1:9090")]
    grpc_address: String,
    /// The cometbft binary to run `cometbft init` with.
    #[arg(long, env = "COMETBFT_BIN", default_value = "cometbft")]
    cometbft: PathBuf,
}

pub fn run(args: InitArgs) -> anyhow::Result<()> {
    let home = Home::resolve(args.home.home.clone())?;
    if home.app_toml().exists() && !args.overwrite {
        anyhow::bail!(
            "{} is already initialised (config/app.toml exists); pass --overwrite to rewrite its configuration",
            home.root().display()
        );
    }
    crate::genesis_doc::chain_id(&serde_json::json!({ "chain_id": args.chain_id }))?;
    let mut config = AppConfig { abci_address: args.abci_address.clone(), ..AppConfig::default() };
    config.grpc.address = args.grpc_address.clone();
    config.validate()?;

    run_cometbft_init(&args.cometbft, &home.cometbft())?;
    edit_cometbft_config(&home.cometbft_config(), &args)?;
    write_genesis(&home.genesis(), &args.chain_id)?;

    std::fs::create_dir_all(home.app_toml().parent().expect("app.toml has a parent"))?;
    std::fs::create_dir_all(home.state_db().parent().expect("state db has a parent"))?;
    config.save(&home.app_toml())?;

    println!("Initialised Veritas node {:?} for chain {} in {}", args.moniker, args.chain_id, home.root().display());
    println!("  app config:     {}", home.app_toml().display());
    println!("  cometbft home:  {}", home.cometbft().display());
    println!("Start it with:");
    println!("  veritasd start --home {}", home.root().display());
    println!("  {} start --home {}", args.cometbft.display(), home.cometbft().display());
    Ok(())
}

/// Fails unless `cometbft` runs and is v0.38, with what to do about it.
pub(crate) fn require_cometbft(cometbft: &Path) -> anyhow::Result<()> {
    let version = Command::new(cometbft).arg("version").output().map_err(|e| {
        anyhow::anyhow!(
            "cannot run {} ({e}); install CometBFT v{COMETBFT_VERSION} with scripts/install-cometbft.sh \
             and add $(go env GOPATH)/bin to PATH",
            cometbft.display()
        )
    })?;
    let found = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    if !found.starts_with("0.38.") {
        anyhow::bail!(
            "{} is CometBFT {found:?}; Veritas needs v0.38 (tested with v{COMETBFT_VERSION})",
            cometbft.display()
        );
    }
    Ok(())
}

fn run_cometbft_init(cometbft: &Path, cometbft_home: &Path) -> anyhow::Result<()> {
    require_cometbft(cometbft)?;
    let out = Command::new(cometbft)
        .arg("init")
        .arg("--home")
        .arg(cometbft_home)
        .output()
        .with_context(|| format!("cannot run {} init", cometbft.display()))?;
    if !out.status.success() {
        anyhow::bail!("`cometbft init` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Points CometBFT at our ABCI server and sets what Veritas relies on.
fn edit_cometbft_config(path: &Path, args: &InitArgs) -> anyhow::Result<()> {
    crate::config::edit_toml(path, |doc| {
        doc["moniker"] = toml_edit::value(args.moniker.as_str());
        doc["proxy_app"] = toml_edit::value(format!("tcp://{}", args.abci_address));
        doc["abci"] = toml_edit::value("socket");
        doc["rpc"]["laddr"] = toml_edit::value(args.rpc_laddr.as_str());
        doc["p2p"]["laddr"] = toml_edit::value(args.p2p_laddr.as_str());
        // Clients (CosmJS, Hermes) find transactions with tx_search.
        doc["tx_index"]["indexer"] = toml_edit::value("kv");
    })
}

/// `block.max_gas` of a new chain: 1,000 transactions at the CLI's default 200,000 gas.
pub const DEFAULT_MAX_GAS: u64 = 200_000_000;

fn write_genesis(path: &Path, chain_id: &str) -> anyhow::Result<()> {
    let mut genesis = crate::genesis_doc::read_genesis(path)?;
    genesis["chain_id"] = chain_id.into();
    genesis["initial_height"] = "1".into();
    genesis["app_state"] = module_set().default_genesis();
    // Wallets and explorers show uvrt as VRT with 6 decimals (`veritasd chain-info` reads it).
    genesis["app_state"]["bank"]["denom_metadata"] = serde_json::json!([{
        "description": "The fee and staking token of Veritas",
        "denom_units": [
            { "denom": "uvrt", "exponent": 0, "aliases": ["microvrt"] },
            { "denom": "vrt", "exponent": 6, "aliases": [] }
        ],
        "base": "uvrt",
        "display": "vrt",
        "name": "Veritas",
        "symbol": "VRT"
    }]);
    // A finite block gas limit: proposals whose gas limits add up to more are rejected,
    // so no block can hold more work than validators agreed to do (see
    // docs/architecture.md, "Limits and failure containment").
    genesis["consensus_params"]["block"]["max_gas"] = DEFAULT_MAX_GAS.to_string().into();
    crate::genesis_doc::validate(&genesis)?;
    let text = serde_json::to_string_pretty(&genesis)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
