//! The consensus state machine: genesis, block execution and commit.
//!
//! Writes of a block accumulate in an [`Overlay`] over the last committed version;
//! FinalizeBlock computes the next app hash with [`Storage::prepare_commit`] (nothing
//! written yet) and Commit persists it atomically. A crash anywhere in between leaves
//! the previous version intact, and CometBFT's handshake replays the block.

use std::sync::{Arc, OnceLock};

use tendermint_proto::v0_38::abci::{
    ExecTxResult, RequestFinalizeBlock, RequestInitChain, ResponseCommit, ResponseFinalizeBlock, ResponseInitChain,
};
use veritas_framework::{
    panics, BlockGasMeter, BlockInfo, Context, Error, Event, ExecMode, GasMeter, Module, ModuleSet, Timestamp,
    ValidatorUpdate,
};
use veritas_store::{Overlay, PreparedCommit, Storage, WriteSet};

use crate::chain_meta::ChainMeta;
use crate::event_index::EventIndex;
use crate::fatal::fatal;
use crate::mempool::Mempool;
use crate::snapshots::{Restore, Snapshotter};
use crate::tx::{TxEnv, TxOutcome};

/// Consensus-connection state. One instance, behind a mutex, per process.
pub struct Node {
    storage: Storage,
    env: Arc<TxEnv>,
    modules: ModuleSet,
    mempool: Option<Arc<Mempool>>,
    /// Shared with the query service; set at InitChain or when loaded from disk.
    meta: Arc<OnceLock<ChainMeta>>,
    /// Genesis writes waiting for the first block.
    genesis_writes: Option<WriteSet>,
    /// The block executed by FinalizeBlock, waiting for Commit.
    prepared: Option<PreparedCommit>,
    /// The app hash InitChain returned (block 1's header carries it).
    genesis_app_hash: Option<Vec<u8>>,
    /// Gas the last finalized block's transactions used (reported at Commit).
    block_gas_used: u64,
    /// app.toml `index_events`, applied to every result's events.
    event_index: EventIndex,
    /// Background snapshots at app.toml's interval (none when unset).
    snapshotter: Option<Snapshotter>,
    /// app.toml `halt_height`: the last height this node executes (0: none).
    halt_height: u64,
}

impl Node {
    pub fn new(storage: Storage, env: Arc<TxEnv>, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        let modules = env.modules.clone();
        Self {
            storage,
            env,
            modules,
            mempool: None,
            meta,
            genesis_writes: None,
            prepared: None,
            genesis_app_hash: None,
            block_gas_used: 0,
            event_index: EventIndex::all(),
            snapshotter: None,
            halt_height: 0,
        }
    }

    /// Stops the node before it executes any block above `halt_height` (0: never).
    pub fn with_halt_height(mut self, halt_height: u64) -> Self {
        self.halt_height = halt_height;
        self
    }

    /// Writes state-sync snapshots after commits.
    pub fn with_snapshotter(mut self, snapshotter: Snapshotter) -> Self {
        self.snapshotter = Some(snapshotter);
        self
    }

    /// Which event attributes CometBFT indexes (default: all).
    pub fn with_event_index(mut self, event_index: EventIndex) -> Self {
        self.event_index = event_index;
        self
    }

    /// The mempool to reset after each commit.
    pub fn with_mempool(mut self, mempool: Arc<Mempool>) -> Self {
        self.mempool = Some(mempool);
        self
    }

