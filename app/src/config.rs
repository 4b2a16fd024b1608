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
    pub log: LogConfig,
    pub pruning: PruningConfig,
    pub grpc: GrpcConfig,
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

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            abci_address: "127.0.0.1:26658".into(),
            minimum_gas_prices: String::new(),
            log: LogConfig { format: LogFormat::Plain, level: "info".into() },
            // The Cosmos SDK's default window.
            pruning: PruningConfig { keep_recent: 362_880 },
            grpc: GrpcConfig { enable: true, address: "127.0.0.1:9090".into() },
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
             # pruning.keep_recent = 0 keeps every state version.\n\n{body}"
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
        parse_gas_prices(&self.minimum_gas_prices)?;
        Ok(())
    }
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

/// A decimal amount per unit of gas in one denom, kept as an exact fraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    /// The amount scaled by 10^`decimals`.
    pub scaled_amount: u128,
    pub decimals: u32,
    pub denom: String,
}

/// Parses `"0.025uvrt,1ibc/ABC"`; empty means no minimum.
pub fn parse_gas_prices(text: &str) -> anyhow::Result<Vec<GasPrice>> {
    let mut prices = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let split = part
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| anyhow::anyhow!("gas price {part:?} has no denom (expected e.g. 0.025uvrt)"))?;
        let (amount, denom) = part.split_at(split);
        let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
        if int.is_empty() || frac.contains('.') || frac.len() > 18 {
            anyhow::bail!("gas price {part:?} has a malformed amount");
        }
        if !denom.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            || !denom.chars().all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c))
        {
            anyhow::bail!("gas price {part:?} has an invalid denom {denom:?}");
        }
        let scaled_amount = format!("{int}{frac}")
            .parse::<u128>()
            .map_err(|_| anyhow::anyhow!("gas price {part:?} is out of range"))?;
        prices.push(GasPrice { scaled_amount, decimals: frac.len() as u32, denom: denom.to_owned() });
    }
    Ok(prices)
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
        let mut config = AppConfig::default();
        config.abci_address = "nowhere".into();
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

    #[test]
    fn gas_prices_parse_exactly() {
        let prices = parse_gas_prices("0.025uvrt, 2ibc/AB12").unwrap();
        assert_eq!(prices[0], GasPrice { scaled_amount: 25, decimals: 3, denom: "uvrt".into() });
        assert_eq!(prices[1], GasPrice { scaled_amount: 2, decimals: 0, denom: "ibc/AB12".into() });
        assert!(parse_gas_prices("").unwrap().is_empty());
        for bad in ["uvrt", "0.1.2uvrt", "1", ".5uvrt", "1 uvrt x"] {
            assert!(parse_gas_prices(bad).is_err(), "{bad}");
        }
    }
}
