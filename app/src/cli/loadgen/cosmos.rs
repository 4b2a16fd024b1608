//! Load for a Cosmos SDK-style chain (Veritas, simd, ...): load accounts funded with one
//! MultiSend, then MsgSends signed up front (SIGN_MODE_DIRECT, account numbers and sequences
//! read from the chain), so signing never limits the send rate.

use std::time::Duration;

use anyhow::{bail, Context as _};
use cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::Any;
use k256::ecdsa::SigningKey;
use prost::{Message, Name};
use sha2::{Digest, Sha256};
use veritas_framework::{Coin, GasPrices, ProtoCoin};

use super::{LoadgenArgs, Workload};
use crate::cli::keys::passphrase;
use crate::client::Client;
use crate::tx::sign::{address_of, sign_tx};

/// What each load account is given; sends move 1 unit, so this lasts any run.
const FUNDS_PER_ACCOUNT: u128 = 1_000_000_000;
/// Gas asked for the funding MultiSend: a base plus a share per output (generous for any
/// SDK chain's gas schedule).
const FUNDING_GAS_BASE: u64 = 200_000;
const FUNDING_GAS_PER_ACCOUNT: u64 = 60_000;

struct LoadAccount {
    key: SigningKey,
    address: String,
    number: u64,
    sequence: u64,
}

/// The chain-specific settings of a run.
struct Chain {
    id: String,
    prefix: String,
    denom: String,
    /// Fee denom and the price per gas unit.
    gas_price: veritas_framework::GasPrice,
}

impl Chain {
    fn address(&self, key: &SigningKey) -> anyhow::Result<String> {
        Ok(address_of(key).to_bech32_with_prefix(&self.prefix)?)
    }

    fn coins(&self, amount: u128) -> Vec<ProtoCoin> {
        vec![Coin::new(&self.denom, amount).to_proto()]
    }

    fn fee(&self, gas: u64) -> anyhow::Result<String> {
        let amount = self.gas_price.fee_for(gas).context("--gas-price × --gas overflows")?;
        Ok(format!("{amount}{}", self.gas_price.denom))
    }
}

fn load_key(seed: &str, index: usize) -> SigningKey {
    let digest = Sha256::digest(format!("{seed}/{index}").as_bytes());
    SigningKey::from_slice(&digest).expect("a SHA-256 digest is a valid secp256k1 scalar with overwhelming probability")
}

/// `0.02` (in `denom`) or `0.0025stake`.
fn parse_gas_price(text: &str, denom: &str) -> anyhow::Result<veritas_framework::GasPrice> {
    let with_denom =
        if text.chars().all(|c| c.is_ascii_digit() || c == '.') { format!("{text}{denom}") } else { text.to_owned() };
    let prices = GasPrices::parse(&with_denom).map_err(|e| anyhow::anyhow!("--gas-price: {}", e.log()))?;
    match prices.prices() {
        [one] => Ok(one.clone()),
        _ => bail!("--gas-price takes one price, e.g. 0.0025stake"),
    }
}

