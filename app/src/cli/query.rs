use std::time::Duration;

use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{
    QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
    QueryTotalSupplyRequest, QueryTotalSupplyResponse,
};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use serde_json::json;

use super::output::{print, Output};
use crate::client::Client;

#[derive(Debug, Args)]
pub struct QueryFlags {
    /// CometBFT RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:26657", global = true)]
    node: String,
    #[arg(long, value_enum, default_value = "text", global = true)]
    output: Output,
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// Bank queries.
    #[command(subcommand)]
    Bank(BankQuery),
    /// Account queries.
    #[command(subcommand)]
    Auth(AuthQuery),
    /// Groth16 verifying keys, verified proofs and params.
    #[command(subcommand)]
    Zkverify(super::zkverify::ZkQuery),
    /// IBC clients, connections and channels.
    #[command(subcommand)]
    Ibc(super::ibc::IbcQuery),
    /// ICS-20 denom traces.
    #[command(subcommand)]
    IbcTransfer(super::ibc::IbcTransferQuery),
    /// A transaction by hash.
    Tx { hash: String },
}

#[derive(Debug, Subcommand)]
pub enum BankQuery {
    /// Balances of an address.
    Balances {
        address: String,
        #[arg(long)]
        denom: Option<String>,
    },
    /// Total supply of every denom.
    Total,
}

#[derive(Debug, Subcommand)]
pub enum AuthQuery {
    /// An account's number, sequence and public key.
    Account { address: String },
}

fn page(key: Vec<u8>) -> PageRequest {
    PageRequest { key, limit: 1000, ..Default::default() }
}

/// Follows `next_key` until the last page; returns every item and the last height.
fn all_pages<T>(
    mut fetch: impl FnMut(Vec<u8>) -> anyhow::Result<(Vec<T>, Option<PageResponse>, u64)>,
) -> anyhow::Result<(Vec<T>, u64)> {
    let mut items = Vec::new();
    let mut key = Vec::new();
    loop {
        let (page, pagination, height) = fetch(key)?;
        items.extend(page);
        match pagination {
            Some(p) if !p.next_key.is_empty() => key = p.next_key,
            _ => return Ok((items, height)),
        }
    }
}

fn coin_json(c: &cosmos_sdk_proto::cosmos::base::v1beta1::Coin) -> serde_json::Value {
    json!({ "denom": c.denom, "amount": c.amount })
}

pub fn run(cmd: QueryCommand, flags: QueryFlags) -> anyhow::Result<()> {
    let client = Client::new(&flags.node)?;
    let value = match cmd {
        QueryCommand::Bank(BankQuery::Balances { address, denom: Some(denom) }) => {
            let (r, height) = client.query::<_, QueryBalanceResponse>(
                "/cosmos.bank.v1beta1.Query/Balance",
                &QueryBalanceRequest { address, denom },
            )?;
            json!({ "balance": r.balance.as_ref().map(coin_json), "height": height.to_string() })
        }
        QueryCommand::Bank(BankQuery::Balances { address, denom: None }) => {
            let (balances, height) = all_pages(|key| {
                let request = QueryAllBalancesRequest {
                    address: address.clone(),
                    pagination: Some(page(key)),
                    resolve_denom: false,
                };
                let (r, h) =
                    client.query::<_, QueryAllBalancesResponse>("/cosmos.bank.v1beta1.Query/AllBalances", &request)?;
                Ok((r.balances, r.pagination, h))
            })?;
            json!({ "balances": balances.iter().map(coin_json).collect::<Vec<_>>(), "height": height.to_string() })
        }
        QueryCommand::Bank(BankQuery::Total) => {
            let (supply, height) = all_pages(|key| {
                let request = QueryTotalSupplyRequest { pagination: Some(page(key)) };
                let (r, h) =
                    client.query::<_, QueryTotalSupplyResponse>("/cosmos.bank.v1beta1.Query/TotalSupply", &request)?;
                Ok((r.supply, r.pagination, h))
            })?;
            json!({ "supply": supply.iter().map(coin_json).collect::<Vec<_>>(), "height": height.to_string() })
        }
        QueryCommand::Auth(AuthQuery::Account { address }) => {
            let account = client.account(&address)?.ok_or_else(|| anyhow::anyhow!("account {address} not found"))?;
            let pub_key = account.pub_key.as_ref().and_then(|any| {
                <cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as prost::Message>::decode(any.value.as_slice())
                    .ok()
                    .map(|k| json!({ "@type": any.type_url, "key": base64_encode(&k.key) }))
            });
            json!({
                "@type": veritas_auth::BASE_ACCOUNT_TYPE_URL,
                "address": account.address,
                "pub_key": pub_key,
                "account_number": account.account_number.to_string(),
                "sequence": account.sequence.to_string(),
            })
        }
        QueryCommand::Zkverify(cmd) => super::zkverify::run_query(cmd, &client)?,
        QueryCommand::Ibc(cmd) => super::ibc::run_query(cmd, &client)?,
        QueryCommand::IbcTransfer(cmd) => super::ibc::run_transfer_query(cmd, &client)?,
        QueryCommand::Tx { hash } => serde_json::to_value(client.tx(&hash, Duration::ZERO)?)?,
    };
    print(flags.output, &value);
    Ok(())
}

/// `veritasd status`: the node's chain, height and app hash.
pub fn status(flags: QueryFlags) -> anyhow::Result<()> {
    let client = Client::new(&flags.node)?;
    let s = client.status()?;
    let value = json!({
        "node_info": {
            "network": s.node_info.network.to_string(),
            "moniker": s.node_info.moniker.to_string(),
            "version": s.node_info.version.to_string(),
            "id": s.node_info.id.to_string(),
        },
        "sync_info": {
            "latest_block_height": s.sync_info.latest_block_height.value().to_string(),
            "latest_block_hash": s.sync_info.latest_block_hash.to_string(),
            "latest_app_hash": s.sync_info.latest_app_hash.to_string(),
            "latest_block_time": s.sync_info.latest_block_time.to_string(),
            "catching_up": s.sync_info.catching_up,
        },
    });
    print(flags.output, &value);
    Ok(())
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
