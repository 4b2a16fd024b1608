//! `veritasd tx zkverify ...`, `veritasd q zkverify ...` and the offline
//! `veritasd zkverify vk-id | verify-local` commands.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use cosmos_sdk_proto::Any;
use prost::Message;
use serde_json::{json, Map, Value};
use veritas_framework::Address;
use veritas_proto::zkverify::v1 as pb;
use veritas_zkverify::encoding::{decode_verifying_key, verifying_key_id};
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use veritas_zkverify::{verdict_alone, VerifyRequest};

use super::output::{print, Output};
use super::tx::{finish, sign_and_broadcast, TxFlags};
use crate::client::Client;

/// `--format snarkjs|arkworks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// snarkjs 0.7 JSON (verification_key.json, proof.json, public.json), curve bls12381.
    Snarkjs,
    /// arkworks canonical bytes (binary or hex text); inputs as 32-byte little-endian scalars.
    Arkworks,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Snarkjs => Format::Snarkjs,
            FormatArg::Arkworks => Format::Arkworks,
        }
    }
}

#[derive(Debug, Args)]
pub struct FormatFlag {
    /// What wrote the files.
    #[arg(long, value_enum, default_value = "snarkjs")]
    format: FormatArg,
}

#[derive(Debug, Subcommand)]
pub enum ZkTx {
    /// Register a verifying key (once per key); prints its vk id.
    RegisterVk {
        vk_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
        #[command(flatten)]
        flags: TxFlags,
    },
    /// Verify a proof against a registered key and record it; prints its proof id.
    Verify {
        vk_id: String,
        proof_file: PathBuf,
        public_inputs_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
        #[command(flatten)]
        flags: TxFlags,
    },
}

/// Offline tools: nothing is sent anywhere.
#[derive(Debug, Subcommand)]
pub enum ZkOffline {
    /// Print the id a verifying key gets on chain (hex SHA-256 of its compressed bytes).
    VkId {
        vk_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
    },
    /// Verify a proof locally, exactly as the chain would.
    VerifyLocal {
        vk_file: PathBuf,
        proof_file: PathBuf,
        public_inputs_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
    },
}