pub(super) fn workload(args: &LoadgenArgs, client: &Client) -> anyhow::Result<Workload> {
    let chain = Chain {
        id: client.status()?.node_info.network.to_string(),
        prefix: args.prefix.clone(),
        denom: args.denom.clone(),
        gas_price: parse_gas_price(&args.gas_price, &args.denom)?,
    };
    let from = args.from.as_deref().context("--from names the funding key")?;
    let keyring = args.keyring.keyring()?;
    let funder_info = keyring.find(from)?;
    let funder_key = keyring.signing_key(&funder_info.name, passphrase(keyring.backend())?.as_deref())?;
    let funder_address = chain.address(&funder_key)?;
    let funder = client
        .account(&funder_address)?
        .with_context(|| format!("funding account {funder_address} does not exist on chain {}", chain.id))?;

    let keys: Vec<SigningKey> = (0..args.accounts).map(|i| load_key(&args.seed, i)).collect();
    fund(&chain, client, &funder_key, &funder, &keys)?;
    let mut accounts = Vec::new();
    for key in keys {
        let address = chain.address(&key)?;
        let account = client.account(&address)?.context("a funded load account is missing")?;
        accounts.push(LoadAccount { key, address, number: account.account_number, sequence: account.sequence });
    }
    let fee = chain.fee(args.gas)?;
    let mut txs = Vec::with_capacity(args.txs);
    for i in 0..args.txs {
        let n = accounts.len();
        let (from, to) = (i % n, (i + 1) % n);
        let to_address = accounts[to].address.clone();
        let acc = &mut accounts[from];
        let kind = if args.mixed && i % 10 == 9 { Fault::ALL[(i / 10) % 3] } else { Fault::None };
        let amount = if kind == Fault::Overspend { FUNDS_PER_ACCOUNT * 1000 } else { 1 };
        let msg = MsgSend { from_address: acc.address.clone(), to_address, amount: chain.coins(amount) };
        let any = Any { type_url: MsgSend::type_url(), value: msg.encode_to_vec() };
        let signer = BaseAccount {
            address: acc.address.clone(),
            pub_key: None,
            account_number: acc.number,
            sequence: if kind == Fault::WrongSequence { acc.sequence + 1_000 } else { acc.sequence },
        };
        let mut raw = sign_tx(&acc.key, &signer, &chain.id, vec![any], &fee, args.gas, &format!("loadgen {i}"))?;
        if kind == Fault::BadSignature {
            // Flip a bit of the signature (the last bytes of TxRaw).
            let last = raw.len() - 1;
            raw[last] ^= 1;
        }
        // Bad transactions are refused by CheckTx, so they do not use up a sequence.
        if kind == Fault::None {
            acc.sequence += 1;
        }
        txs.push((from, raw));
    }
    Ok(Workload { txs, probe_address: Some(funder_address) })
}

/// What `--mixed` breaks in a transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    BadSignature,
    WrongSequence,
    Overspend,
}

impl Fault {
    const ALL: [Fault; 3] = [Fault::BadSignature, Fault::WrongSequence, Fault::Overspend];
}

/// Funds (or tops up) the load accounts with one MultiSend and waits for its block.
fn fund(
    chain: &Chain,
    client: &Client,
    funder_key: &SigningKey,
    funder: &BaseAccount,
    keys: &[SigningKey],
) -> anyhow::Result<()> {
    let outputs = keys
        .iter()
        .map(|k| Ok(Output { address: chain.address(k)?, coins: chain.coins(FUNDS_PER_ACCOUNT) }))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let multi = MsgMultiSend {
        inputs: vec![Input {
            address: funder.address.clone(),
            coins: chain.coins(FUNDS_PER_ACCOUNT * keys.len() as u128),
        }],
        outputs,
    };
    let any = Any { type_url: MsgMultiSend::type_url(), value: multi.encode_to_vec() };
    let gas = FUNDING_GAS_BASE + FUNDING_GAS_PER_ACCOUNT * keys.len() as u64;
    let raw = sign_tx(funder_key, funder, &chain.id, vec![any], &chain.fee(gas)?, gas, "")?;
    let sent = client.broadcast_sync(raw)?;
    if sent.code.is_err() {
        bail!("funding failed: code {} ({}): {}", sent.code.value(), sent.codespace, sent.log);
    }
    let funded = client.tx(&sent.hash.to_string(), Duration::from_secs(60))?;
    if funded.code != 0 {
        bail!("funding failed in block {}: {}", funded.height, funded.raw_log);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_price_takes_the_send_denom_unless_it_names_one() {
        let price = parse_gas_price("0.02", "uvrt").unwrap();
        assert_eq!((price.denom.as_str(), price.fee_for(100_000)), ("uvrt", Some(2_000)));
        let price = parse_gas_price("0.0025stake", "uvrt").unwrap();
        assert_eq!((price.denom.as_str(), price.fee_for(150_000)), ("stake", Some(375)));
        assert!(parse_gas_price("0.1uvrt,1stake", "uvrt").is_err());
        assert!(parse_gas_price("x", "uvrt").is_err());
    }
}
