//! The info/query connection: Info and Query, served from committed state only,
//! so queries never wait for (or see) a block in progress.

use std::sync::{Arc, OnceLock};

use tendermint_proto::v0_38::abci::{RequestInfo, RequestQuery, ResponseInfo, ResponseQuery};
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};
use veritas_framework::{sdk, Error, ModuleSet, QueryContext};
use veritas_store::{Storage, Version};

use crate::chain_meta::ChainMeta;

/// ABCI proof op type of a Veritas (jmt) ICS-23 commitment proof.
pub const PROOF_OP_TYPE: &str = "ics23:jmt";
/// The app's protocol version, reported in Info.
pub const APP_PROTOCOL_VERSION: u64 = 1;

pub struct QueryService {
    storage: Storage,
    modules: ModuleSet,
    meta: Arc<OnceLock<ChainMeta>>,
}

impl QueryService {
    pub fn new(storage: Storage, modules: ModuleSet, meta: Arc<OnceLock<ChainMeta>>) -> Self {
        Self { storage, modules, meta }
    }

    pub fn info(&self, request: RequestInfo) -> ResponseInfo {
        let (height, app_hash) = match (self.storage.latest_version(), self.meta.get()) {
            (Some(version), Some(meta)) => match self.storage.root_hash(version) {
                Ok(root) => (meta.height_of(version), root.to_vec()),
                Err(e) => crate::fatal::fatal(format!("cannot read the last app hash: {e}")),
            },
            _ => (0, Vec::new()),
        };
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

    pub fn query(&self, request: RequestQuery) -> ResponseQuery {
        match self.answer(&request) {
            Ok(response) => response,
            Err(err) => ResponseQuery {
                code: err.code(),
                codespace: err.codespace().to_owned(),
                log: err.log().to_owned(),
                height: request.height,
                ..Default::default()
            },
        }
    }

    fn answer(&self, request: &RequestQuery) -> Result<ResponseQuery, Error> {
        let path = request.path.as_str();
        if path == "app/version" || path == "/app/version" {
            return Ok(ResponseQuery { value: env!("CARGO_PKG_VERSION").as_bytes().to_vec().into(), ..Default::default() });
        }
        let (meta, version) = self.resolve_height(request.height)?;
        let height = i64::try_from(meta.height_of(version)).unwrap_or(i64::MAX);

        if let Some(rest) = path.strip_prefix("/store/").or_else(|| path.strip_prefix("store/")) {
            let substore = rest
                .strip_suffix("/key")
                .ok_or_else(|| sdk::unknown_request(format!("unsupported store query {path:?}; use store/<module>/key")))?;
            if !self.storage.substores().iter().any(|s| s == substore) {
                return Err(sdk::unknown_request(format!("no store named {substore:?}")));
            }
            let key = request.data.to_vec();
            if request.prove {
                let proof = self.storage.get_with_proof(substore, &key, version)?;
                let ops = vec![
                    ProofOp { r#type: PROOF_OP_TYPE.into(), key: key.clone(), data: prost::Message::encode_to_vec(&proof.substore_proof) },
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
            return Ok(ResponseQuery { key: key.into(), value: value.unwrap_or_default().into(), height, ..Default::default() });
        }

        if path.starts_with('/') && self.modules.has_query(path) {
            if request.prove {
                return Err(sdk::invalid_request("proofs are available for store/<module>/key queries only"));
            }
            let view = self.storage.view(Some(version))?;
            let ctx = QueryContext::new(meta.height_of(version), &meta.chain_id, &view);
            let value = self.modules.query(&ctx, path, &request.data)?;
            return Ok(ResponseQuery { value: value.into(), height, ..Default::default() });
        }
        Err(sdk::unknown_request(format!("unknown query path {path:?}")))
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
        let version = meta
            .version_of(height)
            .ok_or_else(|| sdk::invalid_height(format!("height {height} is before the chain's initial height {}", meta.initial_height)))?;
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
