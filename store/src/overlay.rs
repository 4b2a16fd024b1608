use std::collections::BTreeMap;

use crate::{StoreError, WriteSet};

/// Read access to key-value state, one substore at a time.
pub trait KvRead {
    /// The value of `key` in `substore`, if any.
    fn get(&self, substore: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Up to `limit` live entries of `substore` whose key starts with `prefix` and is
    /// at or after `start`, in ascending key order. (To continue after key `k`, pass
    /// `k ‖ 0x00`, the smallest key greater than `k`.)
    fn scan(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError>;
}

/// State that holds nothing: an [`Overlay`] over it is an in-memory store (unit tests,
/// fuzzing), the one such store the workspace uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyState;

impl KvRead for EmptyState {
    fn get(&self, _: &str, _: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(None)
    }

    fn scan(&self, _: &str, _: &[u8], _: Option<&[u8]>, _: usize) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        Ok(Vec::new())
    }
}

impl<T: KvRead + ?Sized> KvRead for &T {
    fn get(&self, substore: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get(substore, key)
    }
    fn scan(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        (**self).scan(substore, prefix, start, limit)
    }
}

/// Uncommitted writes layered over a parent view.
///
/// A block's state is an overlay over the committed store; each transaction runs in
/// an overlay over the block's, merged into it on success and dropped on failure.
pub struct Overlay<R> {
    parent: R,
    writes: WriteSet,
}

impl<R: KvRead> Overlay<R> {
    pub fn new(parent: R) -> Self {
        Self { parent, writes: WriteSet::new() }
    }

    pub fn put(&mut self, substore: &str, key: Vec<u8>, value: Vec<u8>) {
        self.writes.put(substore, key, value);
    }

    pub fn delete(&mut self, substore: &str, key: Vec<u8>) {
        self.writes.delete(substore, key);
    }

    /// Applies writes made in a child overlay.
    pub fn apply(&mut self, writes: WriteSet) {
        self.writes.merge(writes);
    }

    pub fn writes(&self) -> &WriteSet {
        &self.writes
    }

    pub fn into_writes(self) -> WriteSet {
        self.writes
    }

    pub fn parent(&self) -> &R {
        &self.parent
    }
}

impl<R: KvRead> KvRead for Overlay<R> {
    fn get(&self, substore: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.writes.get(substore, key) {
            Some(written) => Ok(written.map(<[u8]>::to_vec)),
            None => self.parent.get(substore, key),
        }
    }

    fn scan(
        &self,
        substore: &str,
        prefix: &[u8],
        start: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        let after = |k: &[u8]| start.is_none_or(|s| k >= s);
        let mine: Vec<(&[u8], Option<&[u8]>)> = self.writes.range(substore, prefix).filter(|(k, _)| after(k)).collect();
        // Deletions here may hide parent entries, so ask the parent for enough extra.
        let hidden = mine.iter().filter(|(_, v)| v.is_none()).count();
        let from_parent = self.parent.scan(substore, prefix, start, limit.saturating_add(hidden))?;

        let mut merged: BTreeMap<Vec<u8>, Option<Vec<u8>>> =
            from_parent.into_iter().map(|(k, v)| (k, Some(v))).collect();
        for (k, v) in mine {
            merged.insert(k.to_vec(), v.map(<[u8]>::to_vec));
        }
        Ok(merged.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).take(limit).collect())
    }
}

/// Write access to key-value state.
pub trait KvWrite: KvRead {
    fn put(&mut self, substore: &str, key: Vec<u8>, value: Vec<u8>);
    fn delete(&mut self, substore: &str, key: Vec<u8>);
}

impl<R: KvRead> KvWrite for Overlay<R> {
    fn put(&mut self, substore: &str, key: Vec<u8>, value: Vec<u8>) {
        Overlay::put(self, substore, key, value)
    }
    fn delete(&mut self, substore: &str, key: Vec<u8>) {
        Overlay::delete(self, substore, key)
    }
}
