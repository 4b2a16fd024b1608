//! Snapshots kept on disk, in the format of [`veritas_store::snapshot`]:
//! `<home>/data/snapshots/<height>/manifest.json` and `chunk-<i>` files, written under a
//! temporary name and renamed, so a listed snapshot is always complete.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use veritas_store::snapshot::{chunk_hash, write_chunks, FORMAT, MAX_CHUNK_BYTES};
use veritas_store::{Storage, Version};

/// What a snapshot holds, as ABCI `Snapshot.metadata` carries it (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub height: u64,
    pub format: u32,
    /// The app hash of `height` (hex), which a restored state must reproduce.
    pub app_hash: String,
    /// SHA-256 of each chunk (hex), in order.
    pub chunk_hashes: Vec<String>,
    pub entries: u64,
}

impl Manifest {
    /// The manifest's bytes (the ABCI snapshot metadata) and their SHA-256 (its hash).
    pub fn encoded(&self) -> (Vec<u8>, [u8; 32]) {
        let bytes = serde_json::to_vec(self).expect("a manifest serialises");
        let hash = Sha256::digest(&bytes).into();
        (bytes, hash)
    }
}

/// The snapshots of one node home.
pub struct SnapshotStore {
    dir: PathBuf,
}

impl SnapshotStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn snapshot_dir(&self, height: u64) -> PathBuf {
        self.dir.join(height.to_string())
    }

    /// Writes the snapshot of store `version` (at chain `height`).
    pub fn create(&self, storage: &Storage, version: Version, height: u64) -> anyhow::Result<Manifest> {
        let app_hash = storage.root_hash(version)?;
        let entries = storage.snapshot_entries(version)?;
        let count = entries.len() as u64;
        let chunks = write_chunks(entries, MAX_CHUNK_BYTES)?;
        anyhow::ensure!(
            chunks.len() <= super::restore::MAX_CHUNKS,
            "the state at height {height} needs {} chunks, more than the {} a peer accepts",
            chunks.len(),
            super::restore::MAX_CHUNKS
        );
        let manifest = Manifest {
            height,
            format: FORMAT,
            app_hash: hex::encode_upper(app_hash),
            chunk_hashes: chunks.iter().map(|c| hex::encode(chunk_hash(c))).collect(),
            entries: count,
        };
        let partial = self.dir.join(format!(".{height}.partial"));
        if partial.exists() {
            std::fs::remove_dir_all(&partial)?;
        }
        std::fs::create_dir_all(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
        for (i, chunk) in chunks.iter().enumerate() {
            std::fs::write(partial.join(format!("chunk-{i}")), chunk)?;
        }
        std::fs::write(partial.join("manifest.json"), serde_json::to_vec_pretty(&manifest)?)?;
        let done = self.snapshot_dir(height);
        if done.exists() {
            std::fs::remove_dir_all(&done)?;
        }
        std::fs::rename(&partial, &done).with_context(|| format!("cannot move the snapshot to {}", done.display()))?;
        Ok(manifest)
    }

    /// Every complete snapshot, newest first.
    pub fn list(&self) -> anyhow::Result<Vec<Manifest>> {
        let mut manifests = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(manifests) };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.parse::<u64>().is_err() {
                continue;
            }
            let text = std::fs::read(entry.path().join("manifest.json"))
                .with_context(|| format!("snapshot {name} has no manifest"))?;
            manifests.push(
                serde_json::from_slice::<Manifest>(&text).with_context(|| format!("snapshot {name}: bad manifest"))?,
            );
        }
        manifests.sort_by_key(|m| std::cmp::Reverse(m.height));
        Ok(manifests)
    }

    /// Chunk `index` of the snapshot at `height`, if it exists.
    pub fn chunk(&self, height: u64, index: u32) -> Option<Vec<u8>> {
        std::fs::read(self.snapshot_dir(height).join(format!("chunk-{index}"))).ok()
    }

    pub fn delete(&self, height: u64) -> anyhow::Result<()> {
        let dir = self.snapshot_dir(height);
        anyhow::ensure!(dir.exists(), "there is no snapshot at height {height}");
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))
    }

    /// Keeps the `keep` newest snapshots and removes the rest.
    pub fn prune(&self, keep: usize) -> anyhow::Result<()> {
        for old in self.list()?.into_iter().skip(keep) {
            self.delete(old.height)?;
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veritas_store::{StorageConfig, WriteSet};

    fn storage(dir: &Path) -> Storage {
        let storage = Storage::open(dir, StorageConfig { substores: vec!["bank".into()], keep_recent: 0 }).unwrap();
        for round in 0..3u8 {
            let mut writes = WriteSet::new();
            for i in 0..50u8 {
                writes.put("bank", vec![round, i], vec![i; 100]);
            }
            storage.commit(storage.prepare_commit(&writes, &[]).unwrap()).unwrap();
        }
        storage
    }

    #[test]
    fn snapshots_are_written_listed_served_and_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let storage = storage(&dir.path().join("db"));
        let snapshots = SnapshotStore::new(dir.path().join("snapshots"));
        assert!(snapshots.list().unwrap().is_empty());
        for (version, height) in [(0, 1), (1, 2), (2, 3)] {
            let manifest = snapshots.create(&storage, version, height).unwrap();
            assert_eq!(manifest.app_hash, hex::encode_upper(storage.root_hash(version).unwrap()));
            assert_eq!(manifest.entries, 50 * (version + 1));
        }
        let listed = snapshots.list().unwrap();
        assert_eq!(listed.iter().map(|m| m.height).collect::<Vec<_>>(), vec![3, 2, 1]);
        let chunk = snapshots.chunk(3, 0).unwrap();
        assert_eq!(hex::encode(chunk_hash(&chunk)), listed[0].chunk_hashes[0]);
        assert_eq!(veritas_store::snapshot::read_chunk(&chunk).unwrap().len(), 150);
        assert!(snapshots.chunk(3, 1).is_none());
        snapshots.prune(2).unwrap();
        assert_eq!(snapshots.list().unwrap().len(), 2);
        assert!(snapshots.delete(1).is_err(), "already pruned");
        let (bytes, hash) = listed[0].encoded();
        assert_eq!(serde_json::from_slice::<Manifest>(&bytes).unwrap(), listed[0]);
        assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(&bytes)));
    }
}
