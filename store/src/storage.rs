//! The RocksDB-backed store: opening, versioned reads, proofs, atomic commits, pruning.

use std::path::Path;
use std::sync::{Arc, RwLock};

use jmt::{KeyHash, Sha256Jmt};
use rocksdb::{ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, WriteOptions, DB};
use sha2::Sha256;

use crate::layout::{self, *};
use crate::proof::StateProof;
use crate::tree_reader::{latest_entry, read_value, root_node_key, RocksTreeReader};
use crate::{KvRead, RootHash, StoreError, WriteSet};

/// A committed state version. Versions count commits from 0, without gaps.
pub type Version = u64;

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StorageConfig {
    /// Names of the substores (one per module). Every substore gets a root at every
    /// version, so reads and proofs work at any kept version.
    pub substores: Vec<String>,
    /// Keep this many most recent versions readable; 0 keeps every version.
    pub keep_recent: u64,
}

#[derive(Debug, Clone, Copy)]
struct Versions {
    latest: Option<Version>,
    earliest: Version,
}

struct Inner {
    db: DB,
    substores: Vec<String>,
    keep_recent: u64,
    versions: RwLock<Versions>,
}

/// Versioned, provable key-value state. Cheap to clone; clones share one database.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

/// One substore's share of a commit, computed off the main thread.
struct SubstoreUpdate {
    root: RootHash,
    update: jmt::storage::TreeUpdateBatch,
    fresh: bool,
    /// Hashes of the changed keys, in key order.
    key_hashes: Vec<KeyHash>,
    /// For each changed key, the version of the value it replaces (to mark stale).
    previous: Vec<Option<Version>>,
}

/// The result of [`Storage::prepare_commit`]: the next root, computed but not yet written.
pub struct PreparedCommit {
    version: Version,
    root: RootHash,
    batch: WriteBatch,
    earliest: Version,
}

impl PreparedCommit {
    pub fn version(&self) -> Version {
        self.version
    }
    /// The app hash this commit will produce.
    pub fn root(&self) -> RootHash {
        self.root
    }
}

impl std::fmt::Debug for PreparedCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedCommit").field("version", &self.version).field("root", &hex::encode(self.root)).finish()
    }
}

impl Storage {
    /// Opens (or creates) the store at `path` and loads its latest version.
    pub fn open(path: impl AsRef<Path>, config: StorageConfig) -> Result<Self, StoreError> {
        let mut substores = config.substores;
        substores.sort();
        substores.dedup();
        if let Some(bad) = substores.iter().find(|s| s.is_empty() || s.as_bytes().contains(&0)) {
            return Err(StoreError::UnknownSubstore(format!("invalid substore name {bad:?}")));
        }
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        let cfs = ALL_CFS.iter().map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
        let db = DB::open_cf_descriptors(&opts, path, cfs)?;
        let meta = |key: &[u8]| -> Result<Option<u64>, StoreError> {
            let cf = db.cf_handle(CF_META).expect("opened with every column family");
            match db.get_cf(cf, key)? {
                Some(raw) => layout::decode_u64(&raw)
                    .map(Some)
                    .ok_or_else(|| StoreError::Corrupt(format!("bad meta entry {}", String::from_utf8_lossy(key)))),
                None => Ok(None),
            }
        };
        let versions =
            Versions { latest: meta(META_LATEST_VERSION)?, earliest: meta(META_EARLIEST_VERSION)?.unwrap_or(0) };
        Ok(Self {
            inner: Arc::new(Inner { db, substores, keep_recent: config.keep_recent, versions: RwLock::new(versions) }),
        })
    }

    /// The latest committed version, or `None` before the first commit.
    pub fn latest_version(&self) -> Option<Version> {
        self.versions().latest
    }

    /// The earliest version still readable (pruning moves it forward).
    pub fn earliest_version(&self) -> Version {
        self.versions().earliest
    }

    pub fn substores(&self) -> &[String] {
        &self.inner.substores
    }

