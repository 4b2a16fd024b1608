//! Sending the load (`broadcast_tx_sync`, many in flight, one per account) and following the
//! blocks until every accepted transaction is committed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use tendermint_rpc::{Client as _, HttpClient};

use crate::client::Client;

/// What the nodes answered to the broadcasts.
pub(super) struct Sent {
    pub submitted: usize,
    /// Hash (upper-case hex) of each transaction CheckTx accepted, and when it was sent.
    pub accepted: HashMap<String, Instant>,
    /// Refusals by `codespace/code` or RPC error.
    pub rejected: BTreeMap<String, u64>,
}

/// Broadcasts `txs` (each with its sending account) keeping `in_flight` broadcasts going;
/// an account's next transaction waits for the answer to its previous one, and each account
/// always uses the same node, so its sequences reach the mempool in order.
pub(super) fn broadcast_all(
    nodes: &[String],
    txs: Vec<(usize, Vec<u8>)>,
    in_flight: usize,
    rate: f64,
) -> anyhow::Result<Sent> {
    let rpcs: Vec<HttpClient> = nodes.iter().map(|n| HttpClient::new(n.as_str())).collect::<Result<_, _>>()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut sent = Sent { submitted: txs.len(), accepted: HashMap::new(), rejected: BTreeMap::new() };
    let started = Instant::now();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        let mut busy = BTreeSet::new();
        for (i, (account, raw)) in txs.into_iter().enumerate() {
            if rate > 0.0 {
                let due = started + Duration::from_secs_f64(i as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
            }
            while set.len() >= in_flight || (busy.contains(&account) && !set.is_empty()) {
                sent.record(set.join_next().await, &mut busy);
            }
            let rpc = rpcs[account % rpcs.len()].clone();
            busy.insert(account);
            set.spawn(async move { (account, Instant::now(), rpc.broadcast_tx_sync(raw).await) });
        }
        while let Some(done) = set.join_next().await {
            sent.record(Some(done), &mut busy);
        }
    });
    Ok(sent)
}

/// `(account index, sent at, CometBFT's answer)` of one broadcast.
type Broadcast =
    (usize, Instant, Result<tendermint_rpc::endpoint::broadcast::tx_sync::Response, tendermint_rpc::Error>);

impl Sent {
    fn record(&mut self, done: Option<Result<Broadcast, tokio::task::JoinError>>, busy: &mut BTreeSet<usize>) {
        if let Some(Ok((account, _, _))) = &done {
            busy.remove(account);
        }
        let refusal = match done {
            Some(Ok((_, at, Ok(response)))) if response.code.is_ok() => {
                self.accepted.insert(response.hash.to_string(), at);
                return;
            }
            Some(Ok((_, _, Ok(response)))) => format!("{}/{}", response.codespace, response.code.value()),
            Some(Ok((_, _, Err(e)))) => {
                let text = e.detail().to_string();
                let reason = if text.contains("mempool is full") {
                    "mempool is full".to_owned()
                } else {
                    text.chars().take(80).collect()
                };
                format!("rpc error: {reason}")
            }
            Some(Err(e)) => format!("task: {e}"),
            None => return,
        };
        *self.rejected.entry(refusal).or_default() += 1;
    }
}

/// What the blocks after the load held of it.
pub(super) struct Commits {
    /// Committed load transactions by result code.
    pub by_code: BTreeMap<u32, u64>,
    /// Time from broadcast to the block being seen, sorted.
    latencies: Vec<Duration>,
    pub last_commit: Option<Instant>,
    pub blocks: u64,
}

impl Commits {
    /// The `p` quantile of inclusion latency in milliseconds.
    pub fn latency_ms(&self, p: f64) -> Option<u64> {
        quantile(&self.latencies, p).map(|d| d.as_millis() as u64)
    }
}

/// The `p` quantile (nearest rank) of sorted samples.
pub(super) fn quantile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied()
}

/// Reads every block from `start_height + 1` until all of `accepted` are in one, or
/// `timeout_secs` pass; then calls `on_load_done` and reads the result codes.
///
/// Only `block` is read while the load runs: `block_results` carries every event as JSON,
/// and serving it for every block was 40% of CometBFT's CPU in a profile, which would be
/// charged to the chain under test.
pub(super) fn follow_commits(
    client: &Client,
    node: &str,
    start_height: u64,
    accepted: &HashMap<String, Instant>,
    timeout_secs: u64,
    on_load_done: impl FnOnce(),
) -> anyhow::Result<Commits> {
    let rpc = HttpClient::new(node)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut commits = Commits { by_code: BTreeMap::new(), latencies: Vec::new(), last_commit: None, blocks: 0 };
    // Positions of the load's transactions in each block that holds any.
    let mut found: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let mut pending = accepted.len();
    let mut height = start_height + 1;
    let deadline = Instant::now() + Duration::from_secs(timeout_secs);
    while pending > 0 && Instant::now() < deadline {
        // A node under load may drop a connection now and then: retry.
        let Ok(status) = client.status() else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        if height > status.sync_info.latest_block_height.value() {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let Ok(block) = runtime.block_on(rpc.block(tendermint::block::Height::try_from(height)?)) else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let seen = Instant::now();
        for (position, raw) in block.block.data.iter().enumerate() {
            if let Some(sent_at) = accepted.get(&hex::encode_upper(Sha256::digest(raw))) {
                pending -= 1;
                commits.latencies.push(seen.duration_since(*sent_at));
                commits.last_commit = Some(seen);
                found.entry(height).or_default().push(position);
            }
        }
        commits.blocks += 1;
        height += 1;
    }
    on_load_done();
    for (height, positions) in found {
        let at = tendermint::block::Height::try_from(height)?;
        let results = retry(|| runtime.block_on(rpc.block_results(at)))?.txs_results.unwrap_or_default();
        for position in positions {
            let result = results
                .get(position)
                .with_context(|| format!("block_results of height {height} lacks the result of tx {position}"))?;
            *commits.by_code.entry(result.code.value()).or_default() += 1;
        }
    }
    commits.latencies.sort();
    Ok(commits)
}

/// A few tries of an RPC call that a loaded node may drop.
fn retry<T>(mut call: impl FnMut() -> Result<T, tendermint_rpc::Error>) -> anyhow::Result<T> {
    let mut tries = 0;
    loop {
        match call() {
            Ok(value) => return Ok(value),
            Err(e) if tries >= 20 => return Err(e.into()),
            Err(_) => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}
