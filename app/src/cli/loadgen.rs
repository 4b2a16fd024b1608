//! `veritasd loadgen`: signed MsgSends (optionally mixed with bad ones) against a running
//! chain, many in flight over `broadcast_tx_sync`, with submitted and committed tx/s,
//! inclusion latency and rejections by code.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::Args;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output as BankOutput};
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;
use prost::Message;
use serde_json::json;
use sha2::{Digest, Sha256};
use tendermint_rpc::{Client as _, HttpClient};
use veritas_framework::ProtoCoin;

use super::keys::{passphrase, KeyringArgs};
use super::output::print;
use crate::client::Client;
use crate::keyring::address_of;
use crate::tx::sign::sign_tx;

#[derive(Debug, Args)]
pub struct LoadgenArgs {
    /// CometBFT RPC endpoints; transactions are spread over them.
    #[arg(long, value_delimiter = ',', default_value = "http://127.0.0.1:26657")]
    node: Vec<String>,
    /// Key that funds the load accounts.
    #[arg(long)]
    from: String,
    /// Number of load accounts (derived deterministically from --seed).
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
    #[arg(long)]
    mixed: bool,
    #[arg(long, default_value = "2000uvrt")]
    fees: String,
    #[arg(long, default_value_t = 100_000)]
    gas: u64,
    /// Give up waiting for commits after this many seconds.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    #[command(flatten)]
    keyring: KeyringArgs,
}

struct LoadAccount {
    key: SigningKey,
    address: String,
    number: u64,
    sequence: u64,
}

fn load_key(seed: &str, index: usize) -> SigningKey {
    let digest = Sha256::digest(format!("{seed}/{index}").as_bytes());
    SigningKey::from_slice(&digest).expect("a SHA-256 digest is a valid secp256k1 scalar with overwhelming probability")
}

fn coin(amount: u128) -> Vec<ProtoCoin> {
    vec![veritas_framework::Coin::new("uvrt", amount).to_proto()]
}

