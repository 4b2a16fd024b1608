//! Facts about the chain this database belongs to, kept outside consensus state
//! (in the store's aux column family) and written atomically with the first commit.

use veritas_framework::Timestamp;
use veritas_store::Storage;

const CHAIN_ID: &[u8] = b"chain/chain_id";
const INITIAL_HEIGHT: &[u8] = b"chain/initial_height";
const MAX_BLOCK_BYTES: &[u8] = b"chain/max_block_bytes";
const MAX_GAS: &[u8] = b"chain/max_gas";
const LAST_BLOCK_TIME: &[u8] = b"chain/last_block_time";
/// CometBFT's `block.max_bytes` when a genesis document gives none.
const COMETBFT_DEFAULT_MAX_BLOCK_BYTES: i64 = 22_020_096;

/// The aux entry recording the time of the block being committed.
pub fn last_block_time_entry(time: Timestamp) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut raw = time.seconds.to_be_bytes().to_vec();
    raw.extend(time.nanos.to_be_bytes());
    (LAST_BLOCK_TIME.to_vec(), Some(raw))
}

/// The time of the last committed block: CheckTx and Simulate run "in" the next block,
/// and the best time they can know for it is this one (IBC light clients compare
/// header times with it).
pub fn last_block_time(storage: &Storage) -> Timestamp {
    recorded_last_block_time(storage).unwrap_or_default()
}

/// The time of the last committed block, if this node executed it (a node restored from a
/// snapshot learns block times from its first block on).
pub fn recorded_last_block_time(storage: &Storage) -> Option<Timestamp> {
    match storage.aux_get(LAST_BLOCK_TIME) {
        Ok(Some(raw)) if raw.len() == 12 => Some(Timestamp {
            seconds: i64::from_be_bytes(raw[..8].try_into().expect("8 bytes")),
            nanos: i32::from_be_bytes(raw[8..].try_into().expect("4 bytes")),
        }),
        _ => None,
    }
}

/// Chain identity and genesis consensus facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainMeta {
    pub chain_id: String,
    /// The height store version 0 holds: the first block's, or, on a node restored from
    /// a snapshot, the snapshot's. Store version `v` holds height `initial_height + v`.
    pub initial_height: u64,
    /// `block.max_bytes` from genesis consensus params; `None` for unlimited.
    pub max_block_bytes: Option<u64>,
    /// `block.max_gas` from genesis consensus params; `None` for unlimited (-1 or 0, as in
    /// the Cosmos SDK, which meters blocks only for a positive limit).
    pub max_gas: Option<u64>,
}

impl ChainMeta {
    pub fn load(storage: &Storage) -> anyhow::Result<Option<Self>> {
        let Some(chain_id) = storage.aux_get(CHAIN_ID)? else { return Ok(None) };
        let read_u64 = |key: &[u8]| -> anyhow::Result<Option<u64>> {
            match storage.aux_get(key)? {
                Some(raw) => Ok(Some(u64::from_be_bytes(
                    raw.as_slice().try_into().map_err(|_| anyhow::anyhow!("corrupt chain metadata"))?,
                ))),
                None => Ok(None),
            }
        };
        Ok(Some(Self {
            chain_id: String::from_utf8(chain_id).map_err(|_| anyhow::anyhow!("corrupt chain id"))?,
            initial_height: read_u64(INITIAL_HEIGHT)?.ok_or_else(|| anyhow::anyhow!("missing initial height"))?,
            max_block_bytes: read_u64(MAX_BLOCK_BYTES)?,
            max_gas: read_u64(MAX_GAS)?,
        }))
    }

    /// The facts InitChain would give for this genesis document (CometBFT's defaults for
    /// missing consensus params): what a node restored from a snapshot, which never sees
    /// InitChain, records instead.
    pub fn from_genesis(genesis: &serde_json::Value) -> anyhow::Result<Self> {
        let chain_id = crate::genesis_doc::chain_id(genesis)?.to_owned();
        let number = |value: &serde_json::Value, default: i64| -> anyhow::Result<i64> {
            match value {
                serde_json::Value::Null => Ok(default),
                serde_json::Value::String(s) => s.parse().map_err(|_| anyhow::anyhow!("{s:?} is not an integer")),
                serde_json::Value::Number(n) => n.as_i64().ok_or_else(|| anyhow::anyhow!("{n} is not an integer")),
                other => anyhow::bail!("{other} is not an integer"),
            }
        };
        let block = &genesis["consensus_params"]["block"];
        Ok(Self::from_params(
            chain_id,
            u64::try_from(number(&genesis["initial_height"], 1)?).unwrap_or(1),
            number(&block["max_bytes"], COMETBFT_DEFAULT_MAX_BLOCK_BYTES)?,
            number(&block["max_gas"], -1)?,
        ))
    }

    /// The chain facts of InitChain's fields (and of a genesis file's): the initial height
    /// at least 1; a block limit only when positive (-1 and 0 mean none, as in the SDK).
    /// One conversion for both, since `max_gas` meters every block.
    pub fn from_params(chain_id: String, initial_height: u64, max_block_bytes: i64, max_gas: i64) -> Self {
        let positive = |n: i64| u64::try_from(n).ok().filter(|&n| n > 0);
        Self {
            chain_id,
            initial_height: initial_height.max(1),
            max_block_bytes: positive(max_block_bytes),
            max_gas: positive(max_gas),
        }
    }

    /// Entries for [`Storage::prepare_commit`]'s `aux` argument.
    pub fn aux_entries(&self) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        vec![
            (CHAIN_ID.to_vec(), Some(self.chain_id.as_bytes().to_vec())),
            (INITIAL_HEIGHT.to_vec(), Some(self.initial_height.to_be_bytes().to_vec())),
            (MAX_BLOCK_BYTES.to_vec(), self.max_block_bytes.map(|b| b.to_be_bytes().to_vec())),
            (MAX_GAS.to_vec(), self.max_gas.map(|g| g.to_be_bytes().to_vec())),
        ]
    }

    pub fn height_of(&self, version: u64) -> u64 {
        self.initial_height + version
    }

    /// The store version holding `height`, if `height` is at or after genesis.
    pub fn version_of(&self, height: u64) -> Option<u64> {
        height.checked_sub(self.initial_height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn genesis_facts_match_what_init_chain_gives() {
        let meta = ChainMeta::from_genesis(&json!({
            "chain_id": "veritas-local-1",
            "initial_height": "5",
            "consensus_params": { "block": { "max_bytes": "1048576", "max_gas": "200000000" } }
        }))
        .unwrap();
        assert_eq!(
            meta,
            ChainMeta {
                chain_id: "veritas-local-1".into(),
                initial_height: 5,
                max_block_bytes: Some(1_048_576),
                max_gas: Some(200_000_000)
            }
        );
        let defaults = ChainMeta::from_genesis(&json!({ "chain_id": "c" })).unwrap();
        assert_eq!((defaults.initial_height, defaults.max_block_bytes, defaults.max_gas), (1, Some(22_020_096), None));
        let unlimited =
            json!({ "chain_id": "c", "consensus_params": { "block": { "max_bytes": "-1", "max_gas": "-1" } } });
        let unlimited = ChainMeta::from_genesis(&unlimited).unwrap();
        assert_eq!((unlimited.max_block_bytes, unlimited.max_gas), (None, None));
        let bad = json!({ "chain_id": "c", "consensus_params": { "block": { "max_gas": "lots" } } });
        assert!(ChainMeta::from_genesis(&bad).is_err());
    }
}