    /// The app hash at `version`.
    pub fn root_hash(&self, version: Version) -> Result<RootHash, StoreError> {
        self.check_version(version)?;
        let reader = RocksTreeReader::new(&self.inner.db, ROOT_TREE);
        let root = Sha256Jmt::new(&reader).get_root_hash(version).map_err(StoreError::tree)?;
        Ok(root.0)
    }

    /// The value of `key` in `substore` at `version`.
    pub fn get(&self, substore: &str, key: &[u8], version: Version) -> Result<Option<Vec<u8>>, StoreError> {
        self.check_version(version)?;
        read_value(&self.inner.db, substore, version, KeyHash::with::<Sha256>(key)).map_err(StoreError::tree)
    }

    /// The value of `key` at `version` through a point lookup in the `latest` index,
    /// if `version` is still the latest; `None` means "use the versioned read".
    fn get_if_latest(
        &self,
        substore: &str,
        key: &[u8],
        version: Version,
    ) -> Option<Result<Option<Vec<u8>>, StoreError>> {
        let versions = self.inner.versions.read().expect("versions lock poisoned");
        if versions.latest != Some(version) {
            return None;
        }
        let db = &self.inner.db;
        let cf = db.cf_handle(CF_LATEST).expect("opened with every column family");
        Some(db.get_cf(cf, layout::latest_key(substore, key)).map_err(StoreError::from))
    }

    /// The value of `key` in `substore` at `version`, with ICS-23 proofs chaining it
    /// (or its absence) to the app hash.
    pub fn get_with_proof(&self, substore: &str, key: &[u8], version: Version) -> Result<StateProof, StoreError> {
        self.check_version(version)?;
        if !self.inner.substores.iter().any(|s| s == substore) {
            return Err(StoreError::UnknownSubstore(substore.to_owned()));
        }
        let db = &self.inner.db;
        let sub_reader = RocksTreeReader::new(db, substore);
        let (value, substore_proof) =
            Sha256Jmt::new(&sub_reader).get_with_ics23_proof(key.to_vec(), version).map_err(StoreError::tree)?;
        let root_reader = RocksTreeReader::new(db, ROOT_TREE);
        let root_tree = Sha256Jmt::new(&root_reader);
        let (substore_root, root_proof) =
            root_tree.get_with_ics23_proof(substore.as_bytes().to_vec(), version).map_err(StoreError::tree)?;
        let substore_root = substore_root.ok_or_else(|| StoreError::UnknownSubstore(substore.to_owned()))?;
        let app_hash = root_tree.get_root_hash(version).map_err(StoreError::tree)?.0;
        Ok(StateProof {
            substore: substore.to_owned(),
            key: key.to_vec(),
            value,
            substore_root: substore_root
                .try_into()
                .map_err(|_| StoreError::Corrupt(format!("root of substore {substore} is not 32 bytes")))?,
            app_hash,
            substore_proof,
            root_proof,
        })
    }

