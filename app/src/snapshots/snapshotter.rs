//! Snapshots taken while the node runs, every app.toml `state_sync.snapshot_interval`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use veritas_store::{Storage, Version};

use super::SnapshotStore;

/// Writes a snapshot every `interval` heights in the background (app.toml `[state_sync]`),
/// keeping the `keep_recent` newest; consensus never waits for it.
pub struct Snapshotter {
    store: Arc<SnapshotStore>,
    interval: u64,
    keep_recent: usize,
    busy: Arc<AtomicBool>,
}

impl Snapshotter {
    pub fn new(store: Arc<SnapshotStore>, interval: u64, keep_recent: usize) -> Self {
        Self { store, interval, keep_recent, busy: Arc::new(AtomicBool::new(false)) }
    }

    /// Called after each commit: starts a snapshot of `version` when `height` is due.
    pub fn after_commit(&self, storage: &Storage, version: Version, height: u64) {
        if self.interval == 0 || !height.is_multiple_of(self.interval) {
            return;
        }
        if self.busy.swap(true, Ordering::SeqCst) {
            tracing::warn!(height, "skipping this snapshot: the previous one is still being written");
            return;
        }
        let (storage, store, busy, keep) = (storage.clone(), self.store.clone(), self.busy.clone(), self.keep_recent);
        let spawned = std::thread::Builder::new().name("snapshot".into()).spawn(move || {
            let started = std::time::Instant::now();
            let metrics = crate::telemetry::metrics();
            match store.create(&storage, version, height) {
                Ok(manifest) => {
                    metrics.snapshot_height.set(i64::try_from(height).unwrap_or(i64::MAX));
                    metrics.snapshot_seconds.set(started.elapsed().as_secs_f64());
                    tracing::info!(
                        height,
                        chunks = manifest.chunk_hashes.len(),
                        entries = manifest.entries,
                        ms = started.elapsed().as_millis() as u64,
                        "snapshot written"
                    )
                }
                // A version pruned mid-walk (a small pruning.keep_recent) lands here.
                Err(e) => {
                    metrics.snapshot_failures.inc();
                    tracing::error!(height, "cannot write the snapshot: {e:#}")
                }
            }
            if let Err(e) = store.prune(keep) {
                tracing::warn!("cannot remove old snapshots: {e:#}");
            }
            busy.store(false, Ordering::SeqCst);
        });
        if let Err(e) = spawned {
            tracing::error!("cannot start the snapshot thread: {e}");
            self.busy.store(false, Ordering::SeqCst);
        }
    }
}
