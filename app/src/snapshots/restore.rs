//! Restoring a snapshot into an empty state database: the manifest checked against the
//! app hash the restorer trusts, each chunk against the manifest's hash of it, and the
//! rebuilt tree's root against the trusted app hash before anything is written.
//!
//! CometBFT's state sync drives it chunk by chunk (OfferSnapshot, ApplySnapshotChunk);
//! `veritasd snapshots restore` drives it from a snapshot on disk.

use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::Snapshot;
use veritas_store::snapshot::{chunk_hash, read_chunk, FORMAT, MAX_CHUNK_BYTES};
use veritas_store::{Storage, WriteSet};

use super::Manifest;
use crate::chain_meta::ChainMeta;

/// A manifest lists a hash per chunk (about 67 bytes of metadata each): 50,000 keeps the
/// metadata under CometBFT's 4 MB state-sync message, and bounds what a peer can make us
/// parse. 50,000 chunks of 10 MB is 500 GB of state.
pub const MAX_CHUNKS: usize = 50_000;
const MAX_METADATA_BYTES: usize = MAX_CHUNKS * 70 + 4096;

/// Why an offered snapshot is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferRefusal {
    /// A format this version cannot read (CometBFT then skips every snapshot of it).
    Format(u32),
    /// The snapshot contradicts itself or the trusted app hash.
    Invalid(String),
}

impl std::fmt::Display for OfferRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Format(format) => write!(f, "snapshot format {format} is not supported (this node reads {FORMAT})"),
            Self::Invalid(why) => f.write_str(why),
        }
    }
}

/// What to do after a chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkVerdict {
    /// Taken; `done` once it was the last one.
    Accepted { done: bool },
    /// Its hash is not the manifest's: fetch it again, from someone else.
    Corrupt(String),
    /// Empty where the manifest lists content: its sender no longer has the snapshot
    /// (pruned); fetch it again without blaming the sender.
    Missing,
    /// Not the chunk expected next (CometBFT applies them in order).
    OutOfOrder { expected: u32 },
    /// It matches the manifest but is not a valid chunk, so the snapshot itself is bad.
    BadSnapshot(String),
}

/// A snapshot being restored.
pub struct Restore {
    manifest: Manifest,
    trusted_app_hash: [u8; 32],
    /// The substores this node has; a snapshot naming another is bad.
    substores: Vec<String>,
    next_chunk: u32,
    writes: WriteSet,
    entries: u64,
    /// The last entry's substore (index into `substores`) and key, and the substores
    /// finished before it: entries come substore by substore, each substore once, keys
    /// strictly increasing, so duplicates are caught as they arrive.
    last: Option<(usize, Vec<u8>)>,
    finished: Vec<usize>,
}

impl Restore {
    /// Checks an offered snapshot (ABCI OfferSnapshot) against the app hash CometBFT's
    /// light client verified for its height.
    pub fn offer(snapshot: &Snapshot, trusted_app_hash: &[u8], substores: &[String]) -> Result<Self, OfferRefusal> {
        let invalid = |why: String| OfferRefusal::Invalid(why);
        if snapshot.format != FORMAT {
            return Err(OfferRefusal::Format(snapshot.format));
        }
        if snapshot.metadata.len() > MAX_METADATA_BYTES {
            return Err(invalid(format!("snapshot metadata of {} bytes is too large", snapshot.metadata.len())));
        }
        if Sha256::digest(&snapshot.metadata).as_slice() != snapshot.hash.as_ref() {
            return Err(invalid("the snapshot hash is not the SHA-256 of its metadata".into()));
        }
        let manifest: Manifest = serde_json::from_slice(&snapshot.metadata)
            .map_err(|e| invalid(format!("the snapshot metadata is not a manifest: {e}")))?;
        if manifest.height != snapshot.height
            || manifest.format != snapshot.format
            || manifest.chunk_hashes.len() != snapshot.chunks as usize
        {
            return Err(invalid(format!(
                "the manifest (height {}, format {}, {} chunks) disagrees with the snapshot (height {}, format {}, {} chunks)",
                manifest.height,
                manifest.format,
                manifest.chunk_hashes.len(),
                snapshot.height,
                snapshot.format,
                snapshot.chunks
            )));
        }
        Self::new(manifest, trusted_app_hash, substores)
    }

