//! Where a node keeps its files under its home directory.

use std::path::{Path, PathBuf};

/// The layout of a `veritasd` home directory.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `--home` if given, else `$VERITAS_HOME` (via clap), else `~/.veritas`.
    pub fn resolve(flag: Option<PathBuf>) -> anyhow::Result<Self> {
        match flag {
            Some(path) => Ok(Self::new(path)),
            None => {
                let home =
                    std::env::var_os("HOME").ok_or_else(|| anyhow::anyhow!("HOME is not set; pass --home DIR"))?;
                Ok(Self::new(Path::new(&home).join(".veritas")))
            }
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn app_toml(&self) -> PathBuf {
        self.root.join("config").join("app.toml")
    }

    /// The application's state database (RocksDB).
    /// `<home>/data`: the state database, snapshots and, when an upgrade plan is due
    /// without a handler, `upgrade-info.json` for cosmovisor.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    pub fn state_db(&self) -> PathBuf {
        self.root.join("data").join("application.db")
    }

    /// State-sync snapshots (see `snapshots.rs`).
    pub fn snapshots(&self) -> PathBuf {
        self.root.join("data").join("snapshots")
    }

    /// CometBFT's own home: `cometbft start --home <this>`.
    pub fn cometbft(&self) -> PathBuf {
        self.root.join("cometbft")
    }

    pub fn genesis(&self) -> PathBuf {
        self.cometbft().join("config").join("genesis.json")
    }

    pub fn cometbft_config(&self) -> PathBuf {
        self.cometbft().join("config").join("config.toml")
    }

    /// Fails with a one-line hint when the home was never initialised.
    pub fn ensure_initialised(&self) -> anyhow::Result<()> {
        if !self.app_toml().is_file() {
            anyhow::bail!(
                "no Veritas home at {} (missing config/app.toml); run `veritasd init <moniker> --home {}` first",
                self.root.display(),
                self.root.display()
            );
        }
        Ok(())
    }
}