    pub fn init_chain(&mut self, request: RequestInitChain) -> ResponseInitChain {
        if let Some(version) = self.storage.latest_version() {
            fatal(format!(
                "InitChain called but the state database already holds version {version}; \
                 remove the data directory to start the chain again"
            ));
        }
        let block_params = request.consensus_params.as_ref().and_then(|p| p.block.as_ref());
        let meta = ChainMeta::from_params(
            request.chain_id.clone(),
            u64::try_from(request.initial_height).unwrap_or(1),
            block_params.map_or(0, |b| b.max_bytes),
            block_params.map_or(0, |b| b.max_gas),
        );
        let initial_height = meta.initial_height;
        if let Some(known) = self.meta.get() {
            if known.chain_id != meta.chain_id {
                fatal(format!(
                    "InitChain is for chain {} but this node was started for {}",
                    meta.chain_id, known.chain_id
                ));
            }
        }

        let app_state: serde_json::Value = if request.app_state_bytes.is_empty() {
            serde_json::json!({})
        } else {
            serde_json::from_slice(&request.app_state_bytes)
                .unwrap_or_else(|e| fatal(format!("genesis app_state is not valid JSON: {e}")))
        };
        let block = BlockInfo {
            height: initial_height,
            time: timestamp(request.time),
            chain_id: meta.chain_id.clone(),
            ..Default::default()
        };
        let view = self.storage.view(None).unwrap_or_else(|e| fatal(format!("cannot read state: {e}")));
        let mut state = Overlay::new(view);
        let mut gas = GasMeter::infinite();
        let mut events = Vec::new();
        let mut ctx = Context::new(&block, ExecMode::Genesis, &mut gas, &mut events, &mut state);
        if let Err(e) = self.modules.init_genesis(&mut ctx, &app_state) {
            fatal(format!("genesis is invalid: {}", e.log()));
        }
        let genesis_validators = from_abci_validators(&request.validators);
        let mut chosen = None;
        for module in self.modules.modules() {
            match module.init_validators(&mut ctx, &genesis_validators) {
                Ok(None) => {}
                Ok(Some(set)) if chosen.is_none() => chosen = Some(set),
                Ok(Some(_)) => {
                    fatal(format!("two modules choose the genesis validators ({} is the second)", module.name()))
                }
                Err(e) => fatal(format!("genesis validators: {}", e.log())),
            }
        }
        let writes = state.into_writes();
        let app_hash = self
            .storage
            .prepare_commit(&writes, &[])
            .unwrap_or_else(|e| fatal(format!("cannot compute the genesis app hash: {e}")))
            .root();
        tracing::info!(chain_id = %meta.chain_id, initial_height, app_hash = %hex::encode_upper(app_hash), "initialised chain from genesis");
        self.genesis_writes = Some(writes);
        self.genesis_app_hash = Some(app_hash.to_vec());
        let _ = self.meta.set(meta);
        // Empty: CometBFT keeps its genesis validators.
        let validators = chosen.map(|set| set.iter().map(to_abci_update).collect()).unwrap_or_default();
        ResponseInitChain { consensus_params: None, validators, app_hash: app_hash.to_vec().into() }
    }

