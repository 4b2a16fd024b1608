//! `veritasd testnet init-files`: the homes of a network of validators on separate hosts
//! (the SDK's `simd testnet init-files`): one home per validator, one genesis naming every
//! validator and funding an account of each, and peers wired by the hosts' addresses.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};
use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::keyring::{address_of, key_from_mnemonic, new_mnemonic, write_private, Backend, Keyring};

/// CometBFT's p2p port on every host (each validator has a host of its own).
const P2P_PORT: u16 = 26656;

#[derive(Debug, Subcommand)]
pub enum TestnetCommand {
    /// Write every validator's home and one genesis for a network across hosts.
    InitFiles(InitFilesArgs),
}

#[derive(Debug, Args)]
pub struct InitFilesArgs {
    /// Number of validators.
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// One address per validator, in order (node0 on the first); each listens on it
    /// with CometBFT's usual ports.
    #[arg(long, value_delimiter = ',', required = true)]
    hosts: Vec<IpAddr>,
    /// Where the homes go: <dir>/node0, <dir>/node1, ...
    #[arg(long, default_value = "./testnet")]
    output_dir: PathBuf,
    #[arg(long, default_value = "veritas-testnet-1")]
    chain_id: String,
    /// Genesis funds of each validator's account (key `validator` in its home's test keyring).
    #[arg(long, default_value = "1000000000000uvrt")]
    fund: String,
    /// The cometbft binary (`cometbft init`, `show-node-id`).
    #[arg(long, env = "COMETBFT_BIN", default_value = "cometbft")]
    cometbft: PathBuf,
}

pub fn run(command: TestnetCommand) -> anyhow::Result<()> {
    match command {
        TestnetCommand::InitFiles(args) => init_files(args),
    }
}

/// Runs one `veritasd` command in this process.
fn veritasd(args: &[&str]) -> anyhow::Result<()> {
    super::Cli::try_parse_from(std::iter::once("veritasd").chain(args.iter().copied()))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .run()
}

fn init_files(args: InitFilesArgs) -> anyhow::Result<()> {
    if args.validators == 0 {
        bail!("--validators must be at least 1");
    }
    if args.hosts.len() != args.validators {
        bail!(
            "--hosts lists {} addresses for {} validators: give one per validator",
            args.hosts.len(),
            args.validators
        );
    }
    let homes: Vec<PathBuf> = (0..args.validators).map(|i| args.output_dir.join(format!("node{i}"))).collect();
    if let Some(existing) = homes.iter().find(|h| h.exists()) {
        bail!("{} already exists: remove it or choose another --output-dir", existing.display());
    }
    let text = |p: &Path| p.to_string_lossy().into_owned();
    let cometbft = text(&args.cometbft);
    let node0 = text(&homes[0]);
    for (i, home) in homes.iter().enumerate() {
        veritasd(&[
            "init",
            &format!("node{i}"),
            "--chain-id",
            &args.chain_id,
            "--home",
            &text(home),
            "--abci-address",
            "127.0.0.1:26658",
            "--grpc-address",
            "0.0.0.0:9090",
            "--rpc-laddr",
            "tcp://0.0.0.0:26657",
            "--p2p-laddr",
            &format!("tcp://0.0.0.0:{P2P_PORT}"),
            "--cometbft",
            &cometbft,
        ])?;
        // An account per validator, its mnemonic kept beside the home (as simd's key_seed.json).
        let mnemonic = new_mnemonic();
        let key = key_from_mnemonic(&mnemonic)?;
        Keyring::open(home, Backend::Test).add("validator", &key, None)?;
        let address = address_of(&key).to_bech32();
        let seed = json!({ "name": "validator", "address": address, "mnemonic": mnemonic });
        write_private(&home.join("key_seed.json"), (serde_json::to_string_pretty(&seed)? + "\n").as_bytes())?;
        veritasd(&["genesis", "add-account", &address, &args.fund, "--home", &node0])?;
        if i > 0 {
            let key_file = home.join("cometbft/config/priv_validator_key.json");
            veritasd(&["genesis", "add-validator", &text(&key_file), "--name", &format!("node{i}"), "--home", &node0])?;
        }
    }
    veritasd(&["genesis", "validate", "--home", &node0])?;
    let genesis = homes[0].join("cometbft/config/genesis.json");
    let peers: Vec<String> = homes
        .iter()
        .zip(&args.hosts)
        .map(|(home, host)| Ok(format!("{}@{}", node_id(&args.cometbft, home)?, socket(*host))))
        .collect::<anyhow::Result<_>>()?;
    for (i, home) in homes.iter().enumerate() {
        if i > 0 {
            std::fs::copy(&genesis, home.join("cometbft/config/genesis.json"))?;
        }
        let others: Vec<&str> = peers.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| p.as_str()).collect();
        wire_peers(&home.join("cometbft/config/config.toml"), &others.join(","), &socket(args.hosts[i]))?;
    }
    println!("Wrote {} validator homes of chain {} to {}:", homes.len(), args.chain_id, args.output_dir.display());
    for ((home, host), peer) in homes.iter().zip(&args.hosts).zip(&peers) {
        println!("  {}  host {host}  node {}", home.display(), peer.split('@').next().unwrap_or_default());
    }
    println!("Copy each home to its host and run there: veritasd start --with-cometbft --home <home>");
    Ok(())
}

fn socket(host: IpAddr) -> String {
    std::net::SocketAddr::new(host, P2P_PORT).to_string()
}

fn node_id(cometbft: &Path, home: &Path) -> anyhow::Result<String> {
    let out = Command::new(cometbft)
        .arg("show-node-id")
        .arg("--home")
        .arg(home.join("cometbft"))
        .output()
        .with_context(|| format!("cannot run {} show-node-id", cometbft.display()))?;
    if !out.status.success() {
        bail!("`cometbft show-node-id` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Persistent peers, the address others dial, and private addresses allowed (hosts of a
/// testnet are often on a private network).
fn wire_peers(config: &Path, peers: &str, external: &str) -> anyhow::Result<()> {
    crate::config::edit_toml(config, |doc| {
        doc["p2p"]["persistent_peers"] = toml_edit::value(peers);
        doc["p2p"]["external_address"] = toml_edit::value(external);
        doc["p2p"]["addr_book_strict"] = toml_edit::value(false);
    })
}
