use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{bail, Context as _};
use clap::Args;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;

use super::keys::{passphrase, read_line, KeyringArgs};
use super::module_commands::TxGroup;
use super::output::print;
use crate::client::{Client, TxReport};
use crate::keyring::{KeyInfo, Keyring};
use crate::tx::sign::{TxContent, TxSigner};
use veritas_framework::cli::SenderLookup;
use veritas_framework::{Address, Coins};

#[derive(Debug, Args)]
pub struct TxFlags {
    /// Signing key name or address (defaults to the positional sender).
    #[arg(long, global = true)]
    pub from: Option<String>,
    /// Chain id to sign for (default: asked from the node).
    #[arg(long, global = true)]
    chain_id: Option<String>,
    /// CometBFT RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:26657", global = true)]
    node: String,
    /// Fee to pay, e.g. 5000uvrt.
    #[arg(long, default_value = "", global = true)]
    fees: String,
    /// Gas limit, or `auto` to simulate and multiply by --gas-adjustment.
    #[arg(long, default_value = "200000", global = true)]
    gas: String,
    #[arg(long, default_value_t = 1.4, global = true)]
    gas_adjustment: f64,
    #[arg(long, default_value = "", global = true)]
    memo: String,
    /// Sign and broadcast without asking.
    #[arg(short = 'y', long, global = true)]
    yes: bool,
    /// Return only once the transaction is in a block.
    #[arg(long, global = true)]
    wait: bool,
    #[command(flatten)]
    pub keyring: KeyringArgs,
}

/// `veritasd tx <group> ...`: the module that owns the group builds the messages, then
/// they are signed with the sender's key and broadcast.
pub fn run(group: TxGroup, flags: TxFlags) -> anyhow::Result<()> {
    let keyring = flags.keyring.keyring()?;
    let mut lookup = KeyLookup { keyring: &keyring, from: flags.from.clone(), chosen: None };
    let plan = group.dispatch(|module, name, matches| module.tx(name, matches, &mut lookup))?;
    let info = lookup.chosen.context("--from <key name or address> is required")?;
    let key = keyring.signing_key(&info.name, passphrase(keyring.backend())?.as_deref())?;
    let report = broadcast(&flags, &key, &info.address, plan.messages)?;
    let mut extra = plan.extra;
    for (event, attribute, field) in plan.from_events {
        if let Some(value) = event_attribute(&report.events, event, attribute) {
            extra.insert(field.into(), serde_json::json!(value));
        }
    }
    finish(&flags, report, extra)
}

/// Resolves the signer from `--from` or the command's positional sender.
struct KeyLookup<'k> {
    keyring: &'k Keyring,
    from: Option<String>,
    chosen: Option<KeyInfo>,
}

impl SenderLookup for KeyLookup<'_> {
    fn sender(&mut self, positional: Option<&str>) -> anyhow::Result<Address> {
        let name = self
            .from
            .clone()
            .or_else(|| positional.map(str::to_owned))
            .context("--from <key name or address> is required")?;
        let info = self.keyring.find(&name)?;
        let address = Address::from_bech32(&info.address).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
        self.chosen = Some(info);
        Ok(address)
    }

    fn update_params_msg(
        &self,
        module: &str,
        authority: &Address,
        params: &serde_json::Value,
    ) -> anyhow::Result<cosmos_sdk_proto::Any> {
        let modules = crate::modules::module_set();
        let found = modules.modules().find(|m| m.name() == module).with_context(|| {
            let names: Vec<_> = modules.modules().map(|m| m.name()).collect();
            format!("no module {module:?} (modules: {})", names.join(", "))
        })?;
        found
            .cli()
            .and_then(|cli| cli.update_params_msg(authority, params))
            .with_context(|| format!("module {module} has no params to update"))?
    }
}

/// The value of `key` in the first event of type `kind` of a tx report.
fn event_attribute(events: &serde_json::Value, kind: &str, key: &str) -> Option<String> {
    events.as_array()?.iter().filter(|e| e["type"] == kind).find_map(|e| {
        e["attributes"].as_array()?.iter().find(|a| a["key"] == key).and_then(|a| a["value"].as_str().map(String::from))
    })
}

/// Prints the report (with `extra` fields first) and fails if the transaction did.
fn finish(flags: &TxFlags, report: TxReport, extra: serde_json::Map<String, serde_json::Value>) -> anyhow::Result<()> {
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
    let mut content =
        TxContent { messages, fee: fee.clone(), gas_limit: 0, memo: flags.memo.clone(), timeout_height: 0 };
    let signer = TxSigner { key, account_number: account.account_number, sequence: account.sequence };
    content.gas_limit = if flags.gas == "auto" {
        let request = SimulateRequest { tx_bytes: content.for_simulation(&[signer]), ..Default::default() };
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
    let gas_limit = content.gas_limit;
    let raw = content.sign(&chain_id, &[signer]);

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