    pub fn finalize_block(&mut self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        let meta =
            self.meta.get().cloned().unwrap_or_else(|| fatal("FinalizeBlock before InitChain on an empty database"));
        let expected = meta.height_of(self.storage.latest_version().map_or(0, |v| v + 1));
        let height = u64::try_from(request.height).unwrap_or(0);
        if height != expected {
            fatal(format!("FinalizeBlock for height {height}, but the next height of this node is {expected}"));
        }
        if self.halt_height > 0 && height > self.halt_height {
            // Nothing of this block is executed; restarting with a higher (or no)
            // halt_height carries on from the committed state.
            tracing::warn!(height, halt_height = self.halt_height, "halt height reached; stopping before this block");
            eprintln!("veritasd: halt height {} reached; stopping before block {height}", self.halt_height);
            std::process::exit(0);
        }
        let last_app_hash = match self.storage.latest_version() {
            Some(version) => self
                .storage
                .root_hash(version)
                .unwrap_or_else(|e| fatal(format!("cannot read the app hash of version {version}: {e}")))
                .to_vec(),
            None => self.genesis_app_hash.clone().unwrap_or_default(),
        };
        let block = BlockInfo {
            height,
            time: timestamp(request.time),
            chain_id: meta.chain_id.clone(),
            last_app_hash,
            next_validators_hash: request.next_validators_hash.to_vec(),
        };
        // Timings are for the log only; nothing in state depends on them.
        let started = std::time::Instant::now();
        let view = self.storage.view(None).unwrap_or_else(|e| fatal(format!("cannot read state: {e}")));
        // Signatures checkable against committed state are verified up front, in parallel.
        let (prepared_txs, preverified) = self.env.prepare_block(&request.txs, &view, &block);
        let verified_at = started.elapsed();
        let mut state = Overlay::new(view);
        if let Some(genesis) = self.genesis_writes.take() {
            state.apply(genesis);
        }

        let mut block_events = Vec::new();
        run_hooks(&self.modules, &block, &mut state, &mut block_events, "begin block", |m, ctx| m.begin_block(ctx));
        let mut block_gas = BlockGasMeter::new(meta.max_gas);
        let mut tx_results: Vec<ExecTxResult> = prepared_txs
            .into_iter()
            .map(|checked| {
                if let Ok(tx) = &checked {
                    if let Err(err) = block_gas.admit(tx.gas_limit) {
                        return TxOutcome::failed(&err, tx.gas_limit, 0, Vec::new()).into_exec_result();
                    }
                }
                let outcome = self.env.execute(&mut state, &block, ExecMode::Finalize, checked, &preverified);
                block_gas.consume(outcome.gas_used);
                outcome.into_exec_result()
            })
            .collect();
        run_hooks(&self.modules, &block, &mut state, &mut block_events, "end block", |m, ctx| m.end_block(ctx));
        let validator_updates: Vec<_> =
            run_hooks(&self.modules, &block, &mut state, &mut block_events, "validator updates", |m, ctx| {
                m.validator_updates(ctx)
            })
            .into_iter()
            .flatten()
            .map(|update| to_abci_update(&update))
            .collect();
        if !validator_updates.is_empty() {
            tracing::info!(height, updates = validator_updates.len(), "validator set changes");
        }

        let executed_at = started.elapsed();
        let mut aux = if self.storage.latest_version().is_none() { meta.aux_entries() } else { Vec::new() };
        aux.push(crate::chain_meta::last_block_time_entry(block.time));
        let prepared = self
            .storage
            .prepare_commit(state.writes(), &aux)
            .unwrap_or_else(|e| fatal(format!("cannot compute the app hash of block {height}: {e}")));
        let app_hash = prepared.root();
        let telemetry = crate::telemetry::metrics();
        telemetry.block_phase("prepare", verified_at);
        telemetry.block_phase("execute", executed_at - verified_at);
        telemetry.block_phase("hash", started.elapsed() - executed_at);
        telemetry.record_block(height, &tx_results);
        tracing::debug!(
            height,
            txs = tx_results.len(),
            block_gas_used = block_gas.used(),
            block_max_gas = ?block_gas.limit(),
            preverified_signatures = preverified.len(),
            verify_ms = verified_at.as_millis() as u64,
            execute_ms = (executed_at - verified_at).as_millis() as u64,
            hash_ms = (started.elapsed() - executed_at).as_millis() as u64,
            app_hash = %hex::encode_upper(app_hash),
            "finalized block"
        );
        self.prepared = Some(prepared);
        self.block_gas_used = block_gas.used();
        let mut block_events: Vec<_> = block_events.into_iter().map(Into::into).collect();
        self.event_index.mark(&mut block_events);
        for result in &mut tx_results {
            self.event_index.mark(&mut result.events);
        }
        ResponseFinalizeBlock {
            events: block_events,
            tx_results,
            validator_updates,
            consensus_param_updates: None,
            app_hash: app_hash.to_vec().into(),
        }
    }

    pub fn commit(&mut self) -> ResponseCommit {
        let prepared = self.prepared.take().unwrap_or_else(|| fatal("Commit without a finalized block"));
        let version = prepared.version();
        let started = std::time::Instant::now();
        self.storage.commit(prepared).unwrap_or_else(|e| fatal(format!("cannot commit state version {version}: {e}")));
        let telemetry = crate::telemetry::metrics();
        telemetry.block_phase("write", started.elapsed());
        telemetry.store_bytes.set(i64::try_from(self.storage.disk_bytes()).unwrap_or(i64::MAX));
        if let Some(meta) = self.meta.get() {
            if let Some(snapshotter) = &self.snapshotter {
                snapshotter.after_commit(&self.storage, version, meta.height_of(version));
            }
            let earliest = meta.height_of(self.storage.earliest_version());
            telemetry.store_earliest_height.set(i64::try_from(earliest).unwrap_or(i64::MAX));
            tracing::info!(
                height = meta.height_of(version),
                block_gas_used = self.block_gas_used,
                block_max_gas = ?meta.max_gas,
                write_ms = started.elapsed().as_millis() as u64,
                "committed block"
            );
        }
        if let Some(mempool) = &self.mempool {
            mempool.reset();
        }
        // CometBFT keeps every block; operators prune its block store themselves.
        ResponseCommit { retain_height: 0 }
    }
}

