use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, SimulateRequest, SimulateResponse, TxBody, TxRaw,
};
use cosmos_sdk_proto::Any;
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;

use super::keys::{passphrase, read_line, KeyringArgs};
use super::output::print;
use crate::client::{Client, TxReport};
use veritas_framework::{Address, Coins};

#[derive(Debug, Subcommand)]
pub enum TxCommand {
    /// Bank transactions.
    #[command(subcommand)]
    Bank(BankTx),
    /// Groth16 verifying keys and proofs.
    #[command(subcommand)]
    Zkverify(super::zkverify::ZkTx),
    /// ICS-20 token transfers over IBC.
    #[command(subcommand)]
    IbcTransfer(super::ibc::IbcTransferTx),
}

#[derive(Debug, Subcommand)]
pub enum BankTx {
    /// Send coins: `send <from_key_or_address> <to_address> <amount>` (e.g. 100uvrt).
    Send {
        /// Sending key name or address.
        #[arg(value_name = "FROM_KEY_OR_ADDRESS")]
        sender: String,
        to: String,
        amount: String,
        #[command(flatten)]
        flags: TxFlags,
    },
}

#[derive(Debug, Args)]
pub struct TxFlags {
    /// Signing key name or address (defaults to the positional sender).
    #[arg(long)]
    pub from: Option<String>,
    /// Chain id to sign for (default: asked from the node).
    #[arg(long)]
    chain_id: Option<String>,
    /// CometBFT RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    node: String,
    /// Fee to pay, e.g. 5000uvrt.
    #[arg(long, default_value = "")]
    fees: String,
    /// Gas limit, or `auto` to simulate and multiply by --gas-adjustment.
    #[arg(long, default_value = "200000")]
    gas: String,
    #[arg(long, default_value_t = 1.4)]
    gas_adjustment: f64,
    #[arg(long, default_value = "")]
    memo: String,
    /// Sign and broadcast without asking.
    #[arg(short = 'y', long)]
    yes: bool,
    /// Return only once the transaction is in a block.
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    pub keyring: KeyringArgs,
}

pub fn run(cmd: TxCommand) -> anyhow::Result<()> {
    match cmd {
        TxCommand::Bank(BankTx::Send { sender, to, amount, flags }) => {
            let to = Address::from_bech32(&to).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let amount = Coins::parse(&amount).map_err(|e| anyhow::anyhow!("invalid amount: {}", e.log()))?;
            let signer = flags.from.clone().unwrap_or(sender);
            let keyring = flags.keyring.keyring()?;
            let info = keyring.find(&signer)?;
            let msg = MsgSend {
                from_address: info.address.clone(),
                to_address: to.to_bech32(),
                amount: amount
                    .iter()
                    .map(|c| ProtoCoin { denom: c.denom.clone(), amount: c.amount.to_string() })
                    .collect(),
            };
            let any = Any { type_url: veritas_bank::MSG_SEND.into(), value: msg.encode_to_vec() };
            let key = keyring.signing_key(&info.name, passphrase(keyring.backend())?.as_deref())?;
            let report = broadcast(&flags, &key, &info.address, vec![any])?;
            finish(&flags, report, serde_json::Map::new())
        }
        TxCommand::Zkverify(cmd) => super::zkverify::run_tx(cmd),
        TxCommand::IbcTransfer(cmd) => super::ibc::run_tx(cmd),
    }
}

/// Signs `messages` with the key named by `signer` and broadcasts them.
pub(super) fn sign_and_broadcast(flags: &TxFlags, signer: &str, messages: Vec<Any>) -> anyhow::Result<TxReport> {
    let keyring = flags.keyring.keyring()?;
    let info = keyring.find(signer)?;
    let key = keyring.signing_key(&info.name, passphrase(keyring.backend())?.as_deref())?;
    broadcast(flags, &key, &info.address, messages)
}

/// Prints the report (with `extra` fields first) and fails if the transaction did.
pub(super) fn finish(
    flags: &TxFlags,
    report: TxReport,
    extra: serde_json::Map<String, serde_json::Value>,
) -> anyhow::Result<()> {
    let mut out = extra;
    if let serde_json::Value::Object(fields) = serde_json::to_value(&report)? {
        out.extend(fields);
    }
    print(flags.keyring.output, &serde_json::Value::Object(out));
    if report.code != 0 {
        bail!(
            "transaction {} failed with code {} ({}): {}",
            report.txhash,
            report.code,
            report.codespace,
            report.raw_log
        );
    }
    Ok(())
}

