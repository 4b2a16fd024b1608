//! The `veritasd` command line.

mod genesis;
mod init;
mod start;

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
    /// Print version information.
    Version,
}

/// `--home`, shared by every command that uses a node home.
#[derive(Debug, Clone, clap::Args)]
pub struct HomeArg {
    /// Node home directory [default: ~/.veritas]
    #[arg(long, env = "VERITAS_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
}

impl Cli {
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Init(args) => init::run(args),
            Command::Start(args) => start::run(args),
            Command::Genesis(cmd) => genesis::run(cmd),
            Command::Version => {
                println!("veritasd {}", env!("CARGO_PKG_VERSION"));
                println!("abci: 2.0 (CometBFT {})", crate::cli::init::COMETBFT_VERSION);
                Ok(())
            }
        }
    }
}
