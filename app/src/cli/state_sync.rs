//! `veritasd state-sync enable|disable`: point a new node's CometBFT at state sync (the
//! `[statesync]` section of `<home>/cometbft/config/config.toml`), the step Cosmos operators
//! otherwise script with curl and sed.
//!
//! `enable` takes the trusted header (height and hash) from the first RPC server and checks
//! the second one reports the same block: CometBFT's light client needs both servers, and a
//! trust hash two servers agree on is the usual operator check.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{print, Output};
use super::HomeArg;
use crate::client::Client;
use crate::home::Home;

#[derive(Debug, Args)]
pub struct StateSyncArgs {
    #[command(subcommand)]
    command: StateSyncCommand,
    #[command(flatten)]
    home: HomeArg,
    #[arg(long, value_enum, default_value = "text", global = true)]
    output: Output,
}

#[derive(Debug, Subcommand)]
enum StateSyncCommand {
    /// Turn state sync on, trusting a header two RPC servers agree on.
    Enable {
        /// Two (or more) CometBFT RPC URLs of the chain, comma separated.
        #[arg(long, value_delimiter = ',', required = true)]
        rpc_servers: Vec<String>,
        /// The trusted height [default: the newest height every server has].
        #[arg(long)]
        trust_height: Option<u64>,
        /// How long validators of the trusted header stay trusted (CometBFT duration).
        #[arg(long, default_value = "168h0m0s")]
        trust_period: String,
        /// How long to look for snapshots before restoring one [default: CometBFT's 15s].
        #[arg(long)]
        discovery_time: Option<String>,
    },
    /// Turn state sync off (a node with state never uses it anyway).
    Disable,
}

pub fn run(args: StateSyncArgs) -> anyhow::Result<()> {
    let home = Home::resolve(args.home.home)?;
    home.ensure_initialised()?;
    let path = home.cometbft_config();
    let answer = match args.command {
        StateSyncCommand::Enable { rpc_servers, trust_height, trust_period, discovery_time } => {
            anyhow::ensure!(
                rpc_servers.len() >= 2,
                "CometBFT's light client needs two RPC servers (the second one checks the first); got {}",
                rpc_servers.len()
            );
            let clients = rpc_servers.iter().map(|url| Client::new(url)).collect::<anyhow::Result<Vec<_>>>()?;
            // By default the newest height every server has (one may be a block behind).
            let height = match trust_height {
                Some(height) => height,
                None => {
                    let latest = clients.iter().map(|c| c.block_id(None).map(|(h, _)| h));
                    latest.collect::<anyhow::Result<Vec<_>>>()?.into_iter().min().unwrap_or(1)
                }
            };
            let (_, hash) = clients[0].block_id(Some(height))?;
            for (other, client) in rpc_servers[1..].iter().zip(&clients[1..]) {
                let (_, other_hash) = client.block_id(Some(height))?;
                anyhow::ensure!(
                    other_hash == hash,
                    "{} and {other} disagree on block {height} ({hash} vs {other_hash}); trust neither",
                    rpc_servers[0]
                );
            }
            let trust_height = i64::try_from(height).context("height out of range")?;
            crate::config::edit_toml(&path, |doc| {
                let section = &mut doc["statesync"];
                section["enable"] = toml_edit::value(true);
                section["rpc_servers"] = toml_edit::value(rpc_servers.join(","));
                section["trust_height"] = toml_edit::value(trust_height);
                section["trust_hash"] = toml_edit::value(hash.as_str());
                section["trust_period"] = toml_edit::value(trust_period.as_str());
                if let Some(discovery_time) = &discovery_time {
                    section["discovery_time"] = toml_edit::value(discovery_time.as_str());
                }
            })?;
            json!({ "enabled": true, "trust_height": height, "trust_hash": hash, "rpc_servers": rpc_servers, "config": path })
        }
        StateSyncCommand::Disable => {
            crate::config::edit_toml(&path, |doc| doc["statesync"]["enable"] = toml_edit::value(false))?;
            json!({ "enabled": false, "config": path })
        }
    };
    print(args.output, &answer);
    Ok(())
}
