//! Lets `jmt` read one tree (a substore or the root tree) out of RocksDB.

use jmt::storage::{HasPreimage, LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Version};
use rocksdb::{Direction, IteratorMode, DB};

use crate::layout::{self, CF_NODES, CF_PREIMAGES, CF_VALUES};

pub(crate) struct RocksTreeReader<'a> {
    db: &'a DB,
    tree: &'a str,
    /// For a tree that first appears at version `v > 0`, jmt expects a root at `v - 1`:
    /// we present an empty (null) root there instead of writing history.
    empty_root_at: Option<Version>,
}

impl<'a> RocksTreeReader<'a> {
    pub fn new(db: &'a DB, tree: &'a str) -> Self {
        Self { db, tree, empty_root_at: None }
    }

    pub fn with_empty_root_at(mut self, version: Version) -> Self {
        self.empty_root_at = Some(version);
        self
    }

    pub fn has_root(&self, version: Version) -> anyhow::Result<bool> {
        Ok(self.get_node_option(&root_node_key(version))?.is_some())
    }
}

/// The key of a tree's root node at `version` (a node with an empty nibble path).
///
/// jmt keeps its constructor private, so build it from its borsh form:
/// `version: u64 LE`, then `NibblePath { num_nibbles: u64 LE = 0, bytes: Vec = [] }`.
pub(crate) fn root_node_key(version: Version) -> NodeKey {
    let mut raw = Vec::with_capacity(20);
    raw.extend_from_slice(&version.to_le_bytes());
    raw.extend_from_slice(&0u64.to_le_bytes());
    raw.extend_from_slice(&0u32.to_le_bytes());
    borsh::from_slice(&raw).expect("well-formed borsh NodeKey")
}

impl TreeReader for RocksTreeReader<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        if self.empty_root_at == Some(node_key.version()) && node_key.nibble_path().num_nibbles() == 0 {
            return Ok(Some(Node::Null));
        }
        let cf = self.db.cf_handle(CF_NODES).ok_or_else(|| anyhow::anyhow!("missing column family {CF_NODES}"))?;
        match self.db.get_pinned_cf(cf, layout::node_key(self.tree, node_key))? {
            Some(raw) => Ok(Some(borsh::from_slice(&raw)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        read_value(self.db, self.tree, max_version, key_hash)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only jmt's state-sync restore uses this; Veritas does not restore trees that way.
        anyhow::bail!("get_rightmost_leaf is not supported by the RocksDB tree reader")
    }
}

impl HasPreimage for RocksTreeReader<'_> {
    fn preimage(&self, key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        let cf =
            self.db.cf_handle(CF_PREIMAGES).ok_or_else(|| anyhow::anyhow!("missing column family {CF_PREIMAGES}"))?;
        Ok(self.db.get_cf(cf, layout::preimage_key(self.tree, key_hash))?)
    }
}

/// The newest value of `key_hash` in `tree` written at or before `max_version`.
pub(crate) fn read_value(
    db: &DB,
    tree: &str,
    max_version: Version,
    key_hash: KeyHash,
) -> anyhow::Result<Option<OwnedValue>> {
    Ok(latest_entry(db, tree, max_version, key_hash)?.and_then(|(_, raw)| layout::decode_value(&raw)))
}

/// The raw entry (version, encoded value) of `key_hash` at or before `max_version`.
pub(crate) fn latest_entry(
    db: &DB,
    tree: &str,
    max_version: Version,
    key_hash: KeyHash,
) -> anyhow::Result<Option<(Version, Vec<u8>)>> {
    let cf = db.cf_handle(CF_VALUES).ok_or_else(|| anyhow::anyhow!("missing column family {CF_VALUES}"))?;
    let seek = layout::value_key(tree, key_hash, max_version);
    let prefix_len = seek.len() - 8;
    let mut iter = db.iterator_cf(cf, IteratorMode::From(&seek, Direction::Reverse));
    match iter.next() {
        Some(entry) => {
            let (k, v) = entry?;
            if k.len() == seek.len() && k[..prefix_len] == seek[..prefix_len] {
                let version = layout::decode_u64(&k[prefix_len..]).expect("8-byte suffix");
                Ok(Some((version, v.to_vec())))
            } else {
                Ok(None)
            }
        }
        None => Ok(None),
    }
}
