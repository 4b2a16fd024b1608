//! Block proposal rules: only CometBFT's size limits, no policy of our own.

use bytes::Bytes;

/// Keeps mempool order and takes transactions while they fit in `max_tx_bytes`.
pub fn select_txs(txs: Vec<Bytes>, max_tx_bytes: i64) -> Vec<Bytes> {
    let limit = u64::try_from(max_tx_bytes).unwrap_or(0);
    let mut used: u64 = 0;
    txs.into_iter()
        .filter(|tx| {
            let size = tx.len() as u64;
            if used.saturating_add(size) <= limit {
                used += size;
                true
            } else {
                false
            }
        })
        .collect()
}

/// Whether a proposal's transactions fit in the block size limit (`None`: unlimited).
pub fn within_block_limit(txs: &[Bytes], max_block_bytes: Option<u64>) -> bool {
    let total: u64 = txs.iter().map(|tx| tx.len() as u64).fold(0, u64::saturating_add);
    max_block_bytes.is_none_or(|max| total <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txs(sizes: &[usize]) -> Vec<Bytes> {
        sizes.iter().map(|&n| Bytes::from(vec![7u8; n])).collect()
    }

    #[test]
    fn selection_keeps_order_and_skips_what_does_not_fit() {
        let picked = select_txs(txs(&[4, 10, 3, 2]), 9);
        assert_eq!(picked.iter().map(|t| t.len()).collect::<Vec<_>>(), vec![4, 3, 2]);
        assert!(select_txs(txs(&[1]), 0).is_empty());
        assert!(select_txs(txs(&[1]), -1).is_empty());
    }

    #[test]
    fn proposals_over_the_block_limit_are_refused() {
        assert!(within_block_limit(&txs(&[5, 5]), Some(10)));
        assert!(!within_block_limit(&txs(&[5, 6]), Some(10)));
        assert!(within_block_limit(&txs(&[5, 6]), None));
    }
}
