//! `veritasd tx zkverify ...`, `veritasd query zkverify ...` and the offline
//! `veritasd zkverify vk-id | verify-local` commands.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::{Args, Command, FromArgMatches, Subcommand};
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_framework::Address;
use veritas_proto::zkverify::v1 as pb;

use crate::curves::CurveId;
use crate::formats::{read_proof, read_public_inputs, read_verifying_key, Format, ProofFile};
use crate::key::AnyKey;
use crate::verdict_alone;

const GROUP: &str = crate::NAME;

/// `--format snarkjs|arkworks|gnark`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// snarkjs 0.7 JSON (verification_key.json, proof.json, public.json); the curve
    /// (bls12381 or bn128) comes from the file.
    Snarkjs,
    /// arkworks canonical bytes (binary or hex text) on --curve (default bls12-381);
    /// inputs as 32-byte little-endian scalars.
    Arkworks,
    /// gnark v0.14 binary: key and proof from WriteTo or WriteRawTo, public witness from
    /// witness.Public() + MarshalBinary(); BN254 or BLS12-381 (found from the file, or
    /// --curve), with or without api.Commit commitments.
    Gnark,
}

/// `--curve bls12-381|bn254`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CurveArg {
    /// BLS12-381 (snarkjs bls12381).
    #[value(name = "bls12-381", alias = "bls12381")]
    Bls12_381,
    /// BN254 (alt_bn128, snarkjs and circom bn128).
    #[value(name = "bn254", alias = "bn128")]
    Bn254,
}

impl From<CurveArg> for CurveId {
    fn from(c: CurveArg) -> Self {
        match c {
            CurveArg::Bls12_381 => CurveId::Bls12_381,
            CurveArg::Bn254 => CurveId::Bn254,
        }
    }
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
    /// The curve: needed for arkworks bytes (default bls12-381); snarkjs and gnark
    /// files name theirs, and must agree with it when it is given.
    #[arg(long, value_enum)]
    curve: Option<CurveArg>,
}

impl FormatFlag {
    fn curve(&self) -> Option<CurveId> {
        self.curve.map(Into::into)
    }
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
    fn update_params_msg(&self, authority: &Address, params: &Value) -> Option<anyhow::Result<cosmos_sdk_proto::Any>> {
        Some((|| {
            let params: crate::Params =
                serde_json::from_value(params.clone()).context("zkverify params (as in its genesis `params`)")?;
            params.validate().map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let msg = pb::MsgUpdateParams { authority: authority.to_bech32(), params: Some(params.to_proto()) };
            Ok(cosmos_sdk_proto::Any {
                type_url: crate::MSG_UPDATE_PARAMS.into(),
                value: prost::Message::encode_to_vec(&msg),
            })
        })())
    }

    fn tx_commands(&self) -> Vec<Command> {
        vec![ZkTx::augment_subcommands(Command::new(GROUP).about("Groth16 verifying keys and proofs"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        match ZkTx::from_arg_matches(matches)? {
            ZkTx::RegisterVk { vk_file, format } => {
                let key = load_vk(&vk_file, &format)?;
                let creator = sender.sender(None)?.to_bech32();
                let msg = pb::MsgRegisterVerifyingKey {
                    creator,
                    vk: key.vk_bytes(),
                    curve: key.curve().to_proto(),
                    commitments: key.commitments_proto(),
                };
                let mut plan = TxPlan::single(pb::MSG_REGISTER_VERIFYING_KEY, &msg);
                plan.extra.insert("vk_id".into(), json!(key.id()));
                plan.extra.insert("curve".into(), json!(key.curve().name()));
                Ok(plan)
            }
            ZkTx::Verify { vk_id, proof_file, public_inputs_file, format } => {
                let proof = load_proof(&proof_file, &format)?;
                let inputs = load_inputs(&public_inputs_file, &format, proof.curve)?;
                let submitter = sender.sender(None)?;
                let msg = proof.into_request(submitter, vk_id, inputs).to_msg();
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

fn load_vk(path: &Path, format: &FormatFlag) -> anyhow::Result<AnyKey> {
    read_verifying_key(&read(path)?, format.format.into(), format.curve())
        .with_context(|| format!("invalid verifying key {}", path.display()))
}

fn load_proof(path: &Path, format: &FormatFlag) -> anyhow::Result<ProofFile> {
    read_proof(&read(path)?, format.format.into(), format.curve())
        .with_context(|| format!("invalid proof {}", path.display()))
}

fn load_inputs(path: &Path, format: &FormatFlag, curve: CurveId) -> anyhow::Result<Vec<Vec<u8>>> {
    read_public_inputs(&read(path)?, format.format.into(), curve)
        .with_context(|| format!("invalid public inputs {}", path.display()))
}

fn run_offline(cmd: ZkOffline, json: bool) -> anyhow::Result<Value> {
    match cmd {
        ZkOffline::VkId { vk_file, format } => {
            let key = load_vk(&vk_file, &format)?;
            // Text output is the bare id, for scripts.
            Ok(if json {
                json!({
                    "vk_id": key.id(),
                    "curve": key.curve().name(),
                    "public_inputs": key.public_inputs(),
                    "commitments": key.commitment_count(),
                })
            } else {
                json!(key.id())
            })
        }
        ZkOffline::VerifyLocal { vk_file, proof_file, public_inputs_file, format } => {
            let key = load_vk(&vk_file, &format)?;
            let proof = load_proof(&proof_file, &format)?;
            if proof.curve != key.curve() {
                bail!("the proof is on {} but the key is on {}", proof.curve, key.curve());
            }
            let inputs = load_inputs(&public_inputs_file, &format, key.curve())?;
            if inputs.len() != key.public_inputs() {
                bail!("the key expects {} public inputs, the file has {}", key.public_inputs(), inputs.len());
            }
            let vk_id = key.id();
            let submitter = Address::from_bytes(&[0; 20]).expect("20 bytes");
            let request = proof.into_request(submitter, vk_id.clone(), inputs);
            let (proof_id, valid) =
                verdict_alone(&request, &key.prepare()).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let report = json!({
                "valid": valid,
                "vk_id": vk_id,
                "curve": key.curve().name(),
                "proof_id": hex::encode(proof_id),
            });
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
        "curve": CurveId::from_proto(record.curve).map_or_else(|_| record.curve.to_string(), |c| c.name().to_owned()),
        "commitments": record.commitments.as_ref().map_or(0, |c| c.keys.len()),
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
                    "bn254_verify_gas_base": crate::Params::from_proto(&p).curve_gas(CurveId::Bn254).0.to_string(),
                    "bn254_verify_gas_per_input": crate::Params::from_proto(&p).curve_gas(CurveId::Bn254).1.to_string(),
                    "verify_gas_per_commitment": crate::Params::from_proto(&p).commitment_gas().to_string(),
                },
                "height": height.to_string(),
            })
        }
    })
}