    /// Up to `limit` entries of `substore` under `prefix` from `start` on, at the latest version.
    pub fn scan_latest(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<(Option<Version>, Vec<(Vec<u8>, Vec<u8>)>), StoreError> {
        // A commit may land mid-scan; retry until the version is the same before and after.
        loop {
            let before = self.latest_version();
            let entries = self.scan_latest_once(substore, prefix, start, limit)?;
            if self.latest_version() == before {
                return Ok((before, entries));
            }
        }
    }

    fn scan_latest_once(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        let db = &self.inner.db;
        let cf = db.cf_handle(CF_LATEST).expect("opened with every column family");
        let tree = layout::tree_prefix(substore);
        let full_prefix = layout::latest_key(substore, prefix);
        let seek = match start {
            Some(from) if from > prefix => layout::latest_key(substore, from),
            _ => full_prefix.clone(),
        };
        let mut out = Vec::new();
        for entry in db.iterator_cf(cf, IteratorMode::From(&seek, Direction::Forward)) {
            if out.len() >= limit {
                break;
            }
            let (k, v) = entry?;
            if !k.starts_with(&full_prefix) {
                break;
            }
            out.push((k[tree.len()..].to_vec(), v.to_vec()));
        }
        Ok(out)
    }

    /// A read view at `version`, or at the latest version when `None`.
    pub fn view(&self, version: Option<Version>) -> Result<StateView, StoreError> {
        let version = match version {
            Some(v) => {
                self.check_version(v)?;
                Some(v)
            }
            None => self.latest_version(),
        };
        Ok(StateView { storage: self.clone(), version, walked: None })
    }

    /// A view at a retained `version` whose ordered scans work even when `version` is not
    /// the latest, by walking that version's tree: for exporting old heights (offline), not
    /// for queries, whose scans stay bounded to the latest version.
    pub fn export_view(&self, version: Version) -> Result<StateView, StoreError> {
        self.check_version(version)?;
        Ok(StateView { storage: self.clone(), version: Some(version), walked: Some(Default::default()) })
    }

    /// Every entry of every substore at `version`, substore by substore in key order: the
    /// contents of a state-sync snapshot (see [`crate::snapshot`]).
    pub fn snapshot_entries(&self, version: Version) -> Result<Vec<crate::snapshot::SnapshotEntry>, StoreError> {
        let mut entries = Vec::new();
        for substore in &self.inner.substores {
            for (key, value) in self.entries_at(substore, version)? {
                entries.push(crate::snapshot::SnapshotEntry { substore: substore.clone(), key, value });
            }
        }
        Ok(entries)
    }

    /// Every entry of `substore` at `version`, in key order: a full walk of that version's
    /// tree, with each key hash's preimage looked up.
    pub fn entries_at(&self, substore: &str, version: Version) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        self.check_version(version)?;
        if !self.inner.substores.iter().any(|s| s == substore) {
            return Err(StoreError::UnknownSubstore(substore.to_owned()));
        }
        let db = &self.inner.db;
        let reader = Arc::new(RocksTreeReader::new(db, substore));
        let preimages = db.cf_handle(CF_PREIMAGES).expect("opened with every column family");
        let leaves = jmt::JellyfishMerkleIterator::new(reader, version, KeyHash([0; 32])).map_err(StoreError::tree)?;
        let mut entries = Vec::new();
        for leaf in leaves {
            let (key_hash, value) = leaf.map_err(StoreError::tree)?;
            let key = db.get_cf(preimages, layout::preimage_key(substore, key_hash))?.ok_or_else(|| {
                StoreError::Corrupt(format!("no preimage of key hash {} in {substore}", hex::encode(key_hash.0)))
            })?;
            entries.push((key, value));
        }
        entries.sort();
        Ok(entries)
    }

