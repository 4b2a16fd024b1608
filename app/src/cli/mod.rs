//! The `veritasd` command line.

mod genesis;
mod ibc;
mod init;
mod keys;
mod loadgen;
mod output;
mod query;
mod start;
mod tx;
pub use tx::sign_tx;
mod zkverify;

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
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
        #[command(flatten)]
        args: keys::KeyringArgs,
    },
    /// Sign and broadcast transactions.
    #[command(subcommand)]
    Tx(tx::TxCommand),
    /// Query chain state.
    #[command(alias = "q")]
    Query {
        #[command(subcommand)]
        command: query::QueryCommand,
        #[command(flatten)]
        flags: query::QueryFlags,
    },
    /// The node's chain id, latest height and app hash.
    Status {
        #[command(flatten)]
        flags: query::QueryFlags,
    },
    /// Offline Groth16 tools: a key's id, local verification.
    Zkverify {
        #[command(subcommand)]
        command: zkverify::ZkOffline,
        #[arg(long, value_enum, default_value = "text", global = true)]
        output: output::Output,
    },
    /// Send load to a running chain and report throughput and latency.
    Loadgen(loadgen::LoadgenArgs),
    /// Print version information.
    Version,
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
            Command::Keys { command, args } => keys::run(command, args),
            Command::Tx(cmd) => tx::run(cmd),
            Command::Query { command, flags } => query::run(command, flags),
            Command::Status { flags } => query::status(flags),
            Command::Zkverify { command, output } => zkverify::run_offline(command, output),
            Command::Loadgen(args) => loadgen::run(args),
            Command::Version => {
                println!("veritasd {}", env!("CARGO_PKG_VERSION"));
                println!("abci: 2.0 (CometBFT {})", crate::cli::init::COMETBFT_VERSION);
                Ok(())
            }
        }
    }
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
