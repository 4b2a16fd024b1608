//! The consensus state machine: genesis, block execution and commit.
//!
//! Writes of a block accumulate in an [`Overlay`] over the last committed version;
//! FinalizeBlock computes the next app hash with [`Storage::prepare_commit`] (nothing
//! written yet) and Commit persists it atomically. A crash anywhere in between leaves
//! the previous version intact, and CometBFT's handshake replays the block.

use std::sync::{Arc, OnceLock};

use tendermint_proto::v0_38::abci::{
    ExecTxResult, RequestFinalizeBlock, RequestInitChain, ResponseCommit, ResponseFinalizeBlock,
    ResponseInitChain,
};
use veritas_framework::{BlockInfo, Context, Error, Event, ExecMode, GasMeter, ModuleSet, Timestamp};
use veritas_store::{Overlay, PreparedCommit, Storage, WriteSet};

use crate::chain_meta::ChainMeta;
use crate::fatal::fatal;
use crate::tx;

/// Consensus-connection state. One instance, behind a mutex, per process.
pub struct Node {
    storage: Storage,
    modules: ModuleSet,
    /// Shared with the query service; set at InitChain or when loaded from disk.
    meta: Arc<OnceLock<ChainMeta>>,
    /// Genesis writes waiting for the first block.
    genesis_writes: Option<WriteSet>,
    /// The block executed by FinalizeBlock, waiting for Commit.
    prepared: Option<PreparedCommit>,
}

impl Node {
    pub fn new(storage: Storage, modules: ModuleSet, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        Self { storage, modules, meta, genesis_writes: None, prepared: None }
    }

    pub fn init_chain(&mut self, request: RequestInitChain) -> ResponseInitChain {
        if let Some(version) = self.storage.latest_version() {
            fatal(format!(
                "InitChain called but the state database already holds version {version}; \
                 remove the data directory to start the chain again"
            ));
        }
        let initial_height = u64::try_from(request.initial_height).unwrap_or(1).max(1);
        let max_block_bytes = request
            .consensus_params
            .as_ref()
            .and_then(|p| p.block.as_ref())
            .and_then(|b| u64::try_from(b.max_bytes).ok())
            .filter(|&b| b > 0);
        let meta = ChainMeta { chain_id: request.chain_id.clone(), initial_height, max_block_bytes };
        if let Some(known) = self.meta.get() {
            if known.chain_id != meta.chain_id {
                fatal(format!("InitChain is for chain {} but this node was started for {}", meta.chain_id, known.chain_id));
            }
        }

        let app_state: serde_json::Value = if request.app_state_bytes.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::from_slice(&request.app_state_bytes)
                .unwrap_or_else(|e| fatal(format!("genesis app_state is not valid JSON: {e}")))
        };
        let block = BlockInfo { height: initial_height, time: timestamp(request.time), chain_id: meta.chain_id.clone() };
        let view = self.storage.view(None).unwrap_or_else(|e| fatal(format!("cannot read state: {e}")));
        let mut state = Overlay::new(view);
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let mut ctx = Context::new(&block, ExecMode::Genesis, &mut gas, &mut events, &mut state);
        if let Err(e) = self.modules.init_genesis(&mut ctx, &app_state) {
            fatal(format!("genesis is invalid: {}", e.log()));
        }
        let writes = state.into_writes();
        let app_hash = self
            .storage
            .prepare_commit(&writes, &[])
            .unwrap_or_else(|e| fatal(format!("cannot compute the genesis app hash: {e}")))
            .root();
        tracing::info!(chain_id = %meta.chain_id, initial_height, app_hash = %hex::encode_upper(app_hash), "initialised chain from genesis");
        self.genesis_writes = Some(writes);
        let _ = self.meta.set(meta);
        ResponseInitChain { consensus_params: None, validators: Vec::new(), app_hash: app_hash.to_vec().into() }
    }

    pub fn finalize_block(&mut self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        let meta = self
            .meta
            .get()
            .cloned()
            .unwrap_or_else(|| fatal("FinalizeBlock before InitChain on an empty database"));
        let expected = meta.height_of(self.storage.latest_version().map_or(0, |v| v + 1));
        let height = u64::try_from(request.height).unwrap_or(0);
        if height != expected {
            fatal(format!("FinalizeBlock for height {height}, but the next height of this node is {expected}"));
        }
        let block = BlockInfo { height, time: timestamp(request.time), chain_id: meta.chain_id.clone() };
        let view = self.storage.view(None).unwrap_or_else(|e| fatal(format!("cannot read state: {e}")));
        let mut state = Overlay::new(view);
        if let Some(genesis) = self.genesis_writes.take() {
            state.apply(genesis);
        }

        let mut block_events = Vec::new();
        run_hook(&block, &mut state, &mut block_events, |ctx| self.modules.begin_block(ctx));
        let tx_results: Vec<ExecTxResult> = request.txs.iter().map(|raw| tx::deliver(raw)).collect();
        run_hook(&block, &mut state, &mut block_events, |ctx| self.modules.end_block(ctx));

        let aux = if self.storage.latest_version().is_none() { meta.aux_entries() } else { Vec::new() };
        let prepared = self
            .storage
            .prepare_commit(state.writes(), &aux)
            .unwrap_or_else(|e| fatal(format!("cannot compute the app hash of block {height}: {e}")));
        let app_hash = prepared.root();
        tracing::debug!(height, txs = tx_results.len(), app_hash = %hex::encode_upper(app_hash), "finalized block");
        self.prepared = Some(prepared);
        ResponseFinalizeBlock {
            events: block_events.into_iter().map(Into::into).collect(),
            tx_results,
            validator_updates: Vec::new(),
            consensus_param_updates: None,
            app_hash: app_hash.to_vec().into(),
        }
    }

    pub fn commit(&mut self) -> ResponseCommit {
        let prepared = self.prepared.take().unwrap_or_else(|| fatal("Commit without a finalized block"));
        let version = prepared.version();
        self.storage
            .commit(prepared)
            .unwrap_or_else(|e| fatal(format!("cannot commit state version {version}: {e}")));
        if let Some(meta) = self.meta.get() {
            tracing::info!(height = meta.height_of(version), "committed block");
        }
        // CometBFT keeps every block; operators prune its block store themselves.
        ResponseCommit { retain_height: 0 }
    }
}

/// Runs a begin/end block hook with unmetered gas; a hook failure is a bug that
/// would make this node diverge, so it stops the node.
fn run_hook(
    block: &BlockInfo,
    state: &mut Overlay<veritas_store::StateView>,
    events: &mut Vec<Event>,
    hook: impl FnOnce(&mut Context<'_>) -> Result<(), Error>,
) {
    let mut gas = GasMeter::infinite();
    let mut ctx = Context::new(block, ExecMode::Finalize, &mut gas, events, state);
    if let Err(e) = hook(&mut ctx) {
        fatal(format!("block hook failed at height {}: {e}", block.height));
    }
}

fn timestamp(time: Option<tendermint_proto::google::protobuf::Timestamp>) -> Timestamp {
    time.map(|t| Timestamp { seconds: t.seconds, nanos: t.nanos }).unwrap_or_default()
}
