//! Node-local caches. Both hold pure functions of their keys, so a node with a cold
//! cache computes exactly what a node with a warm one reads: results and gas never
//! depend on them.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use veritas_framework::Error;

use crate::key::PreparedKey;

/// A bounded map that forgets its oldest entries first.
struct Bounded<K: Ord + Clone, V: Clone> {
    map: BTreeMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Ord + Clone, V: Clone> Bounded<K, V> {
    fn new(capacity: usize) -> Self {
        Self { map: BTreeMap::new(), order: VecDeque::new(), capacity }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).cloned()
    }

    fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
}

/// Prepared verifying keys by vk id (the id is the hash of the key bytes, so an id
/// always names the same key).
pub struct KeyCache(Mutex<Bounded<String, PreparedKey>>);

impl KeyCache {
    pub fn new(capacity: usize) -> Self {
        Self(Mutex::new(Bounded::new(capacity)))
    }

    pub fn get(&self, vk_id: &str) -> Option<PreparedKey> {
        self.0.lock().expect("key cache lock").get(&vk_id.to_owned())
    }

    pub fn insert(&self, vk_id: String, key: PreparedKey) {
        self.0.lock().expect("key cache lock").insert(vk_id, key);
    }
}

/// What verifying a submission gave: its proof id and whether it verifies, or why
/// its proof could not be decoded.
pub type Verdict = Result<([u8; 32], bool), Error>;

/// Verdicts by submission digest (vk id, proof bytes as sent, inputs), filled by
/// CheckTx and by the block batch, read by message execution.
pub struct VerdictCache(Mutex<Bounded<[u8; 32], Verdict>>);

impl VerdictCache {
    pub fn new(capacity: usize) -> Self {
        Self(Mutex::new(Bounded::new(capacity)))
    }

    pub fn get(&self, digest: &[u8; 32]) -> Option<Verdict> {
        self.0.lock().expect("verdict cache lock").get(digest)
    }

    pub fn insert(&self, digest: [u8; 32], verdict: Verdict) {
        self.0.lock().expect("verdict cache lock").insert(digest, verdict);
    }

    pub fn contains(&self, digest: &[u8; 32]) -> bool {
        self.0.lock().expect("verdict cache lock").map.contains_key(digest)
    }
}
