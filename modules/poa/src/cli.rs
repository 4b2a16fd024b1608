//! `veritasd tx poa set-validator|remove-validator` (signed by the authority, `--from`)
//! and `veritasd query poa validators|validator|total-power`.

use std::path::Path;

use anyhow::{bail, Context as _};
use base64::Engine as _;
use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_proto::poa::v1 as pb;

use crate::pubkey::{self, check_moniker, check_power, check_pub_key, ADDRESS_LEN, PUB_KEY_LEN};

const GROUP: &str = crate::NAME;

/// How a consensus key may be given, for every command's help.
const PUB_KEY_HELP: &str = "The ed25519 consensus key: base64 (or hex) of its 32 bytes, the JSON \
    `cometbft show-validator` prints, {\"@type\":\"/cosmos.crypto.ed25519.PubKey\",\"key\":...}, \
    or the path of a CometBFT priv_validator_key.json";

#[derive(Debug, Subcommand)]
enum PoaTx {
    /// Add a validator, or change its power or moniker (signed by the chain's authority,
    /// `--from`). The change reaches CometBFT at the end of the block and takes effect two
    /// blocks later.
    SetValidator {
        #[arg(help = PUB_KEY_HELP)]
        pub_key: String,
        /// Voting power (positive).
        power: i64,
        /// A human name for the validator (at most 70 bytes).
        #[arg(long, default_value = "")]
        moniker: String,
    },
    /// Remove a validator (signed by the chain's authority, `--from`).
    RemoveValidator {
        #[arg(help = PUB_KEY_HELP)]
        pub_key: String,
    },
}

#[derive(Debug, Subcommand)]
enum PoaQuery {
    /// Every validator, in key order.
    Validators,
    /// One validator, by consensus key or CometBFT address (40 hex digits).
    Validator {
        /// The key (any form `tx poa set-validator` takes) or the address.
        pub_key_or_address: String,
    },
    /// The set's total voting power and size.
    TotalPower,
}

/// The poa module's command line.
pub struct PoaCli;

