//! `veritasd snapshots list|export|delete`: the node's state-sync snapshots (the SDK's
//! `simd snapshots`). `export` reads the state database, so the node must be stopped.

use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{print, Output};
use super::HomeArg;
use crate::home::Home;
use crate::snapshots::SnapshotStore;

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
        SnapshotsCommand::Delete { height } => {
            store.delete(height)?;
            print(args.output, &json!({ "deleted": height }));
        }
    }
    Ok(())
}
