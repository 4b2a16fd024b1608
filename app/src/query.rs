//! The info/query connection: Info and Query, served from committed state only,
//! so queries never wait for (or see) a block in progress.

use std::sync::{Arc, Mutex, OnceLock};

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::{GasInfo, Result as AbciResult};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse, TxRaw};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestInfo, RequestQuery, ResponseInfo, ResponseQuery};
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};
use veritas_framework::{sdk, BlockInfo, Error, QueryContext};
use veritas_store::{Overlay, Storage, Version};

use crate::chain_meta::ChainMeta;
use crate::tx::TxEnv;

/// gRPC path of the transaction simulation service (used by `fee: "auto"` and `--gas auto`).
pub const SIMULATE: &str = "/cosmos.tx.v1beta1.Service/Simulate";

/// ABCI proof op type of a Veritas (jmt) ICS-23 commitment proof.
pub const PROOF_OP_TYPE: &str = "ics23:jmt";
/// How often a latest-state query is tried again after meeting a commit.
const MAX_LATEST_RETRIES: usize = 5;

/// The app's protocol version, reported in Info.
pub const APP_PROTOCOL_VERSION: u64 = 1;

/// Bounds on the work queries may cause (app.toml `query_gas_limit`, `query_concurrency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Gas cap of one Simulate.
    pub simulate_gas_cap: u64,
    /// Queries answered at once; the others wait up to `wait` for a turn, then are refused.
    pub concurrency: usize,
    pub wait: std::time::Duration,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self { simulate_gas_cap: DEFAULT_QUERY_GAS_LIMIT, concurrency: default_query_concurrency(), wait: QUERY_WAIT }
    }
}

/// The default Simulate gas cap: a quarter of a default block's `max_gas`.
pub const DEFAULT_QUERY_GAS_LIMIT: u64 = 50_000_000;

/// The default number of queries answered at once: one per core, at least two.
pub fn default_query_concurrency() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)
}

/// How long a query waits for a turn before it is refused.
pub const QUERY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct QueryService {
    storage: Storage,
    env: Arc<TxEnv>,
    meta: Arc<OnceLock<ChainMeta>>,
    limits: QueryLimits,
    /// Queries being answered now, against `limits.concurrency`.
    running: (Mutex<usize>, std::sync::Condvar),
    /// CometBFT's version from its last Info request, reported by `GetNodeInfo`.
    consensus_version: Mutex<Option<String>>,
}

impl QueryService {
    pub fn new(storage: Storage, env: Arc<TxEnv>, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        Self {
            storage,
            env,
            meta,
            limits: QueryLimits::default(),
            running: (Mutex::new(0), std::sync::Condvar::new()),
            consensus_version: Mutex::new(None),
        }
    }

    /// Replaces the default [`QueryLimits`].
    pub fn with_limits(mut self, limits: QueryLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Waits for one of `limits.concurrency` turns; `None` after `limits.wait`.
    fn turn(&self) -> Option<QueryTurn<'_>> {
        let (count, freed) = &self.running;
        let guard = count.lock().unwrap_or_else(|e| e.into_inner());
        let (mut guard, timeout) = freed
            .wait_timeout_while(guard, self.limits.wait, |n| *n >= self.limits.concurrency.max(1))
            .unwrap_or_else(|e| e.into_inner());
        if timeout.timed_out() && *guard >= self.limits.concurrency.max(1) {
            return None;
        }
        *guard += 1;
        Some(QueryTurn(self))
    }

    pub fn info(&self, request: RequestInfo) -> ResponseInfo {
        let (height, app_hash) = match (self.storage.latest_version(), self.meta.get()) {
            (Some(version), Some(meta)) => match self.storage.root_hash(version) {
                Ok(root) => (meta.height_of(version), root.to_vec()),
                Err(e) => crate::fatal::fatal(format!("cannot read the last app hash: {e}")),
            },
            _ => (0, Vec::new()),
        };
        if !request.version.is_empty() {
            *self.consensus_version.lock().unwrap_or_else(|e| e.into_inner()) = Some(request.version.clone());
        }
        tracing::info!(
            cometbft = %request.version,
            last_block_height = height,
            last_block_app_hash = %hex::encode_upper(&app_hash),
            "ABCI info"
        );
        ResponseInfo {
            data: "veritas".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            app_version: APP_PROTOCOL_VERSION,
            last_block_height: i64::try_from(height).unwrap_or(i64::MAX),
            last_block_app_hash: app_hash.into(),
        }
    }

    /// Whether `path` names a gRPC-style query service method this node answers.
    pub fn serves(&self, path: &str) -> bool {
        path == SIMULATE || crate::node_services::answers(path) || self.env.modules.has_query(path)
    }

