//! `config/app.toml`: the application's own settings (CometBFT's live in its home).

use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// Contents of `app.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Where the ABCI server listens; CometBFT's `proxy_app` points here.
    pub abci_address: String,
    /// Minimum gas prices this node accepts in CheckTx, e.g. `"0.025uvrt"` (empty: none).
    pub minimum_gas_prices: String,
    /// Gas cap of one Simulate query (the Cosmos SDK's `query-gas-limit`); over it the
    /// simulation fails out of gas.
    #[serde(default = "default_query_gas_limit")]
    pub query_gas_limit: u64,
    /// Queries (ABCI and gRPC) answered at once; others wait up to 30 s for a turn.
    #[serde(default = "crate::query::default_query_concurrency")]
    pub query_concurrency: usize,
    /// Event attributes CometBFT's tx indexer indexes: `type` (all its attributes) or
    /// `type.attribute`; `[]` indexes everything (the SDK's `index-events`). Default: what
    /// clients search (see `event_index.rs`).
    #[serde(default = "default_index_events")]
    pub index_events: Vec<String>,
    /// Stop after committing this height (0: never), as the Cosmos SDK's `halt-height`:
    /// the node exits before executing the next block, so every validator configured
    /// alike stops at the same state (a manual, coordinated upgrade).
    #[serde(default)]
    pub halt_height: u64,
    pub log: LogConfig,
    pub pruning: PruningConfig,
    pub grpc: GrpcConfig,
    #[serde(default)]
    pub telemetry: TelemetryConfig,
    #[serde(default)]
    pub state_sync: StateSyncConfig,
}

/// Snapshots for CometBFT state sync (the SDK's `state-sync` section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSyncConfig {
    /// Write a snapshot every this many heights (0: never); keep `pruning.keep_recent`
    /// well above the time a snapshot takes, or its version may be pruned mid-walk.
    pub snapshot_interval: u64,
    /// How many snapshots to keep.
    pub snapshot_keep_recent: u32,
}

impl Default for StateSyncConfig {
    fn default() -> Self {
        Self { snapshot_interval: 0, snapshot_keep_recent: 2 }
    }
}