    /// Non-consensus data written with [`Storage::prepare_commit`]'s `aux` argument.
    pub fn aux_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let db = &self.inner.db;
        Ok(db.get_cf(db.cf_handle(CF_AUX).expect("opened with every column family"), key)?)
    }

    /// Computes the next version's root from `writes` without writing anything.
    ///
    /// `aux` entries (`None` deletes) go to the non-consensus column family in the same
    /// atomic batch. Nothing is visible until [`Storage::commit`].
    pub fn prepare_commit(
        &self,
        writes: &WriteSet,
        aux: &[(Vec<u8>, Option<Vec<u8>>)],
    ) -> Result<PreparedCommit, StoreError> {
        if let Some(unknown) = writes.substores.keys().find(|s| !self.inner.substores.contains(s)) {
            return Err(StoreError::UnknownSubstore(unknown.clone()));
        }
        let db = &self.inner.db;
        let cf = |name: &str| db.cf_handle(name).expect("opened with every column family");
        let versions = self.versions();
        let version = versions.latest.map_or(0, |v| v + 1);
        let mut batch = WriteBatch::default();
        let mut stale: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut root_changes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let empty = Default::default();

        // Substore trees are independent: hash them on separate threads, then stage the
        // results in substore order so the batch is the same on every node.
        let computed: Vec<Result<SubstoreUpdate, StoreError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .inner
                .substores
                .iter()
                .map(|name| {
                    let changes = writes.substores.get(name).unwrap_or(&empty);
                    scope.spawn(move || self.compute_substore(name, changes, version))
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("substore hashing thread panicked")).collect()
        });
        for (name, result) in self.inner.substores.iter().zip(computed) {
            let computed = result?;
            let changes = writes.substores.get(name).unwrap_or(&empty);
            self.stage_tree_update(&mut batch, &mut stale, name, &computed.update, version, computed.fresh)?;
            for (previous, key_hash) in computed.previous.iter().zip(&computed.key_hashes) {
                if let Some(previous) = previous {
                    stale.push((STALE_VALUE, layout::value_key(name, *key_hash, *previous)));
                }
            }
            for (((key, value), key_hash), previous) in changes.iter().zip(&computed.key_hashes).zip(&computed.previous)
            {
                match value {
                    Some(v) => {
                        // A key seen before already has its preimage.
                        if previous.is_none() {
                            batch.put_cf(cf(CF_PREIMAGES), layout::preimage_key(name, *key_hash), key);
                        }
                        batch.put_cf(cf(CF_LATEST), layout::latest_key(name, key), v);
                    }
                    None => batch.delete_cf(cf(CF_LATEST), layout::latest_key(name, key)),
                }
            }
            if !changes.is_empty() || version == 0 || computed.fresh {
                root_changes.push((name.as_bytes().to_vec(), computed.root.to_vec()));
            }
        }

        let root_reader = RocksTreeReader::new(db, ROOT_TREE);
        let mut root_set = Vec::with_capacity(root_changes.len());
        for (name, root) in root_changes {
            let key_hash = KeyHash::with::<Sha256>(&name);
            self.stage_previous_value_stale(&mut stale, ROOT_TREE, key_hash, version)?;
            batch.put_cf(cf(CF_PREIMAGES), layout::preimage_key(ROOT_TREE, key_hash), &name);
            root_set.push((key_hash, Some(root)));
        }
        let (app_root, update) =
            Sha256Jmt::new(&root_reader).put_value_set(root_set, version).map_err(StoreError::tree)?;
        self.stage_tree_update(&mut batch, &mut stale, ROOT_TREE, &update, version, false)?;

        let earliest = self.stage_pruning(&mut batch, stale, version, versions.earliest)?;
        batch.put_cf(cf(CF_META), META_LATEST_VERSION, version.to_be_bytes());
        batch.put_cf(cf(CF_META), META_EARLIEST_VERSION, earliest.to_be_bytes());
        for (key, value) in aux {
            match value {
                Some(v) => batch.put_cf(cf(CF_AUX), key, v),
                None => batch.delete_cf(cf(CF_AUX), key),
            }
        }
        Ok(PreparedCommit { version, root: app_root.0, batch, earliest })
    }

    /// New nodes and root of one substore tree after `changes`, without writing.
    fn compute_substore(
        &self,
        name: &str,
        changes: &std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        version: Version,
    ) -> Result<SubstoreUpdate, StoreError> {
        let db = &self.inner.db;
        let mut reader = RocksTreeReader::new(db, name);
        let fresh = version > 0 && !reader.has_root(version - 1).map_err(StoreError::tree)?;
        if fresh {
            reader = reader.with_empty_root_at(version - 1);
        }
        let key_hashes: Vec<KeyHash> = changes.keys().map(KeyHash::with::<Sha256>).collect();
        let value_set: Vec<(KeyHash, Option<Vec<u8>>)> =
            key_hashes.iter().zip(changes.values()).map(|(h, v)| (*h, v.clone())).collect();
        let (root, update) = Sha256Jmt::new(&reader).put_value_set(value_set, version).map_err(StoreError::tree)?;
        let previous = if version == 0 {
            vec![None; key_hashes.len()]
        } else {
            key_hashes
                .iter()
                .map(|h| Ok(latest_entry(db, name, version - 1, *h).map_err(StoreError::tree)?.map(|(v, _)| v)))
                .collect::<Result<Vec<_>, StoreError>>()?
        };
        Ok(SubstoreUpdate { root: root.0, update, fresh, key_hashes, previous })
    }

    /// Writes a prepared commit atomically (one synced RocksDB write batch).
    pub fn commit(&self, prepared: PreparedCommit) -> Result<RootHash, StoreError> {
        let expected = self.latest_version().map_or(0, |v| v + 1);
        if prepared.version != expected {
            return Err(StoreError::Corrupt(format!(
                "prepared commit is for version {} but the next version is {expected}",
                prepared.version
            )));
        }
        let mut opts = WriteOptions::default();
        opts.set_sync(true);
        // Held across the write: readers of the `latest` index see data and version agree.
        let mut versions = self.inner.versions.write().expect("versions lock poisoned");
        self.inner.db.write_opt(prepared.batch, &opts)?;
        versions.latest = Some(prepared.version);
        versions.earliest = prepared.earliest;
        Ok(prepared.root)
    }

    fn versions(&self) -> Versions {
        *self.inner.versions.read().expect("versions lock poisoned")
    }

    fn check_version(&self, version: Version) -> Result<(), StoreError> {
        let versions = self.versions();
        let latest = versions.latest.ok_or(StoreError::Empty)?;
        if version < versions.earliest || version > latest {
            return Err(StoreError::VersionUnavailable { requested: version, earliest: versions.earliest, latest });
        }
        Ok(())
    }

    fn stage_tree_update(
        &self,
        batch: &mut WriteBatch,
        stale: &mut Vec<(u8, Vec<u8>)>,
        tree: &str,
        update: &jmt::storage::TreeUpdateBatch,
        version: Version,
        fresh: bool,
    ) -> Result<(), StoreError> {
        let db = &self.inner.db;
        let nodes_cf = db.cf_handle(CF_NODES).expect("opened with every column family");
        let values_cf = db.cf_handle(CF_VALUES).expect("opened with every column family");
        for (node_key, node) in update.node_batch.nodes() {
            let raw = borsh::to_vec(node).map_err(|e| StoreError::Tree(e.to_string()))?;
            batch.put_cf(nodes_cf, layout::node_key(tree, node_key), raw);
        }
        for ((v, key_hash), value) in update.node_batch.values() {
            batch.put_cf(values_cf, layout::value_key(tree, *key_hash, *v), layout::encode_value(value.as_deref()));
        }
        for index in &update.stale_node_index_batch {
            stale.push((STALE_NODE, layout::node_key(tree, &index.node_key)));
        }
        // An unchanged tree gets a copy of its previous root at the new version; jmt
        // does not mark the old copy stale, so we do.
        if update.stale_node_index_batch.is_empty() && version > 0 && !fresh {
            stale.push((STALE_NODE, layout::node_key(tree, &root_node_key(version - 1))));
        }
        Ok(())
    }

    fn stage_previous_value_stale(
        &self,
        stale: &mut Vec<(u8, Vec<u8>)>,
        tree: &str,
        key_hash: KeyHash,
        version: Version,
    ) -> Result<(), StoreError> {
        if version == 0 {
            return Ok(());
        }
        if let Some((previous, _)) =
            latest_entry(&self.inner.db, tree, version - 1, key_hash).map_err(StoreError::tree)?
        {
            stale.push((STALE_VALUE, layout::value_key(tree, key_hash, previous)));
        }
        Ok(())
    }

    /// Records this commit's stale entries and deletes those no kept version needs.
    /// Returns the earliest version readable after this commit.
    fn stage_pruning(
        &self,
        batch: &mut WriteBatch,
        new_stale: Vec<(u8, Vec<u8>)>,
        version: Version,
        earliest: Version,
    ) -> Result<Version, StoreError> {
        let db = &self.inner.db;
        let stale_cf = db.cf_handle(CF_STALE).expect("opened with every column family");
        let target_cf = |kind: u8| {
            let name = if kind == STALE_NODE { CF_NODES } else { CF_VALUES };
            db.cf_handle(name).expect("opened with every column family")
        };
        let keep = self.inner.keep_recent;
        // An entry stale since `s` serves only versions below `s`.
        let cutoff = if keep == 0 || version < keep { None } else { Some(version + 1 - keep) };
        for (kind, target) in new_stale {
            match cutoff {
                Some(c) if version <= c => batch.delete_cf(target_cf(kind), target),
                _ => batch.put_cf(stale_cf, layout::stale_key(version, kind, &target), []),
            }
        }
        let Some(cutoff) = cutoff else { return Ok(earliest) };
        let start = (earliest + 1).to_be_bytes();
        for entry in db.iterator_cf(stale_cf, IteratorMode::From(&start, Direction::Forward)) {
            let (k, _) = entry?;
            let since =
                k.get(..8).and_then(layout::decode_u64).ok_or_else(|| StoreError::Corrupt("short stale key".into()))?;
            if since > cutoff {
                break;
            }
            let kind = *k.get(8).ok_or_else(|| StoreError::Corrupt("short stale key".into()))?;
            batch.delete_cf(target_cf(kind), &k[9..]);
            batch.delete_cf(stale_cf, &k);
        }
        Ok(cutoff.max(earliest))
    }
}

