//! How trees and indexes are laid out in RocksDB column families.
//!
//! Every tree (each substore, plus the root tree) has a key prefix `name ‖ 0x00`;
//! the root tree's name is empty. Substore names are non-empty and contain no 0x00,
//! so prefixes never overlap.

use jmt::KeyHash;

/// JMT nodes: `tree ‖ borsh(NodeKey)` → `borsh(Node)`.
pub const CF_NODES: &str = "jmt_nodes";
/// JMT values by version: `tree ‖ key_hash ‖ version_be` → `0x00` (deleted) or `0x01 ‖ value`.
pub const CF_VALUES: &str = "jmt_values";
/// Key preimages: `tree ‖ key_hash` → key. Needed for non-existence proofs.
pub const CF_PREIMAGES: &str = "jmt_preimages";
/// Latest committed value of each live key: `tree ‖ key` → value. Serves ordered scans.
pub const CF_LATEST: &str = "latest";
/// Stale entries to prune: `stale_since_be ‖ kind ‖ key in CF_NODES or CF_VALUES` → ().
pub const CF_STALE: &str = "stale";
/// Store bookkeeping (latest and earliest version).
pub const CF_META: &str = "meta";
/// Data outside consensus (app bookkeeping, indexes). Written atomically with commits.
pub const CF_AUX: &str = "aux";

pub const ALL_CFS: [&str; 7] = [CF_NODES, CF_VALUES, CF_PREIMAGES, CF_LATEST, CF_STALE, CF_META, CF_AUX];

pub const META_LATEST_VERSION: &[u8] = b"latest_version";
pub const META_EARLIEST_VERSION: &[u8] = b"earliest_version";

pub const STALE_NODE: u8 = 0;
pub const STALE_VALUE: u8 = 1;

/// The root tree's name.
pub const ROOT_TREE: &str = "";

pub fn tree_prefix(tree: &str) -> Vec<u8> {
    let mut p = Vec::with_capacity(tree.len() + 1);
    p.extend_from_slice(tree.as_bytes());
    p.push(0);
    p
}

pub fn node_key(tree: &str, node_key: &jmt::storage::NodeKey) -> Vec<u8> {
    let mut k = tree_prefix(tree);
    borsh::to_writer(&mut k, node_key).expect("writing to a Vec cannot fail");
    k
}

pub fn value_key(tree: &str, key_hash: KeyHash, version: u64) -> Vec<u8> {
    let mut k = tree_prefix(tree);
    k.extend_from_slice(&key_hash.0);
    k.extend_from_slice(&version.to_be_bytes());
    k
}

pub fn preimage_key(tree: &str, key_hash: KeyHash) -> Vec<u8> {
    let mut k = tree_prefix(tree);
    k.extend_from_slice(&key_hash.0);
    k
}

pub fn latest_key(tree: &str, key: &[u8]) -> Vec<u8> {
    let mut k = tree_prefix(tree);
    k.extend_from_slice(key);
    k
}

pub fn stale_key(since: u64, kind: u8, target: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(9 + target.len());
    k.extend_from_slice(&since.to_be_bytes());
    k.push(kind);
    k.extend_from_slice(target);
    k
}

pub fn encode_value(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        None => vec![0],
        Some(v) => {
            let mut out = Vec::with_capacity(v.len() + 1);
            out.push(1);
            out.extend_from_slice(v);
            out
        }
    }
}

pub fn decode_value(raw: &[u8]) -> Option<Vec<u8>> {
    match raw.split_first() {
        Some((1, rest)) => Some(rest.to_vec()),
        _ => None,
    }
}

pub fn decode_u64(raw: &[u8]) -> Option<u64> {
    raw.try_into().ok().map(u64::from_be_bytes)
}
