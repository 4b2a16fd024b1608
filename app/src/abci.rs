//! The app as CometBFT sees it: `tendermint-abci`'s [`Application`] trait, served by
//! [`crate::abci_socket`].
//!
//! CometBFT opens four connections (consensus, mempool, info/query, snapshot); the
//! server gives each its own thread and a clone of [`AbciApp`]. Block execution is
//! serialised by the [`Node`] mutex; queries and Info read committed state directly.

use std::sync::{Arc, Mutex, MutexGuard};

use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::{
    response_offer_snapshot, response_process_proposal::ProposalStatus, RequestCheckTx, RequestFinalizeBlock,
    RequestInfo, RequestInitChain, RequestLoadSnapshotChunk, RequestOfferSnapshot, RequestPrepareProposal,
    RequestProcessProposal, RequestQuery, ResponseCheckTx, ResponseCommit, ResponseFinalizeBlock, ResponseInfo,
    ResponseInitChain, ResponseListSnapshots, ResponseLoadSnapshotChunk, ResponseOfferSnapshot,
    ResponsePrepareProposal, ResponseProcessProposal, ResponseQuery, Snapshot,
};

use crate::fatal::fatal;
use crate::mempool::Mempool;
use crate::node::Node;
use crate::proposal::ProposalRules;
use crate::query::QueryService;
use crate::snapshots::SnapshotStore;

#[derive(Clone)]
pub struct AbciApp {
    node: Arc<Mutex<Node>>,
    mempool: Arc<Mempool>,
    queries: Arc<QueryService>,
    proposals: Arc<ProposalRules>,
    snapshots: Option<Arc<SnapshotStore>>,
}

impl AbciApp {
    pub fn new(node: Node, mempool: Arc<Mempool>, queries: Arc<QueryService>, proposals: Arc<ProposalRules>) -> Self {
        Self {
            node: Arc::new(Mutex::new(node.with_mempool(mempool.clone()))),
            mempool,
            queries,
            proposals,
            snapshots: None,
        }
    }

    /// Serves these snapshots to state-syncing peers.
    pub fn with_snapshots(mut self, snapshots: Arc<SnapshotStore>) -> Self {
        self.snapshots = Some(snapshots);
        self
    }

    fn node(&self) -> MutexGuard<'_, Node> {
        self.node.lock().unwrap_or_else(|_| fatal("a previous consensus request panicked; stopping"))
    }
}

impl Application for AbciApp {
    fn info(&self, request: RequestInfo) -> ResponseInfo {
        self.queries.info(request)
    }

    fn init_chain(&self, request: RequestInitChain) -> ResponseInitChain {
        self.node().init_chain(request)
    }

    fn query(&self, request: RequestQuery) -> ResponseQuery {
        self.queries.query(request)
    }

    fn check_tx(&self, request: RequestCheckTx) -> ResponseCheckTx {
        self.mempool.check(&request.tx)
    }

    fn commit(&self) -> ResponseCommit {
        self.node().commit()
    }

    fn prepare_proposal(&self, request: RequestPrepareProposal) -> ResponsePrepareProposal {
        ResponsePrepareProposal { txs: self.proposals.prepare(request.txs, request.max_tx_bytes) }
    }

    fn process_proposal(&self, request: RequestProcessProposal) -> ResponseProcessProposal {
        let status = match self.proposals.process(&request.txs) {
            None => ProposalStatus::Accept,
            Some(reason) => {
                tracing::warn!(height = request.height, "rejecting the proposal: {reason}");
                ProposalStatus::Reject
            }
        };
        ResponseProcessProposal { status: status as i32 }
    }

    fn list_snapshots(&self) -> ResponseListSnapshots {
        let listed = match self.snapshots.as_ref().map(|s| s.list()) {
            Some(Ok(listed)) => listed,
            Some(Err(e)) => {
                tracing::warn!("cannot list snapshots: {e:#}");
                Vec::new()
            }
            None => Vec::new(),
        };
        let snapshots = listed
            .into_iter()
            .map(|manifest| {
                let (metadata, hash) = manifest.encoded();
                Snapshot {
                    height: manifest.height,
                    format: manifest.format,
                    chunks: manifest.chunk_hashes.len() as u32,
                    hash: hash.to_vec().into(),
                    metadata: metadata.into(),
                }
            })
            .collect();
        ResponseListSnapshots { snapshots }
    }

    fn load_snapshot_chunk(&self, request: RequestLoadSnapshotChunk) -> ResponseLoadSnapshotChunk {
        let chunk = self.snapshots.as_ref().and_then(|s| s.chunk(request.height, request.chunk)).unwrap_or_default();
        ResponseLoadSnapshotChunk { chunk: chunk.into() }
    }

    fn offer_snapshot(&self, request: RequestOfferSnapshot) -> ResponseOfferSnapshot {
        let height = request.snapshot.map_or(0, |s| s.height);
        tracing::warn!(height, "refusing a snapshot: this version cannot restore from snapshots yet");
        ResponseOfferSnapshot { result: response_offer_snapshot::Result::Reject as i32 }
    }

    fn finalize_block(&self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        self.node().finalize_block(request)
    }
}
