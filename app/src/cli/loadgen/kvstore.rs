//! Load for CometBFT's built-in `kvstore` app: unsigned `key=value` transactions of a fixed
//! size, each unique (CometBFT's mempool cache drops repeats).

use anyhow::bail;
use sha2::{Digest, Sha256};

use super::{LoadgenArgs, Workload};

pub(super) fn workload(args: &LoadgenArgs) -> anyhow::Result<Workload> {
    let txs = (0..args.txs)
        .map(|i| Ok((i % args.accounts, kv_tx(&args.seed, i, args.tx_size)?)))
        .collect::<anyhow::Result<_>>()?;
    Ok(Workload { txs, probe_address: None })
}

/// CometBFT's default mempool `max_tx_bytes` (1 MiB): larger txs are refused anyway.
const MAX_TX_SIZE: usize = 1_048_576;

/// `<seed-hash>-<i>=<filler>`, exactly `size` bytes.
fn kv_tx(seed: &str, index: usize, size: usize) -> anyhow::Result<Vec<u8>> {
    if size > MAX_TX_SIZE {
        bail!("--tx-size {size} is over CometBFT's default max_tx_bytes ({MAX_TX_SIZE})");
    }
    let key = format!("{}-{index}=", hex::encode(&Sha256::digest(seed.as_bytes())[..4]));
    if size < key.len() + 1 {
        bail!("--tx-size {size} is too small for a key=value transaction (at least {})", key.len() + 1);
    }
    let mut tx = key.into_bytes();
    tx.resize(size, b'v');
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kvstore_txs_are_unique_key_value_pairs_of_the_asked_size() {
        let a = kv_tx("s", 1, 230).unwrap();
        let b = kv_tx("s", 2, 230).unwrap();
        assert_eq!((a.len(), b.len()), (230, 230));
        assert_ne!(a, b);
        assert_eq!(a.iter().filter(|&&c| c == b'=').count(), 1);
        assert!(kv_tx("s", 1, 5).is_err());
        assert!(kv_tx("s", 1, MAX_TX_SIZE + 1).is_err());
    }
}
