//! The CLI's view of a node: CometBFT RPC (status, ABCI queries, broadcast, tx lookup).

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use prost::Message;
use tendermint_rpc::{Client as _, HttpClient};

pub struct Client {
    node: String,
    rpc: HttpClient,
    runtime: tokio::runtime::Runtime,
}

/// A query that the app answered with a non-zero code.
#[derive(Debug)]
pub struct QueryError {
    pub code: u32,
    pub codespace: String,
    pub log: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {}, codespace {})", self.log, self.code, self.codespace)
    }
}

impl std::error::Error for QueryError {}

/// What the chain said about a transaction, in the shape `--output json` prints.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TxReport {
    pub txhash: String,
    pub code: u32,
    pub codespace: String,
    pub raw_log: String,
    pub height: u64,
    pub gas_wanted: i64,
    pub gas_used: i64,
    pub events: serde_json::Value,
}

impl Client {
    pub fn new(node: &str) -> anyhow::Result<Self> {
        let rpc = HttpClient::new(node).with_context(|| format!("invalid --node {node:?}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Self { node: node.to_owned(), rpc, runtime })
    }

    fn unreachable(&self, e: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!("cannot reach the node at {} ({}); is cometbft running? (set --node)", self.node, short(&e))
    }

    pub fn status(&self) -> anyhow::Result<tendermint_rpc::endpoint::status::Response> {
        self.runtime.block_on(self.rpc.status()).map_err(|e| self.unreachable(e))
    }

    /// The height and block hash (hex) of block `height`, or of the latest block.
    pub fn block_id(&self, height: Option<u64>) -> anyhow::Result<(u64, String)> {
        let block = match height {
            Some(h) => {
                let h = tendermint::block::Height::try_from(h).context("height out of range")?;
                self.runtime.block_on(self.rpc.block(h))
            }
            None => self.runtime.block_on(self.rpc.latest_block()),
        }
        .map_err(|e| self.unreachable(e))?;
        Ok((block.block.header.height.value(), block.block_id.hash.to_string()))
    }

    /// A gRPC-style ABCI query at the latest height; returns the response and its height.
    pub fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        request: &Req,
    ) -> anyhow::Result<(Resp, u64)> {
        let (value, height) = self.query_bytes(path, request.encode_to_vec())?;
        let decoded = Resp::decode(value.as_slice()).with_context(|| format!("cannot decode the answer to {path}"))?;
        Ok((decoded, height))
    }

    /// The raw protobuf answer of gRPC method `path` and its height.
    fn query_bytes(&self, path: &str, request: Vec<u8>) -> anyhow::Result<(Vec<u8>, u64)> {
        let response = self
            .runtime
            .block_on(self.rpc.abci_query(Some(path.to_owned()), request, None, false))
            .map_err(|e| self.unreachable(e))?;
        if response.code.is_err() {
            return Err(
                QueryError { code: response.code.value(), codespace: response.codespace, log: response.log }.into()
            );
        }
        Ok((response.value, response.height.value()))
    }

    /// The account at `address`, or `None` if the chain has never seen it.
    pub fn account(&self, address: &str) -> anyhow::Result<Option<BaseAccount>> {
        let request = QueryAccountRequest { address: address.to_owned() };
        match self.query::<_, QueryAccountResponse>("/cosmos.auth.v1beta1.Query/Account", &request) {
            Ok((response, _)) => {
                let any = response.account.context("the node answered without an account")?;
                Ok(Some(BaseAccount::decode(any.value.as_slice()).context("cannot decode BaseAccount")?))
            }
            Err(e) if e.downcast_ref::<QueryError>().is_some_and(|q| q.log.contains("NotFound")) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn broadcast_sync(
        &self,
        tx: Vec<u8>,
    ) -> anyhow::Result<tendermint_rpc::endpoint::broadcast::tx_sync::Response> {
        self.runtime.block_on(self.rpc.broadcast_tx_sync(tx)).map_err(|e| self.unreachable(e))
    }

    /// Looks a transaction up by hash (hex), waiting up to `wait` for it to be in a block.
    pub fn tx(&self, hash_hex: &str, wait: Duration) -> anyhow::Result<TxReport> {
        let hash: tendermint::Hash = hash_hex
            .to_uppercase()
            .parse()
            .map_err(|_| anyhow::anyhow!("{hash_hex:?} is not a transaction hash (64 hex digits)"))?;
        let deadline = Instant::now() + wait;
        loop {
            match self.runtime.block_on(self.rpc.tx(hash, false)) {
                Ok(found) => {
                    let result = found.tx_result;
                    return Ok(TxReport {
                        txhash: hash.to_string(),
                        code: result.code.value(),
                        codespace: result.codespace,
                        raw_log: result.log,
                        height: found.height.value(),
                        gas_wanted: result.gas_wanted,
                        gas_used: result.gas_used,
                        events: serde_json::to_value(&result.events).unwrap_or_default(),
                    });
                }
                Err(e) if Instant::now() < deadline && short(&e).contains("not found") => {
                    std::thread::sleep(Duration::from_millis(250));
                }
                Err(e) if short(&e).contains("not found") => bail!("transaction {hash} not found"),
                Err(e) => return Err(self.unreachable(e)),
            }
        }
    }
}

/// An RPC error without the location and backtrace that tendermint-rpc appends.
fn short(e: &impl std::fmt::Display) -> String {
    let text = e.to_string();
    let cut = ["Location:", "Stack backtrace:"].iter().filter_map(|m| text.find(m)).min().unwrap_or(text.len());
    text[..cut].split_whitespace().collect::<Vec<_>>().join(" ")
}

impl veritas_framework::cli::QueryClient for Client {
    fn query_raw(&self, path: &str, request: Vec<u8>) -> anyhow::Result<(Vec<u8>, u64)> {
        self.query_bytes(path, request)
    }
}