#[derive(Debug, Subcommand)]
pub enum ZkQuery {
    /// A registered verifying key.
    Vk { vk_id: String },
    /// Every registered verifying key.
    Vks,
    /// A verified proof's record.
    Proof { proof_id: String },
    /// The module's parameters.
    Params,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn load_vk(path: &Path, format: FormatArg) -> anyhow::Result<Vec<u8>> {
    read_verifying_key(&read(path)?, format.into()).with_context(|| format!("invalid verifying key {}", path.display()))
}

fn load_proof(path: &Path, format: FormatArg) -> anyhow::Result<Vec<u8>> {
    read_proof(&read(path)?, format.into()).with_context(|| format!("invalid proof {}", path.display()))
}

fn load_inputs(path: &Path, format: FormatArg) -> anyhow::Result<Vec<Vec<u8>>> {
    read_public_inputs(&read(path)?, format.into()).with_context(|| format!("invalid public inputs {}", path.display()))
}

fn signer(flags: &TxFlags) -> anyhow::Result<String> {
    flags.from.clone().context("--from <key name or address> is required")
}

/// The value of `key` in the first event of type `kind` of a tx report.
fn event_attribute(events: &Value, kind: &str, key: &str) -> Option<String> {
    events.as_array()?.iter().filter(|e| e["type"] == kind).find_map(|e| {
        e["attributes"].as_array()?.iter().find(|a| a["key"] == key).and_then(|a| a["value"].as_str().map(String::from))
    })
}

pub fn run_tx(cmd: ZkTx) -> anyhow::Result<()> {
    match cmd {
        ZkTx::RegisterVk { vk_file, format, flags } => {
            let vk = load_vk(&vk_file, format.format)?;
            let vk_id = verifying_key_id(&vk);
            let from = signer(&flags)?;
            let creator = flags.keyring.keyring()?.find(&from)?.address;
            let msg = pb::MsgRegisterVerifyingKey { creator, vk };
            let any = Any { type_url: pb::MSG_REGISTER_VERIFYING_KEY.into(), value: msg.encode_to_vec() };
            let report = sign_and_broadcast(&flags, &from, vec![any])?;
            let mut extra = Map::new();
            extra.insert("vk_id".into(), json!(vk_id));
            finish(&flags, report, extra)
        }
        ZkTx::Verify { vk_id, proof_file, public_inputs_file, format, flags } => {
            let proof = load_proof(&proof_file, format.format)?;
            let public_inputs = load_inputs(&public_inputs_file, format.format)?;
            let from = signer(&flags)?;
            let submitter = flags.keyring.keyring()?.find(&from)?.address;
            let msg = pb::MsgVerifyProof { submitter, vk_id, proof, public_inputs };
            let any = Any { type_url: pb::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() };
            let report = sign_and_broadcast(&flags, &from, vec![any])?;
            let mut extra = Map::new();
            if let Some(proof_id) = event_attribute(&report.events, "proof_verified", "proof_id") {
                extra.insert("proof_id".into(), json!(proof_id));
            }
            finish(&flags, report, extra)
        }
    }
}

pub fn run_offline(cmd: ZkOffline, output: Output) -> anyhow::Result<()> {
    match cmd {
        ZkOffline::VkId { vk_file, format } => {
            let vk = load_vk(&vk_file, format.format)?;
            let inputs = decode_verifying_key(&vk).map(|k| k.gamma_abc_g1.len() - 1).unwrap_or_default();
            match output {
                Output::Text => println!("{}", verifying_key_id(&vk)),
                Output::Json => print(output, &json!({ "vk_id": verifying_key_id(&vk), "public_inputs": inputs })),
            }
            Ok(())
        }
        ZkOffline::VerifyLocal { vk_file, proof_file, public_inputs_file, format } => {
            let vk_bytes = load_vk(&vk_file, format.format)?;
            let vk = decode_verifying_key(&vk_bytes).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let vk_id = verifying_key_id(&vk_bytes);
            let request = VerifyRequest {
                submitter: Address::from_bytes(&[0; 20]).expect("20 bytes"),
                vk_id: vk_id.clone(),
                proof: load_proof(&proof_file, format.format)?,
                inputs: load_inputs(&public_inputs_file, format.format)?,
            };
            let key = Arc::new(ark_groth16::prepare_verifying_key(&vk));
            let (proof_id, valid) = verdict_alone(&request, &key).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            print(output, &json!({ "valid": valid, "vk_id": vk_id, "proof_id": hex::encode(proof_id) }));
            if !valid {
                bail!("the proof does not verify");
            }
            Ok(())
        }
    }
}

fn key_json(record: &pb::VerifyingKeyRecord) -> Value {
    json!({
        "vk_id": record.vk_id,
        "creator": record.creator,
        "public_inputs": record.public_inputs,
        "height": record.height.to_string(),
        "vk": hex::encode(&record.vk),
    })
}

pub fn run_query(cmd: ZkQuery, client: &Client) -> anyhow::Result<Value> {
    Ok(match cmd {
        ZkQuery::Vk { vk_id } => {
            let (r, height) = client.query::<_, pb::QueryVerifyingKeyResponse>(
                veritas_zkverify::VERIFYING_KEY,
                &pb::QueryVerifyingKeyRequest { vk_id },
            )?;
            json!({ "verifying_key": r.verifying_key.as_ref().map(key_json), "height": height.to_string() })
        }
        ZkQuery::Vks => {
            let mut keys = Vec::new();
            let mut next = Vec::new();
            let height = loop {
                let request =
                    pb::QueryVerifyingKeysRequest { pagination: Some(pb::PageRequest { key: next, limit: 100 }) };
                let (r, height) =
                    client.query::<_, pb::QueryVerifyingKeysResponse>(veritas_zkverify::VERIFYING_KEYS, &request)?;
                keys.extend(r.verifying_keys.iter().map(|k| {
                    let mut k = key_json(k);
                    k.as_object_mut().expect("object").remove("vk");
                    k
                }));
                next = r.pagination.map(|p| p.next_key).unwrap_or_default();
                if next.is_empty() {
                    break height;
                }
            };
            json!({ "verifying_keys": keys, "height": height.to_string() })
        }
        ZkQuery::Proof { proof_id } => {
            let (r, height) = client.query::<_, pb::QueryVerifiedProofResponse>(
                veritas_zkverify::VERIFIED_PROOF,
                &pb::QueryVerifiedProofRequest { proof_id },
            )?;
            let proof = r.proof.unwrap_or_default();
            json!({
                "proof_id": r.proof_id,
                "vk_id": proof.vk_id,
                "public_inputs": proof.public_inputs.iter().map(hex::encode).collect::<Vec<_>>(),
                "submitter": proof.submitter,
                "height": proof.height.to_string(),
                "query_height": height.to_string(),
            })
        }
        ZkQuery::Params => {
            let (r, height) =
                client.query::<_, pb::QueryParamsResponse>(veritas_zkverify::PARAMS, &pb::QueryParamsRequest {})?;
            let p = r.params.unwrap_or_default();
            json!({
                "params": {
                    "max_public_inputs": p.max_public_inputs,
                    "register_gas_per_byte": p.register_gas_per_byte.to_string(),
                    "verify_gas_base": p.verify_gas_base.to_string(),
                    "verify_gas_per_input": p.verify_gas_per_input.to_string(),
                },
                "height": height.to_string(),
            })
        }
    })
}
