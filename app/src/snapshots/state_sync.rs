//! The restore side of CometBFT state sync over ABCI (OfferSnapshot, ApplySnapshotChunk),
//! mapping [`Restore`]'s verdicts to CometBFT v0.38's results:
//!
//! - a corrupted chunk: RETRY it and reject its sender; an empty one (its sender pruned the
//!   snapshot): RETRY it without blame;
//! - a snapshot that turns out bad (a chunk that matches its hash but breaks the format or
//!   the order, or a rebuilt root that is not the trusted app hash): REJECT_SNAPSHOT and
//!   reject every sender of its chunks (only peers advertising that snapshot served them);
//! - a node that already installed this very snapshot (CometBFT failed or restarted after
//!   the install) accepts it again without writing, so state sync can complete;
//! - any other node with state, or one that ran InitChain: ABORT.

use std::collections::BTreeSet;
use std::sync::MutexGuard;

use tendermint_proto::v0_38::abci::{
    response_apply_snapshot_chunk::Result as Apply, response_offer_snapshot::Result as Offer,
    RequestApplySnapshotChunk, RequestOfferSnapshot, ResponseApplySnapshotChunk, ResponseOfferSnapshot,
};

use super::{ChunkVerdict, OfferRefusal, Restore};
use crate::chain_meta::ChainMeta;
use crate::node::{Node, NodeState};

/// What state sync is doing on this node.
#[derive(Default)]
pub struct StateSync {
    /// The chain facts a restored node records (it never sees InitChain); `None`: state
    /// sync is off.
    genesis: Option<ChainMeta>,
    progress: Progress,
}

#[derive(Default)]
enum Progress {
    #[default]
    Idle,
    Restoring {
        restore: Box<Restore>,
        senders: BTreeSet<String>,
    },
    /// Re-accepting the snapshot this node already installed: `chunks` in all.
    Reinstalled {
        height: u64,
        chunks: u32,
    },
}

impl StateSync {
    pub fn new(genesis: ChainMeta) -> Self {
        Self { genesis: Some(genesis), progress: Progress::Idle }
    }

    pub fn offer<'a>(
        &mut self,
        node: impl Fn() -> MutexGuard<'a, Node>,
        request: RequestOfferSnapshot,
    ) -> ResponseOfferSnapshot {
        self.progress = Progress::Idle;
        let result = match (&self.genesis, request.snapshot) {
            (None, _) => {
                tracing::warn!("refusing snapshots: this node was started without state sync");
                Offer::Abort
            }
            (Some(_), None) => Offer::Reject,
            (Some(_), Some(snapshot)) => {
                let state = node().state();
                match state {
                    NodeState::Fresh => match Restore::offer(&snapshot, &request.app_hash, &node().substores()) {
                        Ok(restore) => {
                            tracing::info!(
                                height = restore.height(),
                                chunks = restore.chunks(),
                                "restoring a snapshot"
                            );
                            self.progress =
                                Progress::Restoring { restore: Box::new(restore), senders: BTreeSet::new() };
                            Offer::Accept
                        }
                        Err(refusal) => {
                            tracing::warn!(height = snapshot.height, "refusing a snapshot: {refusal}");
                            match refusal {
                                OfferRefusal::Format(_) => Offer::RejectFormat,
                                OfferRefusal::Invalid(_) => Offer::Reject,
                            }
                        }
                    },
                    NodeState::Restored { height, app_hash }
                        if height == snapshot.height && app_hash.as_slice() == request.app_hash.as_ref() =>
                    {
                        tracing::info!(height, "this snapshot is already installed; accepting it again");
                        self.progress = Progress::Reinstalled { height, chunks: snapshot.chunks };
                        Offer::Accept
                    }
                    _ => {
                        tracing::error!(
                            "refusing snapshots: this node already has state (remove its data directory to state sync)"
                        );
                        Offer::Abort
                    }
                }
            }
        };
        ResponseOfferSnapshot { result: result as i32 }
    }

    pub fn apply<'a>(
        &mut self,
        node: impl Fn() -> MutexGuard<'a, Node>,
        request: RequestApplySnapshotChunk,
    ) -> ResponseApplySnapshotChunk {
        let answer = |result: Apply, refetch_chunks: Vec<u32>, reject_senders: Vec<String>| {
            ResponseApplySnapshotChunk { result: result as i32, refetch_chunks, reject_senders }
        };
        let Some(genesis) = &self.genesis else { return answer(Apply::Abort, vec![], vec![]) };
        let (restore, senders) = match &mut self.progress {
            Progress::Idle => {
                tracing::warn!(chunk = request.index, "a snapshot chunk arrived with no snapshot being restored");
                return answer(Apply::RetrySnapshot, vec![], vec![]);
            }
            Progress::Reinstalled { height, chunks } => {
                if request.index + 1 == *chunks {
                    tracing::info!(height, "the installed snapshot is accepted again");
                }
                return answer(Apply::Accept, vec![], vec![]);
            }
            Progress::Restoring { restore, senders } => (restore, senders),
        };
        let height = restore.height();
        match restore.apply(request.index, &request.chunk) {
            ChunkVerdict::Accepted { done: false } => {
                senders.insert(request.sender);
                answer(Apply::Accept, vec![], vec![])
            }
            ChunkVerdict::Accepted { done: true } => {
                senders.insert(request.sender);
                let Progress::Restoring { restore, senders } = std::mem::take(&mut self.progress) else {
                    unreachable!("matched Restoring above")
                };
                let started = std::time::Instant::now();
                match node().install_snapshot(*restore, genesis) {
                    Ok(_) => {
                        tracing::info!(height, ms = started.elapsed().as_millis() as u64, "restored the snapshot");
                        answer(Apply::Accept, vec![], vec![])
                    }
                    Err(e) => {
                        tracing::error!(height, "refusing the snapshot and its senders: {e:#}");
                        answer(Apply::RejectSnapshot, vec![], senders.into_iter().collect())
                    }
                }
            }
            ChunkVerdict::Missing => {
                tracing::info!(height, chunk = request.index, sender = %request.sender, "an empty chunk; fetching it again");
                answer(Apply::Retry, vec![request.index], vec![])
            }
            ChunkVerdict::Corrupt(why) => {
                tracing::warn!(height, sender = %request.sender, "refusing a chunk and its sender: {why}");
                answer(Apply::Retry, vec![request.index], vec![request.sender])
            }
            ChunkVerdict::OutOfOrder { expected } => {
                tracing::warn!(height, chunk = request.index, expected, "a snapshot chunk out of order");
                answer(Apply::RetrySnapshot, vec![], vec![])
            }
            ChunkVerdict::BadSnapshot(why) => {
                tracing::warn!(height, "refusing the snapshot and its senders: {why}");
                senders.insert(request.sender);
                let rejected = std::mem::take(senders).into_iter().collect();
                self.progress = Progress::Idle;
                answer(Apply::RejectSnapshot, vec![], rejected)
            }
        }
    }
}