pub fn run(args: LoadgenArgs) -> anyhow::Result<()> {
    if args.accounts == 0 {
        bail!("--accounts must be positive");
    }
    let client = &Client::new(&args.node[0])?;
    let chain_id = client.status()?.node_info.network.to_string();
    let keyring = args.keyring.keyring()?;
    let funder_info = keyring.find(&args.from)?;
    let funder_key = keyring.signing_key(&funder_info.name, passphrase(keyring.backend())?.as_deref())?;
    let funder = client
        .account(&funder_info.address)?
        .with_context(|| format!("funding account {} does not exist on chain", funder_info.address))?;

    // Fund (or top up) the load accounts with one MultiSend, and wait for it.
    let keys: Vec<SigningKey> = (0..args.accounts).map(|i| load_key(&args.seed, i)).collect();
    let per_account: u128 = 1_000_000_000;
    let outputs: Vec<BankOutput> =
        keys.iter().map(|k| BankOutput { address: address_of(k).to_bech32(), coins: coin(per_account) }).collect();
    let multi = MsgMultiSend {
        inputs: vec![Input { address: funder_info.address.clone(), coins: coin(per_account * args.accounts as u128) }],
        outputs,
    };
    let any = Any { type_url: veritas_bank::MSG_MULTI_SEND.into(), value: multi.encode_to_vec() };
    let fee = format!("{}uvrt", 50_000 + 20_000 * args.accounts);
    let raw = sign_tx(&funder_key, &funder, &chain_id, vec![any], &fee, 200_000 + 60_000 * args.accounts as u64, "")?;
    let sent = client.broadcast_sync(raw)?;
    if sent.code.is_err() {
        bail!("funding failed: code {} ({}): {}", sent.code.value(), sent.codespace, sent.log);
    }
    let funded = client.tx(&sent.hash.to_string(), Duration::from_secs(60))?;
    if funded.code != 0 {
        bail!("funding failed in block {}: {}", funded.height, funded.raw_log);
    }
    let mut accounts = Vec::new();
    for key in keys {
        let address = address_of(&key).to_bech32();
        let account = client.account(&address)?.context("a funded load account is missing")?;
        accounts.push(LoadAccount { key, address, number: account.account_number, sequence: account.sequence });
    }

    // Sign everything up front, so signing does not limit the send rate.
    let mut txs = Vec::with_capacity(args.txs);
    for i in 0..args.txs {
        let n = accounts.len();
        let (from, to) = (i % n, (i + 1) % n);
        let to_address = accounts[to].address.clone();
        let acc = &mut accounts[from];
        let kind = if args.mixed && i % 10 == 9 { (i / 10) % 3 } else { 3 };
        let amount = if kind == 2 { per_account * 1000 } else { 1 };
        let msg = MsgSend { from_address: acc.address.clone(), to_address, amount: coin(amount) };
        let any = Any { type_url: veritas_bank::MSG_SEND.into(), value: msg.encode_to_vec() };
        let base = cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount {
            address: acc.address.clone(),
            pub_key: None,
            account_number: acc.number,
            sequence: if kind == 1 { acc.sequence + 1_000 } else { acc.sequence },
        };
        let memo = format!("loadgen {i}");
        let mut raw = sign_tx(&acc.key, &base, &chain_id, vec![any], &args.fees, args.gas, &memo)?;
        if kind == 0 {
            // Flip a bit of the signature (the last bytes of TxRaw).
            let last = raw.len() - 1;
            raw[last] ^= 1;
        }
        // Bad transactions are refused by CheckTx, so they do not use up a sequence.
        if kind == 3 {
            acc.sequence += 1;
        }
        txs.push(raw);
    }

    let rpcs: Vec<HttpClient> = args.node.iter().map(|n| HttpClient::new(n.as_str())).collect::<Result<_, _>>()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let in_flight = args.in_flight.clamp(1, args.accounts.max(1));
    let start_height = client.status()?.sync_info.latest_block_height.value();
    let started = Instant::now();
    let mut submitted_at: HashMap<String, Instant> = HashMap::new();
    let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        // Accounts with a transaction in flight: the next one of the same account waits,
        // so a slow answer cannot let a later sequence overtake an earlier one.
        let mut busy = std::collections::BTreeSet::new();
        for (i, raw) in txs.into_iter().enumerate() {
            if args.rate > 0.0 {
                let due = started + Duration::from_secs_f64(i as f64 / args.rate);
                tokio::time::sleep_until(due.into()).await;
            }
            let account = i % args.accounts;
            while set.len() >= in_flight || (busy.contains(&account) && !set.is_empty()) {
                collect(set.join_next().await, &mut busy, &mut submitted_at, &mut rejected);
            }
            // Each account always uses the same node, so its transactions stay in order.
            let rpc = rpcs[account % rpcs.len()].clone();
            busy.insert(account);
            set.spawn(async move { (account, Instant::now(), rpc.broadcast_tx_sync(raw).await) });
        }
        while let Some(done) = set.join_next().await {
            collect(Some(done), &mut busy, &mut submitted_at, &mut rejected);
        }
    });
    let submit_secs = started.elapsed().as_secs_f64();

    // Follow blocks until every accepted tx is in one (or the timeout).
    let mut latencies = Vec::new();
    let mut committed_codes: BTreeMap<u32, u64> = BTreeMap::new();
    let mut last_commit = started;
    let mut height = start_height + 1;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut pending = submitted_at.len();
    while pending > 0 && Instant::now() < deadline {
        // A node under load may drop a connection now and then: retry.
        let Ok(status) = client.status() else {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        };
        let latest = status.sync_info.latest_block_height.value();
        if height > latest {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let at = tendermint::block::Height::try_from(height)?;
        // Results are saved just after the block; retry until they are there.
        let (Ok(block), Ok(full)) = (runtime.block_on(rpcs[0].block_results(at)), runtime.block_on(rpcs[0].block(at)))
        else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let txs_in_block = full.block.data;
        let seen = Instant::now();
        for (raw, result) in txs_in_block.iter().zip(block.txs_results.unwrap_or_default()) {
            let hash = hex::encode_upper(Sha256::digest(raw));
            if let Some(at) = submitted_at.remove(&hash) {
                pending -= 1;
                latencies.push(seen.duration_since(at));
                *committed_codes.entry(result.code.value()).or_default() += 1;
                last_commit = seen;
            }
        }
        height += 1;
    }
    latencies.sort();
    let pct =
        |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).map(|d| d.as_millis() as u64);
    let committed: u64 = committed_codes.values().sum();
    let commit_secs = last_commit.duration_since(started).as_secs_f64().max(1e-9);
    let report = json!({
        "nodes": args.node,
        "submitted": args.txs,
        "accepted_by_check_tx": committed as usize + pending,
        "rejected_by_check_tx": rejected,
        "committed": committed,
        "committed_by_code": committed_codes.iter().map(|(c, n)| (c.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        "not_committed_in_time": pending,
        "submitted_tx_per_s": (args.txs as f64 / submit_secs).round(),
        "committed_tx_per_s": (committed as f64 / commit_secs).round(),
        "inclusion_latency_ms": { "p50": pct(0.5), "p99": pct(0.99) },
        "blocks": height - start_height - 1,
    });
    print(args.keyring.output, &report);
    Ok(())
}

/// `(account index, sent at, CometBFT's answer)` of one broadcast.
type Broadcast =
    (usize, Instant, Result<tendermint_rpc::endpoint::broadcast::tx_sync::Response, tendermint_rpc::Error>);

fn collect(
    done: Option<Result<Broadcast, tokio::task::JoinError>>,
    busy: &mut std::collections::BTreeSet<usize>,
    submitted_at: &mut HashMap<String, Instant>,
    rejected: &mut BTreeMap<String, u64>,
) {
    if let Some(Ok((account, _, _))) = &done {
        busy.remove(account);
    }
    match done {
        Some(Ok((_, at, Ok(response)))) if response.code.is_ok() => {
            submitted_at.insert(response.hash.to_string(), at);
        }
        Some(Ok((_, _, Ok(response)))) => {
            *rejected.entry(format!("{}/{}", response.codespace, response.code.value())).or_default() += 1;
        }
        Some(Ok((_, _, Err(e)))) => {
            let text = e.detail().to_string();
            let reason = if text.contains("mempool is full") {
                "mempool is full".to_owned()
            } else {
                text.chars().take(80).collect()
            };
            *rejected.entry(format!("rpc error: {reason}")).or_default() += 1;
        }
        Some(Err(e)) => {
            *rejected.entry(format!("task: {e}")).or_default() += 1;
        }
        None => {}
    }
}