impl ModuleCli for PoaCli {
    fn tx_commands(&self) -> Vec<Command> {
        vec![PoaTx::augment_subcommands(Command::new(GROUP).about("The validator set (proof of authority)"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        let (mut plan, key) = match PoaTx::from_arg_matches(matches)? {
            PoaTx::SetValidator { pub_key, power, moniker } => {
                let key = parse_pub_key(&pub_key)?;
                check_power(power).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
                check_moniker(&moniker).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
                let authority = sender.sender(None)?.to_bech32();
                let msg = pb::MsgSetValidator { authority, pub_key: key.to_vec(), power, moniker };
                (TxPlan::single(pb::MSG_SET_VALIDATOR, &msg), key)
            }
            PoaTx::RemoveValidator { pub_key } => {
                let key = parse_pub_key(&pub_key)?;
                let authority = sender.sender(None)?.to_bech32();
                let msg = pb::MsgRemoveValidator { authority, pub_key: key.to_vec() };
                (TxPlan::single(pb::MSG_REMOVE_VALIDATOR, &msg), key)
            }
        };
        plan.extra.insert("validator_address".into(), json!(pubkey::address_hex(&key)));
        Ok(plan)
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![PoaQuery::augment_subcommands(Command::new(GROUP).about("The validator set (proof of authority)"))]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        Ok(match PoaQuery::from_arg_matches(matches)? {
            PoaQuery::Validators => {
                let (mut validators, mut next) = (Vec::new(), Vec::new());
                let height = loop {
                    let request = pb::QueryValidatorsRequest {
                        pagination: Some(pb::PageRequest { key: next, limit: crate::queries::MAX_PAGE }),
                    };
                    let (r, height): (pb::QueryValidatorsResponse, _) = query(client, pb::QUERY_VALIDATORS, &request)?;
                    validators.extend(r.validators.iter().map(validator_json));
                    next = r.pagination.map(|p| p.next_key).unwrap_or_default();
                    if next.is_empty() {
                        break height;
                    }
                };
                json!({ "validators": validators, "height": height.to_string() })
            }
            PoaQuery::Validator { pub_key_or_address } => {
                let arg = pub_key_or_address.trim();
                let request = if is_address(arg) {
                    pb::QueryValidatorRequest { pub_key: Vec::new(), address: arg.to_ascii_uppercase() }
                } else {
                    pb::QueryValidatorRequest { pub_key: parse_pub_key(arg)?.to_vec(), address: String::new() }
                };
                let (r, height): (pb::QueryValidatorResponse, _) = query(client, pb::QUERY_VALIDATOR, &request)?;
                json!({ "validator": r.validator.as_ref().map(validator_json), "height": height.to_string() })
            }
            PoaQuery::TotalPower => {
                let (r, height): (pb::QueryTotalPowerResponse, _) =
                    query(client, pb::QUERY_TOTAL_POWER, &pb::QueryTotalPowerRequest {})?;
                json!({
                    "total_power": r.total_power.to_string(),
                    "validators": r.validators,
                    "height": height.to_string(),
                })
            }
        })
    }
}

/// A validator as the CLI prints it (int64 as a string, as protobuf JSON and CometBFT's
/// RPC print voting power).
fn validator_json(v: &pb::Validator) -> Value {
    json!({
        "address": v.address,
        "pub_key": base64::engine::general_purpose::STANDARD.encode(&v.pub_key),
        "power": v.power.to_string(),
        "moniker": v.moniker,
    })
}

fn is_address(arg: &str) -> bool {
    arg.len() == 2 * ADDRESS_LEN && arg.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A consensus key given in any of the forms [`PUB_KEY_HELP`] lists, checked as the
/// chain checks it.
pub(crate) fn parse_pub_key(arg: &str) -> anyhow::Result<[u8; PUB_KEY_LEN]> {
    let arg = arg.trim();
    let raw = if arg.starts_with('{') {
        let value: Value = serde_json::from_str(arg).context("the public key is not valid JSON")?;
        json_pub_key(&value)?
    } else if Path::new(arg).is_file() {
        let text = std::fs::read_to_string(arg).with_context(|| format!("cannot read {arg}"))?;
        let value: Value = serde_json::from_str(&text).with_context(|| format!("{arg} is not JSON"))?;
        json_pub_key(&value).with_context(|| format!("no ed25519 public key in {arg}"))?
    } else if arg.len() == 2 * PUB_KEY_LEN && arg.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(arg).context("the public key is not hex")?
    } else {
        decode_base64(arg)?
    };
    check_pub_key(&raw).map_err(|e| anyhow::anyhow!("{}", e.log()))
}

fn decode_base64(text: &str) -> anyhow::Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .with_context(|| format!("{text:?} is neither a file, JSON, hex nor base64 of an ed25519 public key"))
}

/// The key bytes of `{"type":"tendermint/PubKeyEd25519","value":..}`,
/// `{"@type":"/cosmos.crypto.ed25519.PubKey","key":..}`, or a `priv_validator_key.json`
/// (`{"pub_key": {..}, ..}`).
fn json_pub_key(value: &Value) -> anyhow::Result<Vec<u8>> {
    if let Some(inner) = value.get("pub_key") {
        return json_pub_key(inner);
    }
    let field = |name: &str| value.get(name).and_then(Value::as_str);
    match (field("type"), field("@type")) {
        (Some("tendermint/PubKeyEd25519"), _) => match field("value") {
            Some(b64) => decode_base64(b64),
            None => bail!("a tendermint/PubKeyEd25519 key needs a base64 \"value\""),
        },
        (_, Some("/cosmos.crypto.ed25519.PubKey")) => match field("key") {
            Some(b64) => decode_base64(b64),
            None => bail!("a /cosmos.crypto.ed25519.PubKey needs a base64 \"key\""),
        },
        (Some(other), _) | (_, Some(other)) => bail!("a validator key must be ed25519, not {other}"),
        (None, None) => bail!("expected {{\"type\":\"tendermint/PubKeyEd25519\",\"value\":\"<base64>\"}}"),
    }
}
