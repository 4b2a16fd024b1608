use std::collections::BTreeMap;

/// Pending writes, grouped by substore then key; `None` deletes.
///
/// BTreeMaps keep iteration order deterministic, which commit hashing relies on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSet {
    pub(crate) substores: BTreeMap<String, BTreeMap<Vec<u8>, Option<Vec<u8>>>>,
}

impl WriteSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&mut self, substore: &str, key: Vec<u8>, value: Vec<u8>) {
        self.entry(substore).insert(key, Some(value));
    }

    pub fn delete(&mut self, substore: &str, key: Vec<u8>) {
        self.entry(substore).insert(key, None);
    }

    /// `Some(Some(v))` written, `Some(None)` deleted, `None` untouched here.
    pub fn get(&self, substore: &str, key: &[u8]) -> Option<Option<&[u8]>> {
        self.substores.get(substore).and_then(|m| m.get(key)).map(|v| v.as_deref())
    }

    /// Writes of one substore whose key starts with `prefix`, in key order.
    pub fn range<'a>(
        &'a self,
        substore: &str,
        prefix: &'a [u8],
    ) -> impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)> + 'a {
        self.substores
            .get(substore)
            .into_iter()
            .flat_map(move |m| m.range(prefix.to_vec()..))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
    }

    /// Applies `other` on top of this set (later writes win).
    pub fn merge(&mut self, other: WriteSet) {
        for (substore, writes) in other.substores {
            self.substores.entry(substore).or_default().extend(writes);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.substores.values().all(|m| m.is_empty())
    }

    /// Number of key writes (puts and deletes).
    pub fn len(&self) -> usize {
        self.substores.values().map(|m| m.len()).sum()
    }

    fn entry(&mut self, substore: &str) -> &mut BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        if !self.substores.contains_key(substore) {
            self.substores.insert(substore.to_owned(), BTreeMap::new());
        }
        self.substores.get_mut(substore).expect("inserted above")
    }
}