    pub fn query(&self, request: RequestQuery) -> ResponseQuery {
        /// The code `sdk::unknown_request` answers with, read once.
        static UNKNOWN_REQUEST_CODE: std::sync::LazyLock<u32> =
            std::sync::LazyLock::new(|| sdk::unknown_request("").code());
        let started = std::time::Instant::now();
        let response = self.query_in_turn(&request);
        // Labelled by path only when the path is one the node answers, so strangers'
        // paths cannot multiply the metric's series.
        let unknown = response.codespace == sdk::CODESPACE && response.code == *UNKNOWN_REQUEST_CODE;
        let label = match request.path.as_str() {
            p if p.starts_with("/store/") || p.starts_with("store/") => "store",
            _ if unknown => "other",
            p => p,
        };
        crate::telemetry::metrics().query_seconds.with_label_values(&[label]).observe(started.elapsed().as_secs_f64());
        response
    }

    fn query_in_turn(&self, request: &RequestQuery) -> ResponseQuery {
        let Some(_turn) = self.turn() else {
            let busy = sdk::internal(format!(
                "the node is answering {} queries already and none finished within {}s; try again later",
                self.limits.concurrency,
                self.limits.wait.as_secs()
            ));
            return error_response(&busy, request.height);
        };
        // Ordered scans (list queries) read the latest version only: a query for the
        // latest state that fails while a block commits is answered again at the new
        // latest version. Queries only read, so a second try is always safe.
        let mut attempts = 0;
        let result = loop {
            let before = self.storage.latest_version();
            // A panic while answering is contained as this query's error (code 111222).
            let result = veritas_framework::panics::contain(|| self.answer(request));
            if let Err(err) = &result {
                if veritas_framework::panics::is_panic(err) {
                    tracing::error!(path = %request.path, "query panicked: {}", err.log());
                    break result;
                }
            }
            attempts += 1;
            let raced = request.height == 0 && self.storage.latest_version() != before;
            if result.is_ok() || !raced || attempts > MAX_LATEST_RETRIES {
                break result;
            }
        };
        match result {
            Ok(response) => response,
            Err(err) => error_response(&err, request.height),
        }
    }

    fn answer(&self, request: &RequestQuery) -> Result<ResponseQuery, Error> {
        let path = request.path.as_str();
        if path == "app/version" || path == "/app/version" {
            return Ok(ResponseQuery {
                value: env!("CARGO_PKG_VERSION").as_bytes().to_vec().into(),
                ..Default::default()
            });
        }
        let (meta, version) = self.resolve_height(request.height)?;
        let height = i64::try_from(meta.height_of(version)).unwrap_or(i64::MAX);

        if let Some(rest) = path.strip_prefix("/store/").or_else(|| path.strip_prefix("store/")) {
            let substore = rest.strip_suffix("/key").ok_or_else(|| {
                sdk::unknown_request(format!("unsupported store query {path:?}; use store/<module>/key"))
            })?;
            if !self.storage.substores().iter().any(|s| s == substore) {
                return Err(sdk::unknown_request(format!("no store named {substore:?}")));
            }
            let key = request.data.to_vec();
            if request.prove {
                let proof = self.storage.get_with_proof(substore, &key, version)?;
                let ops = vec![
                    ProofOp {
                        r#type: PROOF_OP_TYPE.into(),
                        key: key.clone(),
                        data: prost::Message::encode_to_vec(&proof.substore_proof),
                    },
                    ProofOp {
                        r#type: PROOF_OP_TYPE.into(),
                        key: substore.as_bytes().to_vec(),
                        data: prost::Message::encode_to_vec(&proof.root_proof),
                    },
                ];
                return Ok(ResponseQuery {
                    key: key.into(),
                    value: proof.value.unwrap_or_default().into(),
                    proof_ops: Some(ProofOps { ops }),
                    height,
                    ..Default::default()
                });
            }
            let value = self.storage.get(substore, &key, version)?;
            return Ok(ResponseQuery {
                key: key.into(),
                value: value.unwrap_or_default().into(),
                height,
                ..Default::default()
            });
        }

        if path == SIMULATE {
            return self.simulate(meta, version, &request.data);
        }
        if crate::node_services::answers(path) {
            // About the node itself: no state to read.
            let facts = crate::node_services::NodeFacts {
                min_gas_prices: self.env.min_gas_prices.as_text().to_owned(),
                consensus_version: self.consensus_version.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            };
            let value = crate::node_services::answer(&facts, path, &request.data)?;
            return Ok(ResponseQuery { value: value.into(), height, ..Default::default() });
        }
        if path.starts_with('/') && self.env.modules.has_query(path) {
            if request.prove {
                return Err(sdk::invalid_request("proofs are available for store/<module>/key queries only"));
            }
            let view = self.storage.view(Some(version))?;
            let ctx = QueryContext::new(meta.height_of(version), &meta.chain_id, &view);
            let value = self.env.modules.query(&ctx, path, &request.data)?;
            return Ok(ResponseQuery { value: value.into(), height, ..Default::default() });
        }
        Err(sdk::unknown_request(format!("unknown query path {path:?}")))
    }

