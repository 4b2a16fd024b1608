//! `veritasd chain-info`: a running chain described for wallets and explorers — a Keplr
//! `experimentalSuggestChain` document and the cosmos chain-registry `chain.json` and
//! `assetlist.json` — from what the node answers: its chain id, the bank denom metadata
//! (display denoms and decimals) and its minimum gas price.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Metadata, QueryDenomsMetadataRequest, QueryDenomsMetadataResponse};
use cosmos_sdk_proto::cosmos::base::node::v1beta1::{ConfigRequest, ConfigResponse};
use serde_json::{json, Value};
use veritas_framework::{GasPrices, BECH32_PREFIX};

use crate::client::Client;

/// The fee and staking denom of every Veritas chain.
const BASE_DENOM: &str = "uvrt";
/// SLIP-44 coin type of Cosmos keys (`m/44'/118'/0'/0/0`).
const COIN_TYPE: u32 = 118;
/// Keplr's usual low / average / high gas prices, as multiples of the low one.
const STEPS: [f64; 3] = [1.0, 2.5, 4.0];
/// The low gas price when the node sets no minimum.
const DEFAULT_LOW_GAS_PRICE: f64 = 0.01;

#[derive(Debug, Args)]
pub struct ChainInfoArgs {
    /// CometBFT RPC of a node of the chain (also the `rpc` endpoint written).
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    node: String,
    /// Its gRPC endpoint, written for clients (e.g. http://127.0.0.1:9090).
    #[arg(long)]
    grpc: Option<String>,
    /// A REST (LCD) endpoint, if one serves the chain (Keplr wants one; Veritas serves none).
    #[arg(long)]
    rest: Option<String>,
    /// Human-readable chain name [default: the chain id].
    #[arg(long)]
    pretty_name: Option<String>,
    /// Write keplr.json, chain.json and assetlist.json into this directory.
    #[arg(long, default_value = ".")]
    output_dir: PathBuf,
}

