//! The `veritasd` command line.

mod chain_info;
mod export;
mod genesis;
mod init;
mod keys;
mod loadgen;
mod module_commands;
mod output;
mod query;
mod snapshots;
mod start;
mod state_sync;
mod testnet;
mod tx;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Veritas: a Cosmos-style application chain node, run next to CometBFT v0.38.
#[derive(Debug, Parser)]
#[command(name = "veritasd", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a node home: app.toml, and a CometBFT home at <home>/cometbft.
    Init(init::InitArgs),
    /// Serve the application to CometBFT over ABCI.
    Start(start::StartArgs),
    /// Genesis file tools.
    #[command(subcommand)]
    Genesis(genesis::GenesisCommand),
    /// Write the node's state (latest or --height) as a genesis document; stop the node first.
    Export(export::ExportArgs),
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
        #[command(flatten)]
        args: keys::KeyringArgs,
    },
    /// Sign and broadcast transactions (each module's own commands).
    Tx {
        #[command(subcommand)]
        group: module_commands::TxGroup,
        #[command(flatten)]
        flags: tx::TxFlags,
    },
    /// Query chain state (each module's own commands).
    #[command(alias = "q")]
    Query {
        #[command(subcommand)]
        group: module_commands::QueryGroup,
        #[command(flatten)]
        flags: query::QueryFlags,
    },
    /// The node's chain id, latest height and app hash.
    Status {
        #[command(flatten)]
        flags: query::QueryFlags,
    },
    /// State-sync snapshots: list, export and restore (node stopped), delete.
    Snapshots(snapshots::SnapshotsArgs),
    /// Join by CometBFT state sync: write the [statesync] settings of a new node.
    StateSync(state_sync::StateSyncArgs),
    /// Files for a network of validators on separate hosts.
    #[command(subcommand)]
    Testnet(testnet::TestnetCommand),
    /// Describe a running chain for wallets and explorers (Keplr, cosmos chain-registry).
    ChainInfo(chain_info::ChainInfoArgs),
    /// Send load to a running chain and report throughput and latency.
    Loadgen(loadgen::LoadgenArgs),
    /// Print version information.
    Version,
    /// Modules' offline tools (e.g. `zkverify vk-id`).
    #[command(flatten)]
    Offline(module_commands::OfflineGroup),
}

/// `--home`, shared by every command that uses a node home.
#[derive(Debug, Clone, clap::Args)]
pub struct HomeArg {
    /// Node home directory [default: ~/.veritas]
    #[arg(long, env = "VERITAS_HOME", value_name = "DIR", global = true)]
    pub home: Option<PathBuf>,
}

impl Cli {
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Init(args) => init::run(args),
            Command::Start(args) => start::run(args),
            Command::Genesis(cmd) => genesis::run(cmd),
            Command::Export(args) => export::run(args),
            Command::Keys { command, args } => keys::run(command, args),
            Command::Tx { group, flags } => tx::run(group, flags),
            Command::Query { group, flags } => query::run(group, flags),
            Command::Status { flags } => query::status(flags),
            Command::Offline(group) => offline(group),
            Command::Loadgen(args) => loadgen::run(args),
            Command::ChainInfo(args) => chain_info::run(args),
            Command::Testnet(cmd) => testnet::run(cmd),
            Command::Snapshots(args) => snapshots::run(args),
            Command::StateSync(args) => state_sync::run(args),
            Command::Version => {
                println!("veritasd {}", env!("CARGO_PKG_VERSION"));
                println!("abci: 2.0 (CometBFT {})", crate::cli::init::COMETBFT_VERSION);
                Ok(())
            }
        }
    }
}

/// Runs a module's offline command; `--output` is read from its arguments.
fn offline(group: module_commands::OfflineGroup) -> anyhow::Result<()> {
    let output = group.matches.get_one::<output::Output>("output").copied().unwrap_or_default();
    let value =
        group.dispatch(|module, name, matches| module.offline(name, matches, output == output::Output::Json))?;
    output::print(output, &value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        // Catches clashing argument names (e.g. a subcommand flag shadowing a flattened one).
        super::Cli::command().debug_assert();
    }
}