/// Where a node stands, for state sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeState {
    /// No state and no InitChain: a snapshot may be restored.
    Fresh,
    /// Exactly one version, held at `height`: what a restore (or a first block) leaves.
    Restored { height: u64, app_hash: [u8; 32] },
    /// Anything else.
    Running,
}

impl Node {
    pub fn state(&self) -> NodeState {
        match (self.storage.latest_version(), self.meta.get()) {
            (None, None) if self.genesis_writes.is_none() => NodeState::Fresh,
            (Some(0), Some(meta)) => match self.storage.root_hash(0) {
                Ok(app_hash) => NodeState::Restored { height: meta.initial_height, app_hash },
                Err(_) => NodeState::Running,
            },
            _ => NodeState::Running,
        }
    }

    /// The substores of this node's state (a snapshot names only these).
    pub fn substores(&self) -> Vec<String> {
        self.storage.substores().to_vec()
    }

    /// Writes a fully applied snapshot restore as this node's state (see
    /// [`Restore::commit`]) and opens for business at its height: queries, CheckTx and the
    /// next FinalizeBlock all start from it. Only a fresh node (no state, no InitChain).
    pub fn install_snapshot(&mut self, restore: Restore, genesis: &ChainMeta) -> anyhow::Result<u64> {
        anyhow::ensure!(
            self.state() == NodeState::Fresh,
            "this node already has state or ran InitChain; a snapshot restores only into a fresh one"
        );
        let meta = restore.commit(&self.storage, genesis)?;
        let height = meta.initial_height;
        if self.meta.set(meta).is_err() {
            fatal("chain facts were set while a snapshot was being installed");
        }
        if let Some(mempool) = &self.mempool {
            mempool.reset();
        }
        Ok(height)
    }
}

