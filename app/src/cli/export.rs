//! `veritasd export [--height H]`: the node's state as a genesis document (the SDK's
//! `simd export`), for restarting a network from a height: `genesis validate` accepts it and
//! a chain started from it has the same accounts, balances, supply, keys and records.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use serde_json::Value;
use veritas_framework::QueryContext;

use super::HomeArg;
use crate::chain_meta::ChainMeta;
use crate::config::AppConfig;
use crate::home::Home;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    home: HomeArg,
    /// Export this (retained) height instead of the latest.
    #[arg(long)]
    height: Option<u64>,
    /// Write the document here instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// The state of a stopped node: its database (opening it fails clearly while a node holds
/// it), chain facts and latest version. Shared by `export` and `snapshots export`.
pub(super) struct StoppedNode {
    pub storage: veritas_store::Storage,
    pub meta: ChainMeta,
    pub latest: veritas_store::Version,
}

impl StoppedNode {
    pub fn open(home: &Home) -> anyhow::Result<Self> {
        let config = AppConfig::load(&home.app_toml())?;
        let storage = super::start::open_storage(home, &crate::modules::module_set(), config.pruning.keep_recent)?;
        let empty = "this node has not committed a block yet";
        let meta = ChainMeta::load(&storage)?.context(empty)?;
        let latest = storage.latest_version().context(empty)?;
        Ok(Self { storage, meta, latest })
    }

    /// The store version of `height` (latest when `None`), if this node retains it.
    pub fn version_at(&self, height: Option<u64>) -> anyhow::Result<veritas_store::Version> {
        let Some(height) = height else { return Ok(self.latest) };
        let earliest = self.storage.earliest_version();
        self.meta.version_of(height).filter(|v| *v <= self.latest && *v >= earliest).with_context(|| {
            format!(
                "height {height} is not retained: this node has heights {} to {}",
                self.meta.height_of(earliest),
                self.meta.height_of(self.latest)
            )
        })
    }
}

pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let home = Home::resolve(args.home.home)?;
    home.ensure_initialised()?;
    let modules = crate::modules::module_set();
    let node = StoppedNode::open(&home)?;
    let version = node.version_at(args.height)?;
    let StoppedNode { storage, meta, latest } = node;
    let height = meta.height_of(version);
    let view = storage.export_view(version)?;
    let app_state = modules
        .export_genesis(&QueryContext::new(height, &meta.chain_id, &view))
        .map_err(|e| anyhow::anyhow!("cannot export the state at height {height}: {}", e.log()))?;

    let mut document = crate::genesis_doc::read_genesis(&home.genesis())?;
    document["app_state"] = app_state;
    // The new chain continues after the exported block, as the SDK's export does.
    document["initial_height"] = Value::String((height + 1).to_string());
    if version == latest {
        // Its first block is then no earlier than the state it carries.
        let time = crate::chain_meta::recorded_last_block_time(&storage).with_context(|| {
            format!(
                "the time of block {height} is unknown here (this node was restored from a snapshot at that \
                 height and learns block times from its next block); export once it has committed one more"
            )
        })?;
        let time = tendermint::Time::from_unix_timestamp(time.seconds, time.nanos as u32)
            .map_err(|e| anyhow::anyhow!("the last block time is invalid: {e}"))?;
        document["genesis_time"] = Value::String(time.to_rfc3339());
    }
    crate::genesis_doc::validate(&document).context("the exported document does not validate")?;
    let text = serde_json::to_string_pretty(&document)? + "\n";
    match args.output {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("exported height {height} of {} to {}", meta.chain_id, path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
