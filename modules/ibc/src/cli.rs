//! `veritasd tx ibc-transfer transfer`, `q ibc client|connection|channel ...` and
//! `q ibc-transfer denom-traces`.

use anyhow::Context as _;
use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use ibc_proto::ibc::applications::transfer::v1 as transfer;
use ibc_proto::ibc::core::channel::v1 as channel;
use ibc_proto::ibc::core::client::v1 as client;
use ibc_proto::ibc::core::connection::v1 as connection;
use prost::Message;
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_framework::Coins;

const IBC: &str = crate::NAME;
const IBC_TRANSFER: &str = "ibc-transfer";

/// The ibc module's command line: `ibc` (core) and `ibc-transfer` (ICS-20) groups.
pub struct IbcCli;

impl ModuleCli for IbcCli {
    fn update_params_msg(
        &self,
        authority: &veritas_framework::Address,
        params: &Value,
    ) -> Option<anyhow::Result<cosmos_sdk_proto::Any>> {
        Some((|| {
            let params: crate::Params =
                serde_json::from_value(params.clone()).context("ibc params (as in its genesis `params`)")?;
            params.validate().map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let msg = veritas_proto::ibc::v1::MsgUpdateParams {
                authority: authority.to_bech32(),
                params: Some(crate::governance::to_proto(&params)),
            };
            Ok(cosmos_sdk_proto::Any {
                type_url: crate::governance::MSG_UPDATE_PARAMS.into(),
                value: msg.encode_to_vec(),
            })
        })())
    }