/// The app's Prometheus endpoint (CometBFT has its own, `instrumentation.prometheus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// Serve `GET /metrics` (Prometheus text format).
    pub enable: bool,
    /// Where; CometBFT's own metrics default to :26660, so the app's to 26661.
    pub address: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self { enable: false, address: "127.0.0.1:26661".into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `plain` or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `veritas_app=debug,info`; `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Plain,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PruningConfig {
    /// Keep this many most recent state versions readable (and provable); 0 keeps all.
    pub keep_recent: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrpcConfig {
    /// Serve gRPC (the query services, Simulate, BroadcastTx, GetTx); relayers need it.
    #[serde(default = "enabled")]
    pub enable: bool,
    /// Where the gRPC server listens (plain HTTP/2).
    pub address: String,
}

fn enabled() -> bool {
    true
}

fn default_index_events() -> Vec<String> {
    crate::event_index::EventIndex::default_entries(&crate::modules::module_set())
}

fn default_query_gas_limit() -> u64 {
    crate::query::DEFAULT_QUERY_GAS_LIMIT
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            abci_address: "127.0.0.1:26658".into(),
            minimum_gas_prices: String::new(),
            query_gas_limit: default_query_gas_limit(),
            halt_height: 0,
            query_concurrency: crate::query::default_query_concurrency(),
            index_events: default_index_events(),
            log: LogConfig { format: LogFormat::Plain, level: "info".into() },
            // The Cosmos SDK's default window.
            pruning: PruningConfig { keep_recent: 362_880 },
            grpc: GrpcConfig { enable: true, address: "127.0.0.1:9090".into() },
            telemetry: TelemetryConfig::default(),
            state_sync: StateSyncConfig::default(),
        }
    }
}

impl AppConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let config: AppConfig =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("invalid {}: {}", path.display(), e.message()))?;
        config.validate().with_context(|| format!("invalid {}", path.display()))?;
        Ok(config)
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let body = toml::to_string_pretty(self)?;
        let text = format!(
            "# Veritas application settings. CometBFT's settings are in ../cometbft/config/config.toml.\n\
             # pruning.keep_recent = 0 keeps every state version. index_events = [] indexes every event attribute.\n\n{body}"
        );
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        self.abci_address
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("abci_address {:?} is not host:port", self.abci_address))?;
        self.grpc
            .address
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("grpc.address {:?} is not host:port", self.grpc.address))?;
        self.telemetry
            .address
            .parse::<std::net::SocketAddr>()
            .with_context(|| format!("telemetry.address {:?} is not host:port", self.telemetry.address))?;
        anyhow::ensure!(self.query_gas_limit > 0, "query_gas_limit must be positive");
        anyhow::ensure!(self.query_concurrency > 0, "query_concurrency must be positive");
        crate::event_index::EventIndex::parse(&self.index_events)?;
        veritas_framework::GasPrices::parse(&self.minimum_gas_prices)
            .map_err(|e| anyhow::anyhow!("minimum_gas_prices: {}", e.log()))?;
        Ok(())
    }
}

/// Edits a TOML file in place, keeping its comments and layout (CometBFT's `config.toml`).
pub fn edit_toml(path: &Path, edit: impl FnOnce(&mut toml_edit::DocumentMut)) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("cannot parse {}", path.display()))?;
    edit(&mut doc);
    std::fs::write(path, doc.to_string()).with_context(|| format!("cannot write {}", path.display()))
}

/// The HTTP URL of CometBFT's RPC from its `config.toml` (`rpc.laddr`), with an
/// unspecified listen host (`0.0.0.0`) replaced by loopback.
pub fn cometbft_rpc_url(config_toml: &Path) -> anyhow::Result<String> {
    let text =
        std::fs::read_to_string(config_toml).with_context(|| format!("cannot read {}", config_toml.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("invalid {}: {}", config_toml.display(), e.message()))?;
    let laddr = doc
        .get("rpc")
        .and_then(|rpc| rpc.get("laddr"))
        .and_then(|l| l.as_str())
        .ok_or_else(|| anyhow::anyhow!("{} has no rpc.laddr", config_toml.display()))?;
    let host_port = laddr
        .strip_prefix("tcp://")
        .ok_or_else(|| anyhow::anyhow!("rpc.laddr {laddr:?} in {} is not tcp://host:port", config_toml.display()))?;
    let host_port = host_port.replace("0.0.0.0", "127.0.0.1");
    Ok(format!("http://{host_port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_round_trips_through_toml() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.toml");
        AppConfig::default().save(&path).unwrap();
        assert_eq!(AppConfig::load(&path).unwrap(), AppConfig::default());
    }

    #[test]
    fn bad_configs_are_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.toml");
        std::fs::write(&path, "abci_address = 5").unwrap();
        let err = format!("{:#}", AppConfig::load(&path).unwrap_err());
        assert!(err.contains("app.toml"), "{err}");
        let config = AppConfig { abci_address: "nowhere".into(), ..Default::default() };
        assert!(format!("{:#}", config.validate().unwrap_err()).contains("abci_address"));
    }

    #[test]
    fn older_app_toml_without_grpc_enable_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.toml");
        AppConfig::default().save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap().replace("enable = true\n", "");
        std::fs::write(&path, text).unwrap();
        assert!(AppConfig::load(&path).unwrap().grpc.enable);
    }

    #[test]
    fn cometbft_rpc_url_comes_from_rpc_laddr() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "proxy_app = \"x\"\n[rpc]\nladdr = \"tcp://0.0.0.0:26657\"\n").unwrap();
        assert_eq!(cometbft_rpc_url(&path).unwrap(), "http://127.0.0.1:26657");
        std::fs::write(&path, "[rpc]\nladdr = \"unix:///tmp/x.sock\"\n").unwrap();
        assert!(cometbft_rpc_url(&path).is_err());
    }
}