/// Committed state at one version, readable through [`KvRead`].
#[derive(Clone)]
pub struct StateView {
    storage: Storage,
    version: Option<Version>,
    /// Set by [`Storage::export_view`]: scans of a version that is no longer the latest
    /// walk that version's whole substore once (then served from memory).
    walked: Option<Arc<std::sync::Mutex<std::collections::BTreeMap<String, Arc<Vec<(Vec<u8>, Vec<u8>)>>>>>>,
}

impl StateView {
    /// The version this view reads, `None` for an empty store.
    pub fn version(&self) -> Option<Version> {
        self.version
    }
    pub fn storage(&self) -> &Storage {
        &self.storage
    }
}

impl KvRead for StateView {
    fn get(&self, substore: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.version {
            Some(v) => match self.storage.get_if_latest(substore, key, v) {
                Some(fast) => fast,
                None => self.storage.get(substore, key, v),
            },
            None => Ok(None),
        }
    }

    fn scan(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        let Some(version) = self.version else { return Ok(Vec::new()) };
        let (at, entries) = self.storage.scan_latest(substore, prefix, start, limit)?;
        if at != Some(version) {
            if let Some(walked) = &self.walked {
                let all = {
                    let mut cache = walked.lock().unwrap_or_else(|p| p.into_inner());
                    match cache.get(substore) {
                        Some(all) => all.clone(),
                        None => {
                            let all = Arc::new(self.storage.entries_at(substore, version)?);
                            cache.insert(substore.to_owned(), all.clone());
                            all
                        }
                    }
                };
                let from = start.filter(|s| *s > prefix).unwrap_or(prefix);
                let first = all.partition_point(|(k, _)| k.as_slice() < from);
                return Ok(all[first..]
                    .iter()
                    .take_while(|(k, _)| k.starts_with(prefix))
                    .take(limit)
                    .cloned()
                    .collect());
            }
            return Err(StoreError::Unsupported(format!(
                "ordered scans read only the latest version ({}), not version {version}",
                at.map_or("none".into(), |v| v.to_string())
            )));
        }
        Ok(entries)
    }
}

