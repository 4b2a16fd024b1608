//! The app as CometBFT sees it: `tendermint-abci`'s [`Application`] trait, served by
//! [`crate::abci_socket`].
//!
//! CometBFT opens four connections (consensus, mempool, info/query, snapshot); the
//! server gives each its own thread and a clone of [`AbciApp`]. Block execution is
//! serialised by the [`Node`] mutex; queries and Info read committed state directly.

use std::sync::{Arc, Mutex, MutexGuard};

use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::{
    response_process_proposal::ProposalStatus, RequestCheckTx, RequestFinalizeBlock, RequestInfo, RequestInitChain,
    RequestPrepareProposal, RequestProcessProposal, RequestQuery, ResponseCheckTx, ResponseCommit,
    ResponseFinalizeBlock, ResponseInfo, ResponseInitChain, ResponsePrepareProposal, ResponseProcessProposal,
    ResponseQuery,
};

use crate::fatal::fatal;
use crate::mempool::Mempool;
use crate::node::Node;
use crate::proposal::ProposalRules;
use crate::query::QueryService;

#[derive(Clone)]
pub struct AbciApp {
    node: Arc<Mutex<Node>>,
    mempool: Arc<Mempool>,
    queries: Arc<QueryService>,
    proposals: Arc<ProposalRules>,
}

impl AbciApp {
    pub fn new(node: Node, mempool: Arc<Mempool>, queries: Arc<QueryService>, proposals: Arc<ProposalRules>) -> Self {
        Self { node: Arc::new(Mutex::new(node.with_mempool(mempool.clone()))), mempool, queries, proposals }
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

    fn finalize_block(&self, request: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        self.node().finalize_block(request)
    }
}