    /// Starts restoring `manifest`, whose state must hash to `trusted_app_hash`, into a
    /// store of `substores`.
    pub fn new(manifest: Manifest, trusted_app_hash: &[u8], substores: &[String]) -> Result<Self, OfferRefusal> {
        let invalid = |why: String| OfferRefusal::Invalid(why);
        if manifest.format != FORMAT {
            return Err(OfferRefusal::Format(manifest.format));
        }
        let trusted_app_hash: [u8; 32] = trusted_app_hash
            .try_into()
            .map_err(|_| invalid(format!("the trusted app hash has {} bytes, not 32", trusted_app_hash.len())))?;
        if !manifest.app_hash.eq_ignore_ascii_case(&hex::encode(trusted_app_hash)) {
            return Err(invalid(format!(
                "the snapshot at height {} claims app hash {} but the trusted one is {}",
                manifest.height,
                manifest.app_hash,
                hex::encode_upper(trusted_app_hash)
            )));
        }
        if manifest.chunk_hashes.is_empty() || manifest.chunk_hashes.len() > MAX_CHUNKS {
            return Err(invalid(format!("a snapshot of {} chunks (1 to {MAX_CHUNKS})", manifest.chunk_hashes.len())));
        }
        if let Some(bad) = manifest.chunk_hashes.iter().find(|h| h.len() != 64 || hex::decode(h).is_err()) {
            return Err(invalid(format!("chunk hash {bad:?} is not 32 bytes of hex")));
        }
        Ok(Self {
            manifest,
            trusted_app_hash,
            substores: substores.to_vec(),
            next_chunk: 0,
            writes: WriteSet::new(),
            entries: 0,
            last: None,
            finished: Vec::new(),
        })
    }

    pub fn height(&self) -> u64 {
        self.manifest.height
    }

    pub fn chunks(&self) -> u32 {
        self.manifest.chunk_hashes.len() as u32
    }

    /// Takes chunk `index` (ABCI ApplySnapshotChunk); nothing is written yet.
    pub fn apply(&mut self, index: u32, chunk: &[u8]) -> ChunkVerdict {
        if index != self.next_chunk {
            return ChunkVerdict::OutOfOrder { expected: self.next_chunk };
        }
        let expected = &self.manifest.chunk_hashes[index as usize];
        if chunk.is_empty() && !hex::encode(chunk_hash(chunk)).eq_ignore_ascii_case(expected) {
            return ChunkVerdict::Missing;
        }
        if chunk.len() > MAX_CHUNK_BYTES || !hex::encode(chunk_hash(chunk)).eq_ignore_ascii_case(expected) {
            return ChunkVerdict::Corrupt(format!(
                "chunk {index} of the snapshot at height {} ({} bytes) does not match its hash {expected}",
                self.manifest.height,
                chunk.len()
            ));
        }
        let entries = match read_chunk(chunk) {
            Ok(entries) => entries,
            Err(e) => return ChunkVerdict::BadSnapshot(format!("chunk {index}: {e}")),
        };
        // The manifest's count bounds what is held; the order rules out duplicates.
        if self.entries + entries.len() as u64 > self.manifest.entries {
            return ChunkVerdict::BadSnapshot(format!(
                "chunk {index} brings the entries past the {} its manifest lists",
                self.manifest.entries
            ));
        }
        // Order first (borrowing), then move the entries in: only each chunk's last key is kept.
        let mut previous: Option<(usize, &[u8])> = self.last.as_ref().map(|(s, k)| (*s, k.as_slice()));
        let mut finished = self.finished.clone();
        for entry in &entries {
            let Some(substore) = self.substores.iter().position(|s| *s == entry.substore) else {
                return ChunkVerdict::BadSnapshot(format!("chunk {index}: unknown substore {:?}", entry.substore));
            };
            let in_order = match previous {
                Some((last_substore, last_key)) if last_substore == substore => entry.key.as_slice() > last_key,
                Some((last_substore, _)) => {
                    finished.push(last_substore);
                    !finished.contains(&substore)
                }
                None => true,
            };
            if !in_order {
                return ChunkVerdict::BadSnapshot(format!(
                    "chunk {index}: entries out of order in substore {:?}",
                    entry.substore
                ));
            }
            previous = Some((substore, &entry.key));
        }
        let last = previous.map(|(substore, key)| (substore, key.to_vec()));
        self.last = last;
        self.finished = finished;
        self.entries += entries.len() as u64;
        for entry in entries {
            self.writes.put(&entry.substore, entry.key, entry.value);
        }
        self.next_chunk += 1;
        ChunkVerdict::Accepted { done: self.next_chunk == self.chunks() }
    }

