//! Cosmos-style pagination over the entries under a store prefix, shared by every
//! module's list queries (`cosmos.base.query.v1beta1.PageRequest` semantics).

use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};

use crate::{sdk, Error, StoreRead};

/// Entries in a page when the request names no limit.
pub const DEFAULT_LIMIT: u64 = 100;
/// The most entries one page holds, whatever the request asks.
pub const MAX_LIMIT: u64 = 1000;

/// What a page request asks for: start at `key` (a suffix under the prefix) or skip
/// `offset` entries, then up to `limit` (0: [`DEFAULT_LIMIT`]); `count_total` also
/// counts every entry. Reverse order is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub key: Vec<u8>,
    pub offset: u64,
    pub limit: u64,
    pub count_total: bool,
    pub reverse: bool,
}

impl From<PageRequest> for Page {
    fn from(r: PageRequest) -> Self {
        Self { key: r.key, offset: r.offset, limit: r.limit, count_total: r.count_total, reverse: r.reverse }
    }
}

/// One page: `(key suffix, value)` entries in key order, the suffix to ask for next
/// (empty at the end), and the number of entries when `count_total` was asked (else 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOf {
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
    pub next_key: Vec<u8>,
    pub total: u64,
}

impl PageOf {
    /// The `PageResponse` that goes with this page.
    pub fn response(&self) -> PageResponse {
        PageResponse { next_key: self.next_key.clone(), total: self.total }
    }
}

/// Reads one page of the entries under `prefix`.
pub fn paginate(kv: &mut impl StoreRead, prefix: &[u8], page: &Page) -> Result<PageOf, Error> {
    if page.reverse {
        return Err(sdk::invalid_request("reverse pagination is not supported"));
    }
    if !page.key.is_empty() && page.offset > 0 {
        return Err(sdk::invalid_request("either offset or key is expected, got both"));
    }
    let limit = match page.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    } as usize;
    // A page key names the first entry to return.
    let mut start: Option<Vec<u8>> = (!page.key.is_empty()).then(|| [prefix, page.key.as_slice()].concat());
    let mut skipped = 0u64;
    let mut out = PageOf::default();
    let mut seen = 0u64;
    loop {
        let batch = kv.scan(prefix, start.as_deref(), 256)?;
        let Some((last, _)) = batch.last() else { break };
        start = Some([last.as_slice(), &[0]].concat());
        for (key, value) in batch {
            seen += 1;
            if skipped < page.offset {
                skipped += 1;
                continue;
            }
            let suffix = &key[prefix.len()..];
            if out.entries.len() == limit {
                if out.next_key.is_empty() {
                    out.next_key = suffix.to_vec();
                }
                if !page.count_total {
                    return Ok(out);
                }
                continue;
            }
            out.entries.push((suffix.to_vec(), value));
        }
    }
    // As the Cosmos SDK: a total is counted only for offset pages (with a key it would
    // count from the key on).
    if page.count_total && page.key.is_empty() {
        out.total = seen;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// An in-memory store: 600 entries under `p/`, one outside it.
    struct Memory(BTreeMap<Vec<u8>, Vec<u8>>);

    impl StoreRead for Memory {
        fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
            Ok(self.0.get(key).cloned())
        }

        fn scan(
            &mut self,
            prefix: &[u8],
            start: Option<&[u8]>,
            limit: usize,
        ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, Error> {
            let from = start.unwrap_or(prefix).to_vec();
            Ok(self
                .0
                .range(from..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .take(limit)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect())
        }
    }

    fn memory() -> Memory {
        let mut map: BTreeMap<Vec<u8>, Vec<u8>> =
            (0..600u32).map(|i| (format!("p/{i:04}").into_bytes(), i.to_be_bytes().to_vec())).collect();
        map.insert(b"q/outside".to_vec(), vec![]);
        Memory(map)
    }

    #[test]
    fn pages_by_key_cover_every_entry_once_in_order() {
        let mut kv = memory();
        let (mut key, mut seen) = (Vec::new(), Vec::new());
        loop {
            let page = paginate(&mut kv, b"p/", &Page { key, limit: 7, ..Page::default() }).unwrap();
            assert!(page.entries.len() <= 7);
            seen.extend(page.entries.into_iter().map(|(suffix, _)| suffix));
            if page.next_key.is_empty() {
                break;
            }
            key = page.next_key;
        }
        let expected: Vec<Vec<u8>> = (0..600u32).map(|i| format!("{i:04}").into_bytes()).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn offset_limit_and_total() {
        let mut kv = memory();
        let page = paginate(&mut kv, b"p/", &Page { offset: 595, count_total: true, ..Page::default() }).unwrap();
        assert_eq!(page.entries.len(), 5);
        assert_eq!(page.entries[0].0, b"0595".to_vec());
        assert_eq!((page.next_key.as_slice(), page.total), (&[][..], 600));
        let capped = paginate(&mut kv, b"p/", &Page { limit: 5000, ..Page::default() }).unwrap();
        assert_eq!(capped.entries.len() as u64, MAX_LIMIT.min(600));
        let default = paginate(&mut kv, b"p/", &Page::default()).unwrap();
        assert_eq!((default.entries.len() as u64, default.next_key), (DEFAULT_LIMIT, b"0100".to_vec()));
        let keyed = Page { key: b"0590".to_vec(), count_total: true, ..Page::default() };
        assert_eq!(paginate(&mut kv, b"p/", &keyed).unwrap().total, 0, "no total from a key, as the SDK");
    }

    #[test]
    fn reverse_or_key_with_offset_is_refused() {
        let mut kv = memory();
        assert!(paginate(&mut kv, b"p/", &Page { reverse: true, ..Page::default() }).is_err());
        let both = Page { key: b"0001".to_vec(), offset: 1, ..Page::default() };
        assert!(paginate(&mut kv, b"p/", &both).unwrap_err().log().contains("either offset or key"));
    }
}
