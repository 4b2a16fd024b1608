//! Facts about the chain this database belongs to, kept outside consensus state
//! (in the store's aux column family) and written atomically with the first commit.

use veritas_framework::Timestamp;
use veritas_store::Storage;

const CHAIN_ID: &[u8] = b"chain/chain_id";
const INITIAL_HEIGHT: &[u8] = b"chain/initial_height";
const MAX_BLOCK_BYTES: &[u8] = b"chain/max_block_bytes";
const MAX_GAS: &[u8] = b"chain/max_gas";
const LAST_BLOCK_TIME: &[u8] = b"chain/last_block_time";

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
    match storage.aux_get(LAST_BLOCK_TIME) {
        Ok(Some(raw)) if raw.len() == 12 => Timestamp {
            seconds: i64::from_be_bytes(raw[..8].try_into().expect("8 bytes")),
            nanos: i32::from_be_bytes(raw[8..].try_into().expect("4 bytes")),
        },
        _ => Timestamp::default(),
    }
}

/// Chain identity and genesis consensus facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainMeta {
    pub chain_id: String,
    /// The height of the first block; store version `v` holds height `initial_height + v`.
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
