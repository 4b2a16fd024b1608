//! `veritasd tx bank send ...` and `veritasd query bank balances | total`.

use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{
    MsgSend, QueryAllBalancesRequest, QueryAllBalancesResponse, QueryBalanceRequest, QueryBalanceResponse,
    QueryTotalSupplyRequest, QueryTotalSupplyResponse,
};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_framework::{Address, Coins, ProtoCoin};

use crate::msgs::MSG_SEND;

const GROUP: &str = crate::NAME;

/// Bank transactions.
#[derive(Debug, Subcommand)]
enum BankTx {
    /// Send coins: `send <from_key_or_address> <to_address> <amount>` (e.g. 100uvrt).
    Send {
        /// Sending key name or address (--from overrides it).
        #[arg(value_name = "FROM_KEY_OR_ADDRESS")]
        sender: String,
        to: String,
        amount: String,
    },
}

/// Bank queries.
#[derive(Debug, Subcommand)]
enum BankQuery {
    /// Balances of an address.
    Balances {
        address: String,
        #[arg(long)]
        denom: Option<String>,
    },
    /// Total supply of every denom.
    Total,
    /// The module's params (what `tx authority update-params bank` sets).
    Params,
}

/// The bank module's command line.
pub struct BankCli;

impl ModuleCli for BankCli {
    fn update_params_msg(&self, authority: &Address, params: &Value) -> Option<anyhow::Result<cosmos_sdk_proto::Any>> {
        Some((|| {
            let params: crate::Params = serde_json::from_value(params.clone())
                .map_err(|e| anyhow::anyhow!("bank params (as in its genesis `params`): {e}"))?;
            let msg = cosmos_sdk_proto::cosmos::bank::v1beta1::MsgUpdateParams {
                authority: authority.to_bech32(),
                params: Some(params.to_proto()),
            };
            Ok(cosmos_sdk_proto::Any {
                type_url: crate::MSG_UPDATE_PARAMS.into(),
                value: prost::Message::encode_to_vec(&msg),
            })
        })())
    }

    fn tx_commands(&self) -> Vec<Command> {
        vec![BankTx::augment_subcommands(Command::new(GROUP).about("Bank transactions"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        let BankTx::Send { sender: positional, to, amount } = BankTx::from_arg_matches(matches)?;
        let to = Address::from_bech32(&to).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
        let amount = Coins::parse(&amount).map_err(|e| anyhow::anyhow!("invalid amount: {}", e.log()))?;
        let from = sender.sender(Some(&positional))?;
        let msg = MsgSend { from_address: from.to_bech32(), to_address: to.to_bech32(), amount: amount.to_proto() };
        Ok(TxPlan::single(MSG_SEND, &msg))
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![BankQuery::augment_subcommands(Command::new(GROUP).about("Bank queries"))]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        Ok(match BankQuery::from_arg_matches(matches)? {
            BankQuery::Balances { address, denom: Some(denom) } => {
                let (r, height): (QueryBalanceResponse, _) =
                    query(client, "/cosmos.bank.v1beta1.Query/Balance", &QueryBalanceRequest { address, denom })?;
                json!({ "balance": r.balance.as_ref().map(coin_json), "height": height.to_string() })
            }
            BankQuery::Balances { address, denom: None } => {
                let (balances, height) = all_pages(|key| {
                    let request = QueryAllBalancesRequest {
                        address: address.clone(),
                        pagination: Some(page(key)),
                        resolve_denom: false,
                    };
                    let (r, h): (QueryAllBalancesResponse, _) =
                        query(client, "/cosmos.bank.v1beta1.Query/AllBalances", &request)?;
                    Ok((r.balances, r.pagination, h))
                })?;
                json!({ "balances": balances.iter().map(coin_json).collect::<Vec<_>>(), "height": height.to_string() })
            }
            BankQuery::Params => {
                use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryParamsRequest, QueryParamsResponse};
                let (r, height): (QueryParamsResponse, _) =
                    query(client, "/cosmos.bank.v1beta1.Query/Params", &QueryParamsRequest {})?;
                let enabled = r.params.is_none_or(|p| p.default_send_enabled);
                json!({ "params": { "default_send_enabled": enabled }, "height": height.to_string() })
            }
            BankQuery::Total => {
                let (supply, height) = all_pages(|key| {
                    let request = QueryTotalSupplyRequest { pagination: Some(page(key)) };
                    let (r, h): (QueryTotalSupplyResponse, _) =
                        query(client, "/cosmos.bank.v1beta1.Query/TotalSupply", &request)?;
                    Ok((r.supply, r.pagination, h))
                })?;
                json!({ "supply": supply.iter().map(coin_json).collect::<Vec<_>>(), "height": height.to_string() })
            }
        })
    }
}

fn coin_json(c: &ProtoCoin) -> Value {
    json!({ "denom": c.denom, "amount": c.amount })
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