    fn tx_commands(&self) -> Vec<Command> {
        vec![IbcTransferTx::augment_subcommands(Command::new(IBC_TRANSFER).about("ICS-20 token transfers over IBC"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        run_tx(IbcTransferTx::from_arg_matches(matches)?, sender)
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![
            IbcQuery::augment_subcommands(Command::new(IBC).about("IBC clients, connections and channels")),
            IbcTransferQuery::augment_subcommands(Command::new(IBC_TRANSFER).about("ICS-20 denom traces")),
        ]
    }

    fn query(&self, group: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        if group == IBC {
            run_query(IbcQuery::from_arg_matches(matches)?, client)
        } else {
            run_transfer_query(IbcTransferQuery::from_arg_matches(matches)?, client)
        }
    }
}

#[derive(Debug, Subcommand)]
enum IbcTransferTx {
    /// Send coins to an account on another chain over an ICS-20 channel.
    Transfer {
        src_port: String,
        src_channel: String,
        /// The receiver's address on the other chain.
        receiver: String,
        /// One coin, e.g. 1000uvrt or 5ibc/27A6...
        amount: String,
        /// Timeout height on the other chain, `revision-height` (0-0: none).
        #[arg(long, default_value = "0-0")]
        packet_timeout_height: String,
        /// Timeout as nanoseconds since the Unix epoch on the other chain (0: none).
        /// With neither timeout given, the packet times out 10 minutes from now.
        #[arg(long, default_value_t = 0)]
        packet_timeout_timestamp: u64,
        /// The ICS-20 packet's memo (the transaction's own memo is --memo).
        #[arg(long, default_value = "")]
        packet_memo: String,
    },
}

#[derive(Debug, Subcommand)]
enum IbcQuery {
    /// Light clients.
    #[command(subcommand)]
    Client(ClientQuery),
    /// Connections.
    #[command(subcommand)]
    Connection(ConnectionQuery),
    /// Channels.
    #[command(subcommand)]
    Channel(ChannelQuery),
}

#[derive(Debug, Subcommand)]
enum ClientQuery {
    /// Every light client and its state.
    States,
}

#[derive(Debug, Subcommand)]
enum ConnectionQuery {
    /// Every connection end.
    Connections,
}

#[derive(Debug, Subcommand)]
enum ChannelQuery {
    /// Every channel end.
    Channels,
}

#[derive(Debug, Subcommand)]
enum IbcTransferQuery {
    /// Every voucher denom's trace.
    DenomTraces,
    /// The account that holds the coins sent out over a channel (computed, ADR-028).
    EscrowAddress { port: String, channel: String },
}

fn run_tx(cmd: IbcTransferTx, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
    let IbcTransferTx::Transfer {
        src_port,
        src_channel,
        receiver,
        amount,
        packet_timeout_height,
        mut packet_timeout_timestamp,
        packet_memo,
    } = cmd;
    let coins = Coins::parse(&amount).map_err(|e| anyhow::anyhow!("invalid amount: {}", e.log()))?;
    let [coin] = coins.iter().collect::<Vec<_>>()[..] else { anyhow::bail!("give exactly one coin, e.g. 1000uvrt") };
    let (revision, height) = packet_timeout_height
        .split_once('-')
        .and_then(|(r, h)| Some((r.parse::<u64>().ok()?, h.parse::<u64>().ok()?)))
        .context("--packet-timeout-height must be revision-height, e.g. 1-1000")?;
    if height == 0 && packet_timeout_timestamp == 0 {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
        packet_timeout_timestamp = (now + std::time::Duration::from_secs(600)).as_nanos() as u64;
    }
    let sender = sender.sender(None)?.to_bech32();
    let msg = transfer::MsgTransfer {
        source_port: src_port,
        source_channel: src_channel,
        token: Some(ibc_proto::cosmos::base::v1beta1::Coin {
            denom: coin.denom.clone(),
            amount: coin.amount.to_string(),
        }),
        sender,
        receiver,
        timeout_height: Some(client::Height { revision_number: revision, revision_height: height }),
        timeout_timestamp: packet_timeout_timestamp,
        memo: packet_memo,
    };
    Ok(TxPlan::single(crate::MSG_TRANSFER, &msg))
}

fn counterparty_json(port_or_client: &str, id: &str) -> Value {
    json!({ "id": port_or_client, "channel_or_connection": id })
}

fn run_query(cmd: IbcQuery, client_: &dyn QueryClient) -> anyhow::Result<Value> {
    Ok(match cmd {
        IbcQuery::Client(ClientQuery::States) => {
            let (r, height): (client::QueryClientStatesResponse, _) = query(
                client_,
                "/ibc.core.client.v1.Query/ClientStates",
                &client::QueryClientStatesRequest { pagination: None },
            )?;
            let states: Vec<Value> = r
                .client_states
                .iter()
                .map(|s| {
                    let state = s.client_state.as_ref().and_then(|a| {
                        ibc_proto::ibc::lightclients::tendermint::v1::ClientState::decode(a.value.as_slice()).ok()
                    });
                    json!({
                        "client_id": s.client_id,
                        "chain_id": state.as_ref().map(|c| c.chain_id.clone()),
                        "latest_height": state.and_then(|c| c.latest_height).map(|h| format!("{}-{}", h.revision_number, h.revision_height)),
                    })
                })
                .collect();
            json!({ "client_states": states, "height": height.to_string() })
        }
        IbcQuery::Connection(ConnectionQuery::Connections) => {
            let (r, height): (connection::QueryConnectionsResponse, _) = query(
                client_,
                "/ibc.core.connection.v1.Query/Connections",
                &connection::QueryConnectionsRequest { pagination: None },
            )?;
            let connections: Vec<Value> = r
                .connections
                .iter()
                .map(|c| {
                    let cp = c.counterparty.clone().unwrap_or_default();
                    json!({
                        "id": c.id,
                        "client_id": c.client_id,
                        "state": connection::State::try_from(c.state).map(|s| s.as_str_name()).unwrap_or("?"),
                        "counterparty": counterparty_json(&cp.client_id, &cp.connection_id),
                    })
                })
                .collect();
            json!({ "connections": connections, "height": height.to_string() })
        }
        IbcQuery::Channel(ChannelQuery::Channels) => {
            let (r, height): (channel::QueryChannelsResponse, _) = query(
                client_,
                "/ibc.core.channel.v1.Query/Channels",
                &channel::QueryChannelsRequest { pagination: None },
            )?;
            let channels: Vec<Value> = r
                .channels
                .iter()
                .map(|c| {
                    let cp = c.counterparty.clone().unwrap_or_default();
                    json!({
                        "port_id": c.port_id,
                        "channel_id": c.channel_id,
                        "state": channel::State::try_from(c.state).map(|s| s.as_str_name()).unwrap_or("?"),
                        "ordering": channel::Order::try_from(c.ordering).map(|s| s.as_str_name()).unwrap_or("?"),
                        "version": c.version,
                        "connection_hops": c.connection_hops,
                        "counterparty": counterparty_json(&cp.port_id, &cp.channel_id),
                    })
                })
                .collect();
            json!({ "channels": channels, "height": height.to_string() })
        }
    })
}

fn run_transfer_query(cmd: IbcTransferQuery, client_: &dyn QueryClient) -> anyhow::Result<Value> {
    if let IbcTransferQuery::EscrowAddress { port, channel } = cmd {
        let port_id: ibc::core::host::types::identifiers::PortId =
            port.parse().map_err(|e| anyhow::anyhow!("invalid port {port:?}: {e}"))?;
        let channel_id: ibc::core::host::types::identifiers::ChannelId =
            channel.parse().map_err(|e| anyhow::anyhow!("invalid channel {channel:?}: {e}"))?;
        let address = crate::escrow_address(&port_id, &channel_id);
        return Ok(json!({ "port": port, "channel": channel, "escrow_address": address.to_bech32() }));
    }
    let (r, height): (transfer::QueryDenomTracesResponse, _) = query(
        client_,
        "/ibc.applications.transfer.v1.Query/DenomTraces",
        &transfer::QueryDenomTracesRequest { pagination: None },
    )?;
    let traces: Vec<Value> = r
        .denom_traces
        .iter()
        .map(|t| {
            let full = if t.path.is_empty() { t.base_denom.clone() } else { format!("{}/{}", t.path, t.base_denom) };
            json!({ "path": t.path, "base_denom": t.base_denom, "denom": format!("ibc/{}", crate::denom_hash(&full)) })
        })
        .collect();
    Ok(json!({ "denom_traces": traces, "height": height.to_string() }))
}