    /// Runs a transaction on a throwaway copy of state at `version`, as the next block
    /// would, without signature checks or gas limit, and reports gas and result.
    #[allow(deprecated)] // SimulateRequest.tx and Result.data: still sent by older clients.
    fn simulate(&self, meta: &ChainMeta, version: Version, data: &[u8]) -> Result<ResponseQuery, Error> {
        let request = SimulateRequest::decode(data)
            .map_err(|e| sdk::invalid_request(format!("cannot decode SimulateRequest: {e}")))?;
        let raw = if !request.tx_bytes.is_empty() {
            request.tx_bytes
        } else if let Some(tx) = request.tx {
            TxRaw {
                body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
                auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
                signatures: tx.signatures,
            }
            .encode_to_vec()
        } else {
            return Err(sdk::invalid_request("empty txBytes is not allowed"));
        };
        let mut state = Overlay::new(self.storage.view(Some(version))?);
        let block = BlockInfo {
            height: meta.height_of(version) + 1,
            time: crate::chain_meta::last_block_time(&self.storage),
            chain_id: meta.chain_id.clone(),
            ..Default::default()
        };
        let outcome = self.env.simulate(&mut state, &block, &raw, self.limits.simulate_gas_cap);
        if !outcome.is_ok() {
            return Err(Error::new(outcome.codespace, outcome.code, outcome.log));
        }
        let response = SimulateResponse {
            gas_info: Some(GasInfo { gas_wanted: outcome.gas_wanted, gas_used: outcome.gas_used }),
            result: Some(AbciResult {
                data: outcome.data,
                log: outcome.log,
                events: outcome.events.into_iter().map(Into::into).collect(),
                msg_responses: outcome.msg_responses,
            }),
        };
        Ok(ResponseQuery {
            value: response.encode_to_vec().into(),
            height: i64::try_from(meta.height_of(version)).unwrap_or(i64::MAX),
            ..Default::default()
        })
    }

    /// Maps a requested height (0 = latest) to a kept store version.
    fn resolve_height(&self, height: i64) -> Result<(&ChainMeta, Version), Error> {
        let (Some(meta), Some(latest)) = (self.meta.get(), self.storage.latest_version()) else {
            return Err(sdk::invalid_height("no block has been committed yet"));
        };
        if height < 0 {
            return Err(sdk::invalid_height(format!("height {height} is negative")));
        }
        if height == 0 {
            return Ok((meta, latest));
        }
        let height = height as u64;
        let latest_height = meta.height_of(latest);
        if height > latest_height {
            return Err(sdk::invalid_height(format!(
                "cannot query with height in the future; please provide a valid height (latest is {latest_height})"
            )));
        }
        let version = meta.version_of(height).ok_or_else(|| {
            sdk::invalid_height(format!(
                "height {height} is before the first height this node holds ({}: the chain's initial height or the snapshot it was restored from)",
                meta.initial_height
            ))
        })?;
        let earliest = self.storage.earliest_version();
        if version < earliest {
            return Err(sdk::invalid_height(format!(
                "height {height} has been pruned; the earliest available height is {}",
                meta.height_of(earliest)
            )));
        }
        Ok((meta, version))
    }
}

/// One query's turn; frees it when dropped.
struct QueryTurn<'a>(&'a QueryService);

impl Drop for QueryTurn<'_> {
    fn drop(&mut self) {
        let (count, freed) = &self.0.running;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

fn error_response(err: &Error, height: i64) -> ResponseQuery {
    ResponseQuery {
        code: err.code(),
        codespace: err.codespace().to_owned(),
        log: err.log().to_owned(),
        height,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, OnceLock};
    use std::time::Duration;

    use tendermint_proto::v0_38::abci::RequestQuery;
    use veritas_store::{Storage, StorageConfig};

    use super::*;

    #[test]
    fn queries_beyond_the_concurrency_limit_wait_then_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let env = Arc::new(crate::modules::tx_env(Default::default()));
        let storage =
            Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 0 }).unwrap();
        let limits = QueryLimits { simulate_gas_cap: 1, concurrency: 1, wait: Duration::from_millis(100) };
        let queries = QueryService::new(storage, env, Arc::new(OnceLock::new())).with_limits(limits);
        let version = || queries.query(RequestQuery { path: "/app/version".into(), ..Default::default() });
        assert_eq!(version().code, 0);

        let busy = queries.turn().expect("a free turn");
        let started = std::time::Instant::now();
        let refused = version();
        assert!(started.elapsed() >= Duration::from_millis(100), "it waited for a turn first");
        assert_eq!(refused.code, 1);
        assert!(refused.log.contains("answering 1 queries already"), "{}", refused.log);
        drop(busy);
        assert_eq!(version().code, 0, "a freed turn is taken");
    }
}
