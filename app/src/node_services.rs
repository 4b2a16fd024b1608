//! Cosmos SDK query services about the node itself, which relayers and wallets ask: the
//! node's `Config` (its minimum gas prices) and the tendermint service's `GetNodeInfo`
//! (the versions the node is built on and the CometBFT it is driven by). Staking
//! `Params` is answered by the ibc module (its unbonding period and history length).

use cosmos_sdk_proto::cosmos::base::node::v1beta1::{ConfigRequest, ConfigResponse};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::{
    GetNodeInfoRequest, GetNodeInfoResponse, Module, VersionInfo,
};
use prost::Message;
use veritas_framework::{decode_request, sdk, Error};

pub const NODE_CONFIG: &str = "/cosmos.base.node.v1beta1.Service/Config";
pub const NODE_INFO: &str = "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo";

/// The Go module path relayers look for to learn the consensus engine's version.
pub const COMETBFT_MODULE: &str = "github.com/cometbft/cometbft";

include!(concat!(env!("OUT_DIR"), "/build_deps.rs"));

/// What the node knows about itself, beyond state.
#[derive(Debug, Clone, Default)]
pub struct NodeFacts {
    /// `minimum_gas_prices` of app.toml, as written there.
    pub min_gas_prices: String,
    /// The CometBFT version given in its last Info request (`None` before the handshake).
    pub consensus_version: Option<String>,
}

/// Whether `path` is one of these services.
pub fn answers(path: &str) -> bool {
    path == NODE_CONFIG || path == NODE_INFO
}

/// `GetNodeInfo`'s application version: Veritas' own version and, as build
/// dependencies, the Rust crates it is built on (`crates.io/<name>`, with the crate's
/// checksum) plus the CometBFT that drives it. There is no Cosmos SDK or ibc-go in it,
/// so relayers that check those versions (Hermes) report them as missing.
pub fn version_info(consensus_version: Option<&str>) -> VersionInfo {
    let mut build_deps: Vec<Module> = BUILD_DEPS
        .iter()
        .map(|(name, version, checksum)| Module {
            path: format!("crates.io/{name}"),
            version: format!("v{version}"),
            sum: if checksum.is_empty() { String::new() } else { format!("sha256:{checksum}") },
        })
        .collect();
    if let Some(version) = consensus_version {
        build_deps.push(Module {
            path: COMETBFT_MODULE.into(),
            version: format!("v{}", version.trim_start_matches('v')),
            sum: String::new(),
        });
    }
    VersionInfo {
        name: "veritas".into(),
        app_name: "veritasd".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: String::new(),
        build_tags: String::new(),
        go_version: RUSTC_VERSION.into(),
        build_deps,
        cosmos_sdk_version: String::new(),
    }
}

/// Answers the node's own services.
pub fn answer(facts: &NodeFacts, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
    match path {
        NODE_CONFIG => {
            decode_request::<ConfigRequest>(data)?;
            Ok(ConfigResponse { minimum_gas_price: facts.min_gas_prices.clone(), ..Default::default() }.encode_to_vec())
        }
        NODE_INFO => {
            decode_request::<GetNodeInfoRequest>(data)?;
            // default_node_info is CometBFT's to tell (RPC /status); the app does not know it.
            let version = version_info(facts.consensus_version.as_deref());
            Ok(GetNodeInfoResponse { default_node_info: None, application_version: Some(version) }.encode_to_vec())
        }
        other => Err(sdk::unknown_request(format!("unknown query path {other:?}"))),
    }
}
