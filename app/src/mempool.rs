//! CheckTx: each transaction runs the full path (ante and messages) on a mempool copy
//! of state that accumulates accepted transactions until the next Commit resets it.

use std::sync::{Arc, Mutex, OnceLock};

use tendermint_proto::v0_38::abci::ResponseCheckTx;
use veritas_framework::{sdk, BlockInfo, ExecMode};
use veritas_store::{Overlay, StateView, Storage};

use crate::chain_meta::ChainMeta;
use crate::tx::{PreverifiedSignatures, TxEnv, TxOutcome};

pub struct Mempool {
    storage: Storage,
    env: Arc<TxEnv>,
    meta: Arc<OnceLock<ChainMeta>>,
    state: Mutex<Option<Overlay<StateView>>>,
}

impl Mempool {
    pub fn new(storage: Storage, env: Arc<TxEnv>, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        Self { storage, env, meta, state: Mutex::new(None) }
    }

    pub fn check(&self, raw: &[u8]) -> ResponseCheckTx {
        let started = std::time::Instant::now();
        let response = self.check_now(raw);
        crate::telemetry::metrics().check_tx_seconds.observe(started.elapsed().as_secs_f64());
        response
    }

    fn check_now(&self, raw: &[u8]) -> ResponseCheckTx {
        let refuse = |err: veritas_framework::Error| TxOutcome::failed(&err, 0, 0, Vec::new()).into_check_tx();
        let (Some(meta), Some(latest)) = (self.meta.get(), self.storage.latest_version()) else {
            return refuse(sdk::invalid_height("the chain has not committed its first block yet"));
        };
        // A tx that can never fit in a block is refused here (CometBFT would drop it after
        // CheckTx without telling the sender why).
        if let (Some(max), Ok(tx)) = (meta.max_gas, crate::tx::decode_gas_limit(raw)) {
            if tx > max {
                return refuse(sdk::invalid_gas_limit(format!("gas limit {tx} exceeds block.max_gas {max}")));
            }
        }
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            match self.storage.view(None) {
                Ok(view) => *guard = Some(Overlay::new(view)),
                Err(e) => return refuse(e.into()),
            }
        }
        let state = guard.as_mut().expect("set above");
        let block = BlockInfo {
            height: meta.height_of(latest + 1),
            time: crate::chain_meta::last_block_time(&self.storage),
            chain_id: meta.chain_id.clone(),
            ..Default::default()
        };
        self.env.run(state, &block, ExecMode::CheckTx, raw, &PreverifiedSignatures::default()).into_check_tx()
    }

    /// Drops the mempool's view after a commit; the next CheckTx starts from the new state.
    pub fn reset(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