/// Signs `messages` with `key` (SIGN_MODE_DIRECT) and broadcasts them; with `--wait`,
/// returns once the transaction is in a block.
fn broadcast(flags: &TxFlags, key: &SigningKey, address: &str, messages: Vec<Any>) -> anyhow::Result<TxReport> {
    let client = Client::new(&flags.node)?;
    let chain_id = match &flags.chain_id {
        Some(id) => id.clone(),
        None => client.status()?.node_info.network.to_string(),
    };
    let account = client.account(address)?.with_context(|| {
        format!("account {address} does not exist on chain {chain_id}: it must receive funds first")
    })?;
    let fee = Coins::parse(&flags.fees).map_err(|e| anyhow::anyhow!("invalid --fees: {}", e.log()))?;
    let body = TxBody { messages: messages.clone(), memo: flags.memo.clone(), ..Default::default() };
    let auth_info = |gas_limit: u64| auth_info(key, account.sequence, &fee, gas_limit);
    let gas_limit = if flags.gas == "auto" {
        let unsigned = TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth_info(0).encode_to_vec(),
            signatures: vec![vec![]],
        };
        let request = SimulateRequest { tx_bytes: unsigned.encode_to_vec(), ..Default::default() };
        let (simulated, _) =
            client.query::<_, SimulateResponse>(crate::query::SIMULATE, &request).context("simulation failed")?;
        let used = simulated.gas_info.context("simulation returned no gas info")?.gas_used;
        let adjusted = (used as f64 * flags.gas_adjustment).ceil() as u64;
        eprintln!("gas estimate: {adjusted}");
        adjusted
    } else {
        flags
            .gas
            .parse::<u64>()
            .map_err(|_| anyhow::anyhow!("--gas must be a number or `auto`, not {:?}", flags.gas))?
    };
    let raw = sign_tx(key, &account, &chain_id, messages, &flags.fees, gas_limit, &flags.memo)?;

    if !flags.yes {
        eprintln!(
            "chain {chain_id}, signer {address} (account {}, sequence {}), gas {gas_limit}, fees {}",
            account.account_number,
            account.sequence,
            if fee.is_empty() { "none".to_owned() } else { fee.to_string() }
        );
        if std::io::stdin().is_terminal() {
            eprint!("confirm transaction before signing and broadcasting [y/N]: ");
        }
        if !read_line()?.trim().eq_ignore_ascii_case("y") {
            bail!("transaction not sent (pass -y to skip this question)");
        }
    }

    let sent = client.broadcast_sync(raw)?;
    let hash = sent.hash.to_string();
    let mut report = TxReport {
        txhash: hash.clone(),
        code: sent.code.value(),
        codespace: sent.codespace.clone(),
        raw_log: sent.log.clone(),
        height: 0,
        gas_wanted: 0,
        gas_used: 0,
        events: serde_json::Value::Array(vec![]),
    };
    if report.code == 0 && flags.wait {
        report = client.tx(&hash, Duration::from_secs(60))?;
    }
    Ok(report)
}

/// Signs a SignDoc (low-S) and returns the TxRaw bytes.
fn sign_doc(key: &SigningKey, doc: SignDoc) -> Vec<u8> {
    let signature: Signature = key.sign(&doc.encode_to_vec());
    let signature = signature.normalize_s().unwrap_or(signature);
    TxRaw {
        body_bytes: doc.body_bytes,
        auth_info_bytes: doc.auth_info_bytes,
        signatures: vec![signature.to_bytes().to_vec()],
    }
    .encode_to_vec()
}

/// A signed SIGN_MODE_DIRECT transaction of `messages` by `key` for `account`.
pub fn sign_tx(
    key: &SigningKey,
    account: &cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount,
    chain_id: &str,
    messages: Vec<Any>,
    fees: &str,
    gas_limit: u64,
    memo: &str,
) -> anyhow::Result<Vec<u8>> {
    let fee = Coins::parse(fees).map_err(|e| anyhow::anyhow!("invalid fees: {}", e.log()))?;
    let body = TxBody { messages, memo: memo.to_owned(), ..Default::default() };
    let auth_info = auth_info(key, account.sequence, &fee, gas_limit);
    let doc = SignDoc {
        body_bytes: body.encode_to_vec(),
        auth_info_bytes: auth_info.encode_to_vec(),
        chain_id: chain_id.to_owned(),
        account_number: account.account_number,
    };
    Ok(sign_doc(key, doc))
}

/// One SIGN_MODE_DIRECT signer with its public key, paying `fee` for `gas_limit`.
fn auth_info(key: &SigningKey, sequence: u64, fee: &Coins, gas_limit: u64) -> AuthInfo {
    let pubkey = Any {
        type_url: veritas_auth::SECP256K1_PUBKEY_TYPE_URL.into(),
        value: PubKey { key: key.verifying_key().to_sec1_bytes().to_vec() }.encode_to_vec(),
    };
    AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(pubkey),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single { mode: SignMode::Direct as i32 })),
            }),
            sequence,
        }],
        fee: Some(Fee {
            amount: fee.iter().map(|c| ProtoCoin { denom: c.denom.clone(), amount: c.amount.to_string() }).collect(),
            gas_limit,
            payer: String::new(),
            granter: String::new(),
        }),
        ..Default::default()
    }
}