/// Runs one block hook of every module, in module order, each in its own overlay with
/// unmetered gas, and returns what each hook that returned gave. A panicking hook is
/// contained: its writes and events are dropped, an ERROR is logged, and the block goes
/// on (every validator does the same). A hook that returns an error is a bug that would
/// make this node diverge (or an upgrade halt), so it stops the node.
fn run_hooks<T>(
    modules: &ModuleSet,
    block: &BlockInfo,
    state: &mut Overlay<veritas_store::StateView>,
    events: &mut Vec<Event>,
    stage: &str,
    hook: impl Fn(&dyn Module, &mut Context<'_>) -> Result<T, Error>,
) -> Vec<T> {
    let mut outputs = Vec::new();
    for module in modules.modules() {
        let mut hook_state = Overlay::new(&*state);
        let mut hook_events = Vec::new();
        let mut gas = GasMeter::infinite();
        let result = panics::contain(|| {
            let mut ctx = Context::new(block, ExecMode::Finalize, &mut gas, &mut hook_events, &mut hook_state);
            hook(module, &mut ctx)
        });
        match result {
            Ok(output) => {
                let writes = hook_state.into_writes();
                state.apply(writes);
                events.extend(hook_events);
                outputs.push(output);
            }
            Err(err) if panics::is_panic(&err) => {
                tracing::error!(
                    height = block.height,
                    module = module.name(),
                    stage,
                    "block hook panicked, its writes are dropped: {}",
                    err.log()
                );
            }
            Err(err) => fatal(format!("{stage} of {} failed at height {}: {err}", module.name(), block.height)),
        }
    }
    outputs
}

/// CometBFT's form of a validator update.
fn to_abci_update(update: &ValidatorUpdate) -> tendermint_proto::v0_38::abci::ValidatorUpdate {
    use tendermint_proto::v0_38::crypto::{public_key::Sum, PublicKey};
    tendermint_proto::v0_38::abci::ValidatorUpdate {
        pub_key: Some(PublicKey { sum: Some(Sum::Ed25519(update.ed25519_pub_key.to_vec())) }),
        power: update.power,
    }
}

/// The validators of CometBFT's genesis, as modules see them (ed25519 only, as the
/// genesis CometBFT writes; anything else stops the node).
fn from_abci_validators(validators: &[tendermint_proto::v0_38::abci::ValidatorUpdate]) -> Vec<ValidatorUpdate> {
    use tendermint_proto::v0_38::crypto::public_key::Sum;
    validators
        .iter()
        .map(|v| match v.pub_key.as_ref().and_then(|k| k.sum.as_ref()) {
            Some(Sum::Ed25519(key)) => match <[u8; 32]>::try_from(key.as_slice()) {
                Ok(ed25519_pub_key) => ValidatorUpdate { ed25519_pub_key, power: v.power },
                Err(_) => fatal("a genesis validator has an ed25519 key that is not 32 bytes"),
            },
            _ => fatal("a genesis validator has a key that is not ed25519; Veritas validators use ed25519"),
        })
        .collect()
}

fn timestamp(time: Option<tendermint_proto::google::protobuf::Timestamp>) -> Timestamp {
    time.map(|t| Timestamp { seconds: t.seconds, nanos: t.nanos }).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! The state machine against real RocksDB, with a test module whose state
    //! changes every block (the app's real modules land with later issues).

    use std::sync::{Arc, OnceLock};

    use serde_json::{json, Value};
    use tendermint_proto::v0_38::abci::{RequestFinalizeBlock, RequestInfo, RequestInitChain, RequestQuery};
    use veritas_framework::*;
    use veritas_store::{Storage, StorageConfig};

    use super::Node;
    use crate::query::QueryService;

    const KEY: StoreKey = StoreKey::new("counter");

    /// Genesis sets `count`; every end block adds one and records the block time.
    struct Counter;

    impl Module for Counter {
        fn name(&self) -> &'static str {
            "counter"
        }
        fn default_genesis(&self) -> Value {
            json!({ "start": 0 })
        }
        fn validate_genesis(&self, g: &Value) -> Result<(), Error> {
            g["start"].as_u64().map(|_| ()).ok_or_else(|| sdk::invalid_request("start must be a number"))
        }
        fn init_genesis(&self, ctx: &mut Context<'_>, g: &Value) -> Result<(), Error> {
            let start = g["start"].as_u64().unwrap_or_default();
            ctx.kv(&KEY).set(b"count".to_vec(), start.to_be_bytes().to_vec())
        }
        fn export_genesis(&self, _: &QueryContext<'_>) -> Result<Value, Error> {
            Ok(json!({}))
        }
        fn end_block(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
            let time = ctx.block().time.seconds;
            let mut kv = ctx.kv(&KEY);
            let count = u64::from_be_bytes(kv.get(b"count")?.unwrap().try_into().unwrap());
            kv.set(b"count".to_vec(), (count + 1).to_be_bytes().to_vec())?;
            kv.set(b"time".to_vec(), time.to_be_bytes().to_vec())
        }
        fn query_paths(&self) -> &'static [&'static str] {
            &["/test.counter.Query/Count"]
        }
        fn query(&self, ctx: &QueryContext<'_>, _: &str, _: &[u8]) -> Result<Vec<u8>, Error> {
            Ok(ctx.kv(&KEY).get(b"count")?.unwrap_or_default())
        }
    }

    struct Harness {
        node: Node,
        queries: QueryService,
    }

    fn open(dir: &std::path::Path) -> Harness {
        let modules = ModuleSet::new(vec![Arc::new(Counter)]).unwrap();
        let env = Arc::new(crate::tx::TxEnv { modules: modules.clone(), ..crate::modules::tx_env(Default::default()) });
        let storage = Storage::open(dir, StorageConfig { substores: modules.substores(), keep_recent: 0 }).unwrap();
        let meta = Arc::new(OnceLock::new());
        if let Some(stored) = crate::chain_meta::ChainMeta::load(&storage).unwrap() {
            meta.set(stored).unwrap();
        }
        Harness {
            node: Node::new(storage.clone(), env.clone(), meta.clone()),
            queries: QueryService::new(storage, env, meta),
        }
    }

    fn init(h: &mut Harness, start: u64) -> Vec<u8> {
        let request = RequestInitChain {
            chain_id: "node-test-1".into(),
            initial_height: 7,
            app_state_bytes: serde_json::to_vec(&json!({ "counter": { "start": start } })).unwrap().into(),
            ..Default::default()
        };
        h.node.init_chain(request).app_hash.to_vec()
    }

    fn block(h: &mut Harness, height: i64) -> Vec<u8> {
        let time = tendermint_proto::google::protobuf::Timestamp { seconds: 1_700_000_000 + height, nanos: 0 };
        let request = RequestFinalizeBlock { height, time: Some(time), ..Default::default() };
        h.node.finalize_block(request).app_hash.to_vec()
    }

    fn count(h: &Harness, height: i64) -> (u64, i64) {
        let r =
            h.queries.query(RequestQuery { path: "/test.counter.Query/Count".into(), height, ..Default::default() });
        assert_eq!(r.code, 0, "{}", r.log);
        (u64::from_be_bytes(r.value.to_vec().try_into().unwrap()), r.height)
    }

    #[test]
    fn blocks_change_state_and_a_lost_commit_replays_to_the_same_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open(dir.path());
        let genesis_hash = init(&mut h, 40);
        let h7 = block(&mut h, 7);
        assert_ne!(h7, genesis_hash, "block 7 ran end_block on top of genesis");
        h.node.commit();
        let h8 = block(&mut h, 8);
        h.node.commit();
        assert_ne!(h7, h8);
        assert_eq!(count(&h, 0), (42, 8));
        assert_eq!(count(&h, 7), (41, 7));

        // Block 9 finalized, then the process dies before Commit.
        let h9 = block(&mut h, 9);
        drop(h);
        let mut h = open(dir.path());
        let info = h.queries.info(RequestInfo::default());
        assert_eq!(info.last_block_height, 8);
        assert_eq!(info.last_block_app_hash.to_vec(), h8);
        // CometBFT replays block 9: the same app hash comes out.
        assert_eq!(block(&mut h, 9), h9);
        h.node.commit();
        assert_eq!(count(&h, 0), (43, 9));
    }

    #[test]
    fn a_crash_before_the_first_commit_restarts_from_genesis() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open(dir.path());
        let genesis_hash = init(&mut h, 1);
        let first = block(&mut h, 7);
        drop(h);
        let mut h = open(dir.path());
        assert_eq!(h.queries.info(RequestInfo::default()).last_block_height, 0);
        assert_eq!(init(&mut h, 1), genesis_hash);
        assert_eq!(block(&mut h, 7), first);
    }

    #[test]
    fn store_queries_carry_proofs_that_verify_against_the_app_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open(dir.path());
        init(&mut h, 5);
        block(&mut h, 7);
        h.node.commit();
        let app_hash = block(&mut h, 8);
        h.node.commit();

        let r = h.queries.query(RequestQuery {
            path: "store/counter/key".into(),
            data: b"count".to_vec().into(),
            height: 8,
            prove: true,
        });
        assert_eq!(r.code, 0, "{}", r.log);
        assert_eq!(r.value.to_vec(), 7u64.to_be_bytes());
        let ops = r.proof_ops.unwrap().ops;
        assert_eq!(ops.len(), 2);
        assert!(ops.iter().all(|op| op.r#type == crate::query::PROOF_OP_TYPE));
        let decode = |data: &[u8]| <ics23::CommitmentProof as prost::Message>::decode(data).unwrap();
        let proofs = [decode(&ops[0].data), decode(&ops[1].data)];
        let root: [u8; 32] = app_hash.try_into().unwrap();
        assert!(veritas_store::verify_existence(&root, "counter", b"count", &r.value, &proofs));
        assert!(!veritas_store::verify_existence(&root, "counter", b"count", &6u64.to_be_bytes(), &proofs));

        let bad =
            |path: &str, height: i64| h.queries.query(RequestQuery { path: path.into(), height, ..Default::default() });
        assert_eq!(bad("store/nosuch/key", 0).code, 6);
        assert_eq!(bad("store/counter/key", 9).code, 26);
        assert_eq!(bad("store/counter/key", 3).code, 26, "before the initial height");
        assert_eq!(bad("/no.such.Query/X", 0).code, 6);
    }
}
