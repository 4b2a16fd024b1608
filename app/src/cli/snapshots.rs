//! `veritasd snapshots list|export|restore|delete`: the node's state-sync snapshots (the
//! SDK's `simd snapshots`). `export` and `restore` open the state database, so the node
//! must be stopped.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{print, Output};
use super::HomeArg;
use crate::chain_meta::ChainMeta;
use crate::home::Home;
use crate::snapshots::{ChunkVerdict, Restore, SnapshotStore};

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    command: SnapshotsCommand,
    #[command(flatten)]
    home: HomeArg,
    #[arg(long, value_enum, default_value = "text", global = true)]
    output: Output,
}

#[derive(Debug, Subcommand)]
enum SnapshotsCommand {
    /// The snapshots in <home>/data/snapshots, newest first.
    List,
    /// Write a snapshot of the latest (or a retained) height; stop the node first.
    Export {
        #[arg(long)]
        height: Option<u64>,
    },
    /// Rebuild the state database from the snapshot at a height (the database must be
    /// empty: move data/state.db away first). Every chunk and the rebuilt app hash are
    /// checked against the manifest. On start, CometBFT replays its blocks after that height.
    Restore { height: u64 },
    /// Remove the snapshot at a height.
    Delete { height: u64 },
}

pub fn run(args: SnapshotsArgs) -> anyhow::Result<()> {
    let home = Home::resolve(args.home.home)?;
    home.ensure_initialised()?;
    let store = SnapshotStore::new(home.snapshots());
    match args.command {
        SnapshotsCommand::List => {
            let listed: Vec<_> = store
                .list()?
                .into_iter()
                .map(|m| json!({ "height": m.height, "format": m.format, "chunks": m.chunk_hashes.len(), "entries": m.entries, "app_hash": m.app_hash }))
                .collect();
            print(args.output, &json!({ "snapshots": listed }));
        }
        SnapshotsCommand::Export { height } => {
            let node = super::export::StoppedNode::open(&home)?;
            let version = node.version_at(height)?;
            let manifest = store.create(&node.storage, version, node.meta.height_of(version))?;
            print(
                args.output,
                &json!({ "height": manifest.height, "chunks": manifest.chunk_hashes.len(), "entries": manifest.entries, "app_hash": manifest.app_hash, "dir": store.dir() }),
            );
        }
        SnapshotsCommand::Restore { height } => {
            let restored = restore_from_disk(&home, &store, height)?;
            print(args.output, &restored);
        }
        SnapshotsCommand::Delete { height } => {
            store.delete(height)?;
            print(args.output, &json!({ "deleted": height }));
        }
    }
    Ok(())
}

/// Restores the snapshot at `height` of `store` into the (empty) state database of `home`.
fn restore_from_disk(home: &Home, store: &SnapshotStore, height: u64) -> anyhow::Result<serde_json::Value> {
    let manifest = store
        .list()?
        .into_iter()
        .find(|m| m.height == height)
        .ok_or_else(|| anyhow::anyhow!("there is no snapshot at height {height} in {}", store.dir().display()))?;
    let genesis = crate::genesis_doc::read_genesis(&home.genesis())?;
    let chain = ChainMeta::from_genesis(&genesis)?;
    let config = crate::config::AppConfig::load(&home.app_toml())?;
    let storage = super::start::open_storage(home, &crate::modules::module_set(), config.pruning.keep_recent)?;
    if let Some(version) = storage.latest_version() {
        anyhow::bail!(
            "{} already holds state (version {version}); stop the node and move it away before restoring",
            home.state_db().display()
        );
    }
    // The manifest on this disk is what the operator trusts here.
    let trusted = hex::decode(&manifest.app_hash).context("the manifest's app hash is not hex")?;
    let mut restore =
        Restore::new(manifest.clone(), &trusted, storage.substores()).map_err(|e| anyhow::anyhow!("{e}"))?;
    for index in 0..restore.chunks() {
        let chunk = store.chunk(height, index).ok_or_else(|| anyhow::anyhow!("chunk {index} is missing"))?;
        match restore.apply(index, &chunk) {
            ChunkVerdict::Accepted { .. } => {}
            ChunkVerdict::Corrupt(why) | ChunkVerdict::BadSnapshot(why) => anyhow::bail!("{why}"),
            ChunkVerdict::Missing => anyhow::bail!("chunk {index} is empty"),
            ChunkVerdict::OutOfOrder { expected } => anyhow::bail!("chunk {index} applied before {expected}"),
        }
    }
    let meta = restore.commit(&storage, &chain)?;
    Ok(json!({ "restored": meta.initial_height, "entries": manifest.entries, "app_hash": manifest.app_hash }))
}