pub fn run(args: ChainInfoArgs) -> anyhow::Result<()> {
    let client = Client::new(&args.node)?;
    let chain_id = client.status()?.node_info.network.to_string();
    let (metadata, _) = client
        .query::<_, QueryDenomsMetadataResponse>(
            "/cosmos.bank.v1beta1.Query/DenomsMetadata",
            &QueryDenomsMetadataRequest { pagination: None },
        )
        .context("cannot read the bank denom metadata")?;
    let (config, _) = client
        .query::<_, ConfigResponse>("/cosmos.base.node.v1beta1.Service/Config", &ConfigRequest {})
        .context("cannot read the node's minimum gas price")?;
    let low = low_gas_price(&config.minimum_gas_price)?;
    let info = ChainInfo {
        chain_id: chain_id.clone(),
        pretty_name: args.pretty_name.unwrap_or_else(|| chain_id.clone()),
        rpc: args.node,
        grpc: args.grpc,
        rest: args.rest,
        assets: metadata.metadatas.iter().map(Asset::from_metadata).collect(),
        gas_prices: gas_steps(low),
    };
    std::fs::create_dir_all(&args.output_dir)
        .with_context(|| format!("cannot create {}", args.output_dir.display()))?;
    for (name, document) in
        [("keplr.json", info.keplr()?), ("chain.json", info.chain_registry()?), ("assetlist.json", info.asset_list())]
    {
        let path = args.output_dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(&document)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}

/// Low, average and high prices from the low one (rounded to 9 decimals).
fn gas_steps(low: f64) -> [f64; 3] {
    STEPS.map(|m| (low * m * 1e9).round() / 1e9)
}

/// The node's minimum price in the base denom, or the usual low price when it sets none.
fn low_gas_price(minimum: &str) -> anyhow::Result<f64> {
    let prices = GasPrices::parse(minimum).map_err(|e| anyhow::anyhow!("the node's minimum gas price: {}", e.log()))?;
    Ok(prices
        .prices()
        .iter()
        .find(|p| p.denom == BASE_DENOM)
        .map(|p| p.scaled_amount as f64 / 10f64.powi(p.decimals as i32))
        .filter(|p| *p > 0.0)
        .unwrap_or(DEFAULT_LOW_GAS_PRICE))
}

/// One coin as wallets show it.
#[derive(Debug, Clone, PartialEq)]
struct Asset {
    base: String,
    display: String,
    decimals: u32,
    symbol: String,
    name: String,
    description: String,
    units: Vec<(String, u32)>,
}

impl Asset {
    fn from_metadata(m: &Metadata) -> Self {
        let decimals = m.denom_units.iter().find(|u| u.denom == m.display).map_or(0, |u| u.exponent);
        Self {
            base: m.base.clone(),
            display: m.display.clone(),
            decimals,
            symbol: if m.symbol.is_empty() { m.display.to_uppercase() } else { m.symbol.clone() },
            name: if m.name.is_empty() { m.display.clone() } else { m.name.clone() },
            description: m.description.clone(),
            units: m.denom_units.iter().map(|u| (u.denom.clone(), u.exponent)).collect(),
        }
    }
}

struct ChainInfo {
    chain_id: String,
    pretty_name: String,
    rpc: String,
    grpc: Option<String>,
    rest: Option<String>,
    assets: Vec<Asset>,
    /// Low, average and high gas prices in the base denom.
    gas_prices: [f64; 3],
}

impl ChainInfo {
    fn fee_asset(&self) -> anyhow::Result<&Asset> {
        self.assets.iter().find(|a| a.base == BASE_DENOM).with_context(|| {
            format!("the chain has no bank denom metadata for {BASE_DENOM}: add it to genesis (bank.denom_metadata)")
        })
    }

    /// Keplr's `window.keplr.experimentalSuggestChain` argument.
    fn keplr(&self) -> anyhow::Result<Value> {
        let currency =
            |a: &Asset| json!({ "coinDenom": a.symbol, "coinMinimalDenom": a.base, "coinDecimals": a.decimals });
        let fee = self.fee_asset()?;
        let mut fee_currency = currency(fee);
        fee_currency["gasPriceStep"] =
            json!({ "low": self.gas_prices[0], "average": self.gas_prices[1], "high": self.gas_prices[2] });
        let prefix = BECH32_PREFIX;
        Ok(json!({
            "chainId": self.chain_id,
            "chainName": self.pretty_name,
            "rpc": self.rpc,
            "rest": self.rest.clone().unwrap_or_default(),
            "bip44": { "coinType": COIN_TYPE },
            "bech32Config": {
                "bech32PrefixAccAddr": prefix,
                "bech32PrefixAccPub": format!("{prefix}pub"),
                "bech32PrefixValAddr": format!("{prefix}valoper"),
                "bech32PrefixValPub": format!("{prefix}valoperpub"),
                "bech32PrefixConsAddr": format!("{prefix}valcons"),
                "bech32PrefixConsPub": format!("{prefix}valconspub"),
            },
            "currencies": self.assets.iter().map(currency).collect::<Vec<_>>(),
            "feeCurrencies": [fee_currency],
            "stakeCurrency": currency(fee),
            "features": [],
        }))
    }

    /// The cosmos chain-registry `chain.json`.
    fn chain_registry(&self) -> anyhow::Result<Value> {
        let fee = self.fee_asset()?;
        let mut apis = json!({ "rpc": [{ "address": self.rpc }] });
        if let Some(grpc) = &self.grpc {
            apis["grpc"] = json!([{ "address": grpc }]);
        }
        if let Some(rest) = &self.rest {
            apis["rest"] = json!([{ "address": rest }]);
        }
        Ok(json!({
            "$schema": "../chain.schema.json",
            "chain_name": chain_name(&self.chain_id),
            "chain_type": "cosmos",
            "chain_id": self.chain_id,
            "pretty_name": self.pretty_name,
            "status": "live",
            "network_type": "devnet",
            "bech32_prefix": BECH32_PREFIX,
            "daemon_name": "veritasd",
            "node_home": "$HOME/.veritas",
            "key_algos": ["secp256k1"],
            "slip44": COIN_TYPE,
            "fees": { "fee_tokens": [{
                "denom": fee.base,
                "fixed_min_gas_price": self.gas_prices[0],
                "low_gas_price": self.gas_prices[0],
                "average_gas_price": self.gas_prices[1],
                "high_gas_price": self.gas_prices[2],
            }] },
            "staking": { "staking_tokens": [{ "denom": fee.base }] },
            "apis": apis,
        }))
    }

    /// The cosmos chain-registry `assetlist.json`.
    fn asset_list(&self) -> Value {
        let assets: Vec<Value> = self
            .assets
            .iter()
            .map(|a| {
                json!({
                    "description": a.description,
                    "denom_units": a.units.iter().map(|(denom, exponent)| json!({ "denom": denom, "exponent": exponent })).collect::<Vec<_>>(),
                    "base": a.base,
                    "name": a.name,
                    "display": a.display,
                    "symbol": a.symbol,
                    "type_asset": "sdk.coin",
                })
            })
            .collect();
        json!({ "$schema": "../assetlist.schema.json", "chain_name": chain_name(&self.chain_id), "assets": assets })
    }
}

/// The registry's `chain_name`: lower-case letters and digits of the chain id.
fn chain_name(chain_id: &str) -> String {
    chain_id.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::bank::v1beta1::DenomUnit;

    fn vrt() -> Metadata {
        Metadata {
            description: "The Veritas staking and fee token".into(),
            denom_units: vec![
                DenomUnit { denom: "uvrt".into(), exponent: 0, aliases: vec![] },
                DenomUnit { denom: "vrt".into(), exponent: 6, aliases: vec![] },
            ],
            base: "uvrt".into(),
            display: "vrt".into(),
            name: "Veritas".into(),
            symbol: "VRT".into(),
            ..Default::default()
        }
    }

    fn info() -> ChainInfo {
        ChainInfo {
            chain_id: "veritas-local-1".into(),
            pretty_name: "Veritas local".into(),
            rpc: "http://127.0.0.1:26657".into(),
            grpc: Some("http://127.0.0.1:9090".into()),
            rest: None,
            assets: vec![Asset::from_metadata(&vrt())],
            gas_prices: gas_steps(0.0025),
        }
    }

    #[test]
    fn keplr_gets_prefixes_decimals_and_gas_steps() {
        let keplr = info().keplr().unwrap();
        assert_eq!(keplr["bech32Config"]["bech32PrefixValAddr"], "veritasvaloper");
        assert_eq!(keplr["bip44"]["coinType"], 118);
        assert_eq!(keplr["feeCurrencies"][0]["coinDecimals"], 6);
        assert_eq!(keplr["feeCurrencies"][0]["coinMinimalDenom"], "uvrt");
        assert_eq!(keplr["feeCurrencies"][0]["gasPriceStep"]["average"], 0.00625);
        assert_eq!(keplr["stakeCurrency"]["coinDenom"], "VRT");
    }

    #[test]
    fn the_registry_files_name_the_chain_and_its_units() {
        let chain = info().chain_registry().unwrap();
        assert_eq!(chain["chain_name"], "veritaslocal1");
        assert_eq!(chain["fees"]["fee_tokens"][0]["low_gas_price"], 0.0025);
        assert_eq!(chain["apis"]["grpc"][0]["address"], "http://127.0.0.1:9090");
        let assets = info().asset_list();
        assert_eq!(assets["assets"][0]["denom_units"][1], json!({ "denom": "vrt", "exponent": 6 }));
        let mut bare = info();
        bare.assets.clear();
        assert!(bare.keplr().unwrap_err().to_string().contains("denom_metadata"));
    }

    #[test]
    fn the_low_gas_price_is_the_nodes_minimum_or_the_usual_one() {
        assert_eq!(low_gas_price("0.0025uvrt").unwrap(), 0.0025);
        assert_eq!(low_gas_price("").unwrap(), DEFAULT_LOW_GAS_PRICE);
        assert_eq!(low_gas_price("1stake").unwrap(), DEFAULT_LOW_GAS_PRICE);
    }
}
