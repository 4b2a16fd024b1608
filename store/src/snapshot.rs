//! The state-sync snapshot format (version 1): a version's entries, substore by substore
//! in key order, cut into chunks of at most [`MAX_CHUNK_BYTES`], each named by its SHA-256
//! in the manifest, so a restoring node can check every chunk on arrival (and refuse its
//! sender) before anything is written.
//!
//! A chunk is a sequence of records, none split across chunks:
//! `substore length (u8) ‖ substore ‖ key length (u32 BE) ‖ key ‖ value length (u32 BE) ‖ value`.
//! The entries of one version determine its trees' roots (a Jellyfish Merkle tree's root
//! depends only on its key-value set), so rebuilding from them gives back the app hash,
//! which the restorer checks against the hash it trusts.

use sha2::{Digest, Sha256};

use crate::StoreError;

/// The format CometBFT carries in `Snapshot.format`.
pub const FORMAT: u32 = 1;
/// The ABCI limit on a chunk is 16 MB; 10 MB leaves room.
pub const MAX_CHUNK_BYTES: usize = 10 * 1024 * 1024;

/// One entry of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotEntry {
    pub substore: String,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

impl SnapshotEntry {
    fn encoded_len(&self) -> usize {
        1 + self.substore.len() + 4 + self.key.len() + 4 + self.value.len()
    }
}

/// Cuts `entries` (in substore, then key order) into chunks of at most `max_chunk`
/// bytes. An entry larger than `max_chunk` on its own is an error (state entries are far
/// smaller; a snapshot must never carry an unverifiable oversized chunk).
pub fn write_chunks(
    entries: impl IntoIterator<Item = SnapshotEntry>,
    max_chunk: usize,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    for entry in entries {
        let len = entry.encoded_len();
        if entry.substore.len() > u8::MAX as usize || len > max_chunk {
            return Err(StoreError::Unsupported(format!(
                "an entry of {} bytes in substore {} does not fit a {max_chunk}-byte snapshot chunk",
                len, entry.substore
            )));
        }
        if current.len() + len > max_chunk {
            chunks.push(std::mem::take(&mut current));
        }
        current.push(entry.substore.len() as u8);
        current.extend_from_slice(entry.substore.as_bytes());
        for part in [&entry.key, &entry.value] {
            current.extend_from_slice(&(part.len() as u32).to_be_bytes());
            current.extend_from_slice(part);
        }
    }
    if !current.is_empty() || chunks.is_empty() {
        chunks.push(current);
    }
    Ok(chunks)
}

/// The entries of one chunk, parsed strictly: every length within the chunk, substore
/// names UTF-8, nothing left over.
pub fn read_chunk(chunk: &[u8]) -> Result<Vec<SnapshotEntry>, StoreError> {
    let corrupt = |what: &str, at: usize| StoreError::Corrupt(format!("snapshot chunk: {what} at byte {at}"));
    let mut entries = Vec::new();
    let mut at = 0;
    let take = |at: &mut usize, n: usize, what: &str| -> Result<&[u8], StoreError> {
        let end = at.checked_add(n).filter(|end| *end <= chunk.len()).ok_or_else(|| corrupt(what, *at))?;
        let bytes = &chunk[*at..end];
        *at = end;
        Ok(bytes)
    };
    while at < chunk.len() {
        let name_len = take(&mut at, 1, "substore length")?[0] as usize;
        let name = std::str::from_utf8(take(&mut at, name_len, "substore name")?)
            .map_err(|_| corrupt("a substore name that is not UTF-8", at))?
            .to_owned();
        let mut parts = [Vec::new(), Vec::new()];
        for (part, what) in parts.iter_mut().zip(["key", "value"]) {
            let len = u32::from_be_bytes(take(&mut at, 4, what)?.try_into().expect("4 bytes")) as usize;
            *part = take(&mut at, len, what)?.to_vec();
        }
        let [key, value] = parts;
        entries.push(SnapshotEntry { substore: name, key, value });
    }
    Ok(entries)
}

/// SHA-256 of a chunk, as the manifest lists it.
pub fn chunk_hash(chunk: &[u8]) -> [u8; 32] {
    Sha256::digest(chunk).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(substore: &str, key: &[u8], value: &[u8]) -> SnapshotEntry {
        SnapshotEntry { substore: substore.into(), key: key.to_vec(), value: value.to_vec() }
    }

    #[test]
    fn chunks_round_trip_and_respect_the_size_limit() {
        let entries: Vec<_> =
            (0..500u32).map(|i| entry(if i < 250 { "bank" } else { "ibc" }, &i.to_be_bytes(), &[7; 40])).collect();
        let chunks = write_chunks(entries.clone(), 1_000).unwrap();
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.len() <= 1_000));
        let read: Vec<_> = chunks.iter().flat_map(|c| read_chunk(c).unwrap()).collect();
        assert_eq!(read, entries);
        assert_eq!(
            write_chunks(Vec::new(), 1_000).unwrap(),
            vec![Vec::<u8>::new()],
            "an empty state is one empty chunk"
        );
    }

    #[test]
    fn corrupt_chunks_are_refused_and_oversized_entries_are_not_written() {
        let chunk = write_chunks(vec![entry("bank", b"k", b"value")], 1_000).unwrap().remove(0);
        for cut in 1..chunk.len() {
            assert!(read_chunk(&chunk[..cut]).is_err(), "truncated at {cut}");
        }
        let mut bad_name = chunk.clone();
        bad_name[1] = 0xff;
        assert!(read_chunk(&bad_name).is_err());
        let mut long_length = chunk.clone();
        long_length[5..9].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(read_chunk(&long_length).is_err());
        assert!(write_chunks(vec![entry("bank", b"k", &[0; 2_000])], 1_000).is_err());
        assert_ne!(chunk_hash(&chunk), chunk_hash(&bad_name));
    }
}