/// How many entries each part of the store holds (for operators and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryCounts {
    pub nodes: usize,
    pub values: usize,
    pub stale: usize,
}

impl Storage {
    /// Bytes the database holds over every column family: SST files plus memtables
    /// (RocksDB's own figures; cheap: no scan).
    pub fn disk_bytes(&self) -> u64 {
        let db = &self.inner.db;
        let property = |cf, name| db.property_int_value_cf(cf, name).ok().flatten().unwrap_or(0);
        ALL_CFS
            .iter()
            .filter_map(|name| db.cf_handle(name))
            .map(|cf| property(cf, "rocksdb.total-sst-files-size") + property(cf, "rocksdb.size-all-mem-tables"))
            .sum()
    }

    /// Counts entries by scanning; costs a full pass over the tree column families.
    pub fn entry_counts(&self) -> Result<EntryCounts, StoreError> {
        let db = &self.inner.db;
        let count = |name: &str| -> Result<usize, StoreError> {
            let cf = db.cf_handle(name).expect("opened with every column family");
            let mut n = 0;
            for entry in db.iterator_cf(cf, IteratorMode::Start) {
                entry?;
                n += 1;
            }
            Ok(n)
        };
        Ok(EntryCounts { nodes: count(CF_NODES)?, values: count(CF_VALUES)?, stale: count(CF_STALE)? })
    }
}
