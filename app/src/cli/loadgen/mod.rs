//! `veritasd loadgen`: one load generator for every CometBFT chain — Veritas, any Cosmos SDK
//! chain (`--prefix`, `--denom`, `--gas-price`; e.g. ibc-go's `simd`) and CometBFT's own
//! `kvstore` (`--kvstore`). It keeps many transactions in flight over `broadcast_tx_sync`,
//! at most one per account, then follows the blocks and reports committed tx/s, inclusion
//! latency, rejections by code and, with `--probe-queries`, Balance query latency under load.

mod cosmos;
mod kvstore;
mod probe;
mod submit;

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::bail;
use clap::Args;
use serde_json::json;

use super::keys::KeyringArgs;
use super::output::print;
use crate::client::Client;

#[derive(Debug, Args)]
pub struct LoadgenArgs {
    /// CometBFT RPC endpoints; transactions are spread over them.
    #[arg(long, value_delimiter = ',', default_value = "http://127.0.0.1:26657")]
    node: Vec<String>,
    /// Key (in this keyring) that funds the load accounts; not used with --kvstore.
    #[arg(long, required_unless_present = "kvstore")]
    from: Option<String>,
    /// Number of load accounts (derived deterministically from --seed); with --kvstore, the
    /// number of independent senders.
    #[arg(long, default_value_t = 50)]
    accounts: usize,
    #[arg(long, default_value = "veritas-loadgen")]
    seed: String,
    /// Transactions to send.
    #[arg(long, default_value_t = 2000)]
    txs: usize,
    /// Target rate in tx/s (0: as fast as possible).
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Broadcasts in flight at once (at most --accounts, so each account's previous
    /// transaction is in the mempool before its next one is sent).
    #[arg(long, default_value_t = 64)]
    in_flight: usize,
    /// Make every 10th tx bad: a bad signature, a wrong sequence or an overspend, in turn.
    #[arg(long, conflicts_with = "kvstore")]
    mixed: bool,
    /// Bech32 prefix of the chain's addresses (`cosmos` for simd).
    #[arg(long, default_value = veritas_framework::BECH32_PREFIX)]
    prefix: String,
    /// Denom of the amounts sent (and of the fees, unless --gas-price names another).
    #[arg(long, default_value = "uvrt")]
    denom: String,
    /// Fee per unit of gas, `0.02` (in --denom) or `0.0025stake`: each tx pays
    /// ceil(price × gas limit).
    #[arg(long, default_value = "0.02")]
    gas_price: String,
    /// Gas limit of each send.
    #[arg(long, default_value_t = 100_000)]
    gas: u64,
    /// Drive CometBFT's built-in `kvstore` app with unsigned `key=value` transactions.
    #[arg(long)]
    kvstore: bool,
    /// Size in bytes of each --kvstore transaction.
    #[arg(long, default_value_t = 230)]
    tx_size: usize,
    /// While the load runs, time bank Balance queries of the funding account over
    /// CometBFT's `abci_query` and, with --grpc, over the node's gRPC server.
    #[arg(long, conflicts_with = "kvstore")]
    probe_queries: bool,
    /// gRPC endpoint for --probe-queries (e.g. http://127.0.0.1:9090).
    #[arg(long, requires = "probe_queries")]
    grpc: Option<String>,
    /// The app's ABCI address for --probe-queries (e.g. 127.0.0.1:26658): also time the
    /// query straight on the app's socket, without CometBFT's RPC.
    #[arg(long, requires = "probe_queries")]
    abci: Option<String>,
    /// Write this file once every accepted transaction is in a block, before the result
    /// codes are fetched (bench/e2e.sh samples CPU time then).
    #[arg(long)]
    load_done_file: Option<std::path::PathBuf>,
    /// Give up waiting for commits after this many seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    #[command(flatten)]
    keyring: KeyringArgs,
}

/// Signed (or raw) transactions ready to send, each with the account that sends it.
pub(super) struct Workload {
    pub txs: Vec<(usize, Vec<u8>)>,
    /// An address whose balance `--probe-queries` asks for.
    pub probe_address: Option<String>,
}

pub fn run(args: LoadgenArgs) -> anyhow::Result<()> {
    if args.accounts == 0 {
        bail!("--accounts must be positive");
    }
    let client = Client::new(&args.node[0])?;
    let workload = if args.kvstore { kvstore::workload(&args)? } else { cosmos::workload(&args, &client)? };

    let start_height = client.status()?.sync_info.latest_block_height.value();
    let probe = match (&workload.probe_address, args.probe_queries) {
        (Some(address), true) => {
            let targets = probe::Targets { grpc: args.grpc.as_deref(), abci: args.abci.as_deref() };
            Some(probe::start(&args.node[0], targets, address, &args.denom)?)
        }
        _ => None,
    };
    let started = Instant::now();
    let in_flight = args.in_flight.clamp(1, args.accounts);
    let sent = submit::broadcast_all(&args.node, workload.txs, in_flight, args.rate)?;
    let submit_secs = started.elapsed().as_secs_f64();
    let mut queries = None;
    let commits = submit::follow_commits(&client, &args.node[0], start_height, &sent.accepted, args.timeout, || {
        queries = probe.map(probe::Probe::finish);
        if let Some(path) = &args.load_done_file {
            // Best effort: a watcher that misses it only measures a little longer.
            let _ = std::fs::write(path, "done\n");
        }
    })?;

    let committed: u64 = commits.by_code.values().sum();
    let commit_secs = commits.last_commit.map_or(1e-9, |at| at.duration_since(started).as_secs_f64().max(1e-9));
    let mut report = json!({
        "nodes": args.node,
        "submitted": sent.submitted,
        "accepted_by_check_tx": sent.accepted.len(),
        "rejected_by_check_tx": sent.rejected,
        "committed": committed,
        "committed_by_code": commits.by_code.iter().map(|(c, n)| (c.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        "not_committed_in_time": sent.accepted.len() as u64 - committed,
        "submitted_tx_per_s": (sent.submitted as f64 / submit_secs).round(),
        "committed_tx_per_s": (committed as f64 / commit_secs).round(),
        "inclusion_latency_ms": { "p50": commits.latency_ms(0.5), "p99": commits.latency_ms(0.99) },
        "blocks": commits.blocks,
        "first_height": start_height + 1,
    });
    if let Some(queries) = queries {
        report["query_latency_ms"] = queries;
    }
    print(args.keyring.output, &report);
    Ok(())
}
