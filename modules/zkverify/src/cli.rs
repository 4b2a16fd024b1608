//! `veritasd tx zkverify ...`, `veritasd query zkverify ...` and the offline
//! `veritasd zkverify vk-id | verify-local` commands.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context as _};
use clap::{Args, Command, FromArgMatches, Subcommand};
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_framework::Address;
use veritas_proto::zkverify::v1 as pb;

use crate::encoding::{decode_verifying_key, verifying_key_id};
use crate::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use crate::{verdict_alone, VerifyRequest};

const GROUP: &str = crate::NAME;

/// `--format snarkjs|arkworks|gnark`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// snarkjs 0.7 JSON (verification_key.json, proof.json, public.json), curve bls12381.
    Snarkjs,
    /// arkworks canonical bytes (binary or hex text); inputs as 32-byte little-endian scalars.
    Arkworks,
    /// gnark v0.14 binary: key and proof from WriteTo or WriteRawTo, public witness from
    /// witness.Public() + MarshalBinary(); BLS12-381, without api.Commit commitments.
    Gnark,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Snarkjs => Format::Snarkjs,
            FormatArg::Arkworks => Format::Arkworks,
            FormatArg::Gnark => Format::Gnark,
        }
    }
}

#[derive(Debug, Args)]
struct FormatFlag {
    /// What wrote the files.
    #[arg(long, value_enum, default_value = "snarkjs")]
    format: FormatArg,
}

/// Groth16 verifying keys and proofs.
#[derive(Debug, Subcommand)]
enum ZkTx {
    /// Register a verifying key (once per key); prints its vk id.
    RegisterVk {
        vk_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
    },
    /// Verify a proof against a registered key and record it; prints its proof id.
    Verify {
        vk_id: String,
        proof_file: PathBuf,
        public_inputs_file: PathBuf,
        #[command(flatten)]
        format: FormatFlag,
    },
}

/// Offline Groth16 tools: a key's id, local verification.
#[derive(Debug, Subcommand)]
enum ZkOffline {
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

/// Groth16 verifying keys, verified proofs and params.
#[derive(Debug, Subcommand)]
enum ZkQuery {
    /// A registered verifying key.
    Vk { vk_id: String },
    /// Every registered verifying key.
    Vks,
    /// A verified proof's record.
    Proof { proof_id: String },
    /// The module's parameters.
    Params,
}

/// The zkverify module's command line.
pub struct ZkVerifyCli;

impl ModuleCli for ZkVerifyCli {
    fn tx_commands(&self) -> Vec<Command> {
        vec![ZkTx::augment_subcommands(Command::new(GROUP).about("Groth16 verifying keys and proofs"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        match ZkTx::from_arg_matches(matches)? {
            ZkTx::RegisterVk { vk_file, format } => {
                let vk = load_vk(&vk_file, format.format)?;
                let vk_id = verifying_key_id(&vk);
                let creator = sender.sender(None)?.to_bech32();
                let mut plan =
                    TxPlan::single(pb::MSG_REGISTER_VERIFYING_KEY, &pb::MsgRegisterVerifyingKey { creator, vk });
                plan.extra.insert("vk_id".into(), json!(vk_id));
                Ok(plan)
            }
            ZkTx::Verify { vk_id, proof_file, public_inputs_file, format } => {
                let proof = load_proof(&proof_file, format.format)?;
                let public_inputs = load_inputs(&public_inputs_file, format.format)?;
                let submitter = sender.sender(None)?.to_bech32();
                let msg = pb::MsgVerifyProof { submitter, vk_id, proof, public_inputs };
                let mut plan = TxPlan::single(pb::MSG_VERIFY_PROOF, &msg);
                plan.from_events.push(("proof_verified", "proof_id", "proof_id"));
                Ok(plan)
            }
        }
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![ZkQuery::augment_subcommands(
            Command::new(GROUP).about("Groth16 verifying keys, verified proofs and params"),
        )]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        run_query(ZkQuery::from_arg_matches(matches)?, client)
    }

    fn offline_commands(&self) -> Vec<Command> {
        vec![ZkOffline::augment_subcommands(
            Command::new(GROUP).about("Offline Groth16 tools: a key's id, local verification"),
        )]
    }

    fn offline(&self, _: &str, matches: &ArgMatches, json: bool) -> anyhow::Result<Value> {
        run_offline(ZkOffline::from_arg_matches(matches)?, json)
    }
}

use clap::ArgMatches;

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

fn run_offline(cmd: ZkOffline, json: bool) -> anyhow::Result<Value> {
    match cmd {
        ZkOffline::VkId { vk_file, format } => {
            let vk = load_vk(&vk_file, format.format)?;
            let inputs = decode_verifying_key(&vk).map(|k| k.gamma_abc_g1.len() - 1).unwrap_or_default();
            // Text output is the bare id, for scripts.
            Ok(if json {
                json!({ "vk_id": verifying_key_id(&vk), "public_inputs": inputs })
            } else {
                json!(verifying_key_id(&vk))
            })
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
            let report = json!({ "valid": valid, "vk_id": vk_id, "proof_id": hex::encode(proof_id) });
            if !valid {
                bail!("the proof does not verify: {report}");
            }
            Ok(report)
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

fn run_query(cmd: ZkQuery, client: &dyn QueryClient) -> anyhow::Result<Value> {
    Ok(match cmd {
        ZkQuery::Vk { vk_id } => {
            let (r, height): (pb::QueryVerifyingKeyResponse, _) =
                query(client, crate::VERIFYING_KEY, &pb::QueryVerifyingKeyRequest { vk_id })?;
            json!({ "verifying_key": r.verifying_key.as_ref().map(key_json), "height": height.to_string() })
        }
        ZkQuery::Vks => {
            let mut keys = Vec::new();
            let mut next = Vec::new();
            let height = loop {
                let request =
                    pb::QueryVerifyingKeysRequest { pagination: Some(pb::PageRequest { key: next, limit: 100 }) };
                let (r, height): (pb::QueryVerifyingKeysResponse, _) = query(client, crate::VERIFYING_KEYS, &request)?;
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
            let (r, height): (pb::QueryVerifiedProofResponse, _) =
                query(client, crate::VERIFIED_PROOF, &pb::QueryVerifiedProofRequest { proof_id })?;
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
            let (r, height): (pb::QueryParamsResponse, _) = query(client, crate::PARAMS, &pb::QueryParamsRequest {})?;
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