    /// Rebuilds the tree from every chunk into the empty `storage`, checks its root against
    /// the trusted app hash, and only then writes it, as version 0 held at the snapshot's
    /// height, with the chain facts of `genesis`. Returns the facts recorded.
    pub fn commit(self, storage: &Storage, genesis: &ChainMeta) -> anyhow::Result<ChainMeta> {
        anyhow::ensure!(
            self.next_chunk == self.chunks(),
            "only {} of {} chunks were applied",
            self.next_chunk,
            self.chunks()
        );
        if let Some(version) = storage.latest_version() {
            anyhow::bail!(
                "the state database already holds version {version}; a snapshot restores only into an empty one"
            );
        }
        anyhow::ensure!(
            self.entries == self.manifest.entries,
            "the snapshot carried {} entries but its manifest lists {}",
            self.entries,
            self.manifest.entries
        );
        let meta = ChainMeta { initial_height: self.manifest.height, ..genesis.clone() };
        let prepared = storage.prepare_commit(&self.writes, &meta.aux_entries())?;
        anyhow::ensure!(
            prepared.root() == self.trusted_app_hash,
            "the restored state hashes to {} but the trusted app hash of height {} is {}",
            hex::encode_upper(prepared.root()),
            self.manifest.height,
            hex::encode_upper(self.trusted_app_hash)
        );
        storage.commit(prepared)?;
        Ok(meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use veritas_store::snapshot::{write_chunks, SnapshotEntry};
    use veritas_store::StorageConfig;

    fn bank() -> Vec<String> {
        vec!["bank".into()]
    }

    fn chain() -> ChainMeta {
        ChainMeta { chain_id: "c".into(), initial_height: 1, max_block_bytes: None, max_gas: None }
    }

    fn storage(dir: &std::path::Path) -> Storage {
        Storage::open(dir, StorageConfig { substores: vec!["bank".into()], keep_recent: 0 }).unwrap()
    }

    /// A manifest of `chunks` claiming `app_hash`.
    fn manifest(chunks: &[Vec<u8>], entries: u64, app_hash: [u8; 32]) -> Manifest {
        Manifest {
            height: 40,
            format: FORMAT,
            app_hash: hex::encode_upper(app_hash),
            chunk_hashes: chunks.iter().map(|c| hex::encode(chunk_hash(c))).collect(),
            entries,
        }
    }

    fn entries(n: u8) -> Vec<SnapshotEntry> {
        (0..n).map(|i| SnapshotEntry { substore: "bank".into(), key: vec![i], value: vec![i; 3] }).collect()
    }

    #[test]
    fn chunks_must_come_in_order_and_parse() {
        let chunks = write_chunks(entries(60), 200).unwrap();
        assert!(chunks.len() > 2);
        let mut restore = Restore::new(manifest(&chunks, 60, [7; 32]), &[7; 32], &bank()).unwrap();
        assert_eq!(restore.apply(1, &chunks[1]), ChunkVerdict::OutOfOrder { expected: 0 });
        assert_eq!(restore.apply(0, &chunks[0]), ChunkVerdict::Accepted { done: false });
        assert!(matches!(restore.apply(1, &chunks[2]), ChunkVerdict::Corrupt(_)));

        // A chunk the manifest vouches for that is not a chunk condemns the snapshot.
        let garbage = vec![vec![200u8, 1, 2]];
        let mut restore = Restore::new(manifest(&garbage, 1, [7; 32]), &[7; 32], &bank()).unwrap();
        assert!(matches!(restore.apply(0, &garbage[0]), ChunkVerdict::BadSnapshot(_)));
    }

    #[test]
    fn empty_chunks_are_missing_and_disorder_duplicates_and_excess_condemn_the_snapshot() {
        let chunks = write_chunks(entries(10), 1_000).unwrap();
        let mut restore = Restore::new(manifest(&chunks, 10, [7; 32]), &[7; 32], &bank()).unwrap();
        assert_eq!(restore.apply(0, &[]), ChunkVerdict::Missing, "a pruned snapshot's empty answer");
        assert_eq!(restore.apply(0, &chunks[0]), ChunkVerdict::Accepted { done: true });

        let mut shuffled = entries(10);
        shuffled.swap(3, 4);
        let bad = |list: Vec<SnapshotEntry>, listed: u64| {
            let chunks = write_chunks(list, 1_000).unwrap();
            let mut restore = Restore::new(manifest(&chunks, listed, [7; 32]), &[7; 32], &bank()).unwrap();
            restore.apply(0, &chunks[0])
        };
        assert!(matches!(bad(shuffled, 10), ChunkVerdict::BadSnapshot(e) if e.contains("out of order")));
        let mut doubled = entries(10);
        doubled.push(doubled[9].clone());
        assert!(matches!(bad(doubled, 11), ChunkVerdict::BadSnapshot(e) if e.contains("out of order")));
        assert!(matches!(bad(entries(10), 9), ChunkVerdict::BadSnapshot(e) if e.contains("past the 9")));
        let mut other = entries(2);
        other[1].substore = "nosuch".into();
        assert!(matches!(bad(other, 2), ChunkVerdict::BadSnapshot(e) if e.contains("unknown substore")));
        let mut revisit = entries(3);
        revisit[1].substore = "ibc".into();
        let chunks = write_chunks(revisit, 1_000).unwrap();
        let two = vec!["bank".to_owned(), "ibc".to_owned()];
        let mut restore = Restore::new(manifest(&chunks, 3, [7; 32]), &[7; 32], &two).unwrap();
        assert!(matches!(restore.apply(0, &chunks[0]), ChunkVerdict::BadSnapshot(e) if e.contains("out of order")));
    }

    #[test]
    fn a_state_that_does_not_hash_to_the_trusted_app_hash_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let storage = storage(dir.path());
        let chunks = write_chunks(entries(10), 1_000).unwrap();
        // The manifest claims the trusted hash, but its entries hash to something else.
        let mut restore = Restore::new(manifest(&chunks, 10, [7; 32]), &[7; 32], &bank()).unwrap();
        assert_eq!(restore.apply(0, &chunks[0]), ChunkVerdict::Accepted { done: true });
        let err = restore.commit(&storage, &chain()).unwrap_err().to_string();
        assert!(err.contains("trusted app hash of height 40"), "{err}");
        assert_eq!(storage.latest_version(), None);
    }

    #[test]
    fn offers_are_checked_against_the_trusted_hash_and_their_own_metadata() {
        let chunks = write_chunks(entries(3), 1_000).unwrap();
        let manifest = manifest(&chunks, 3, [7; 32]);
        let (metadata, hash) = manifest.encoded();
        let snapshot = Snapshot {
            height: 40,
            format: FORMAT,
            chunks: 1,
            hash: hash.to_vec().into(),
            metadata: metadata.clone().into(),
        };
        assert!(Restore::offer(&snapshot, &[7; 32], &bank()).is_ok());
        assert!(matches!(Restore::offer(&snapshot, &[8; 32], &bank()), Err(OfferRefusal::Invalid(_))));
        assert!(matches!(Restore::offer(&snapshot, &[7; 31], &bank()), Err(OfferRefusal::Invalid(_))));
        assert_eq!(
            Restore::offer(&Snapshot { format: 2, ..snapshot.clone() }, &[7; 32], &bank()).err(),
            Some(OfferRefusal::Format(2))
        );
        for bad in [
            Snapshot { height: 41, ..snapshot.clone() },
            Snapshot { chunks: 2, ..snapshot.clone() },
            Snapshot { hash: vec![0; 32].into(), ..snapshot.clone() },
            Snapshot {
                metadata: b"{}".to_vec().into(),
                hash: Sha256::digest(b"{}").to_vec().into(),
                ..snapshot.clone()
            },
        ] {
            assert!(matches!(Restore::offer(&bad, &[7; 32], &bank()), Err(OfferRefusal::Invalid(_))), "{bad:?}");
        }
    }
}
