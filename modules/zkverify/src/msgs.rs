//! Messages: stateless checks (cheap: no point is decoded here) and execution.
//!
//! Points are decoded and checked during execution, after gas is charged, so a tx
//! carrying a bad point pays for the work it caused.

use ark_groth16::prepare_verifying_key;
use prost::{Message, Name};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use veritas_framework::{sdk, Address, Context, Error, ExecMode, Msg, MsgResponse};
use veritas_proto::zkverify::v1 as pb;
use veritas_proto::zkverify::v1::{MSG_REGISTER_VERIFYING_KEY, MSG_VERIFY_PROOF};

use crate::cache::Verdict;
use crate::encoding::{
    check_id, check_proof_length, decode_proof, decode_public_inputs, decode_verifying_key, proof_bytes, proof_id,
    verifying_key_bytes, verifying_key_id, verifying_key_input_count,
};
use crate::verifier::{verify, PreparedKey, Statement};
use crate::{errors, events, ZkKeeper};

/// A message after stateless checks.
pub(crate) enum ZkMsg {
    Register { creator: Address, vk: Vec<u8>, public_inputs: usize },
    Verify(VerifyRequest),
}

/// A `MsgVerifyProof` after stateless checks.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    pub submitter: Address,
    pub vk_id: String,
    pub proof: Vec<u8>,
    pub inputs: Vec<Vec<u8>>,
}

impl VerifyRequest {
    /// Names the submission exactly as sent, for the verdict cache.
    pub fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.vk_id.as_bytes());
        hasher.update((self.proof.len() as u64).to_be_bytes());
        hasher.update(&self.proof);
        for input in &self.inputs {
            hasher.update(input);
        }
        hasher.finalize().into()
    }
}

pub(crate) fn parse(msg: &Msg<'_>) -> Result<ZkMsg, Error> {
    let bad = |e: prost::DecodeError| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url));
    match msg.type_url {
        MSG_REGISTER_VERIFYING_KEY => {
            let m = pb::MsgRegisterVerifyingKey::decode(msg.value).map_err(bad)?;
            let creator = Address::from_bech32(&m.creator).map_err(|e| e.context("creator"))?;
            let public_inputs = verifying_key_input_count(&m.vk)?;
            Ok(ZkMsg::Register { creator, vk: m.vk, public_inputs })
        }
        MSG_VERIFY_PROOF => parse_verify(msg.value).map(ZkMsg::Verify),
        other => Err(sdk::unknown_request(format!("zkverify handles no message {other}"))),
    }
}

pub(crate) fn parse_verify(value: &[u8]) -> Result<VerifyRequest, Error> {
    let m = pb::MsgVerifyProof::decode(value)
        .map_err(|e| sdk::tx_decode(format!("cannot decode {MSG_VERIFY_PROOF}: {e}")))?;
    let submitter = Address::from_bech32(&m.submitter).map_err(|e| e.context("submitter"))?;
    check_id(&m.vk_id, "vk_id")?;
    check_proof_length(&m.proof)?;
    decode_public_inputs(&m.public_inputs)?;
    Ok(VerifyRequest { submitter, vk_id: m.vk_id, proof: m.proof, inputs: m.public_inputs })
}

pub(crate) fn signers(msg: &ZkMsg) -> Vec<Address> {
    match msg {
        ZkMsg::Register { creator, .. } => vec![creator.clone()],
        ZkMsg::Verify(request) => vec![request.submitter.clone()],
    }
}

/// Decodes and verifies one submission alone: what the block batch must reproduce.
pub fn verdict_alone(request: &VerifyRequest, key: &PreparedKey) -> Verdict {
    let proof = decode_proof(&request.proof)?;
    let inputs = decode_public_inputs(&request.inputs)?;
    let id = proof_id(&request.vk_id, &proof_bytes(&proof), &request.inputs);
    let valid = verify(&Statement { vk: key.clone(), proof, inputs })?;
    Ok((id, valid))
}

/// What CheckTx can know of a submission without a pairing: the proof decodes (every
/// point on its curve and in its subgroup) and the inputs are field elements. Answers
/// "valid" for the rest, which the block decides.
fn precheck(request: &VerifyRequest) -> Verdict {
    let proof = decode_proof(&request.proof)?;
    decode_public_inputs(&request.inputs)?;
    Ok((proof_id(&request.vk_id, &proof_bytes(&proof), &request.inputs), true))
}

pub(crate) fn deliver(keeper: &ZkKeeper, ctx: &mut Context<'_>, msg: &ZkMsg) -> Result<MsgResponse, Error> {
    let params = keeper.params(&mut ctx.kv(&ZkKeeper::store_key()))?;
    match msg {
        ZkMsg::Register { creator, vk, public_inputs } => {
            ctx.gas_meter().consume(params.register_gas(vk.len()), "zkverify register verifying key")?;
            let public_inputs = *public_inputs;
            if public_inputs > params.max_public_inputs as usize {
                return Err(errors::too_many_inputs(format!(
                    "the key has {public_inputs} public inputs; max_public_inputs is {}",
                    params.max_public_inputs
                )));
            }
            let decoded = decode_verifying_key(vk)?;
            let canonical = verifying_key_bytes(&decoded);
            let vk_id = verifying_key_id(&canonical);
            if keeper.has_key(ctx, &vk_id)? {
                return Err(errors::duplicate_verifying_key(format!("verifying key {vk_id} is already registered")));
            }
            let creator = creator.to_bech32();
            let record = pb::VerifyingKeyRecord {
                vk_id: vk_id.clone(),
                vk: canonical,
                creator: creator.clone(),
                public_inputs: public_inputs as u32,
                height: ctx.block().height,
            };
            keeper.set_key_record(ctx, &record)?;
            keeper.remember_key(&vk_id, Arc::new(prepare_verifying_key(&decoded)));
            ctx.emit(events::register_verifying_key(&vk_id, &creator, public_inputs));
            Ok(response(pb::MsgRegisterVerifyingKeyResponse { vk_id }))
        }
        ZkMsg::Verify(request) => {
            ctx.gas_meter().consume(params.verify_gas(request.inputs.len()), "zkverify verify proof")?;
            let record = keeper.require_key(ctx, &request.vk_id)?;
            if record.public_inputs as usize != request.inputs.len() {
                return Err(errors::wrong_input_count(format!(
                    "verifying key {} expects {} public inputs, got {}",
                    request.vk_id,
                    record.public_inputs,
                    request.inputs.len()
                )));
            }
            let verdict = if ctx.mode() == ExecMode::CheckTx {
                // CheckTx does no pairing its sender does not pay for: it checks what is
                // cheap (points on the curve and in their subgroups, inputs, not yet
                // recorded); the pairing runs in the block, where the fee is charged
                // even when the proof turns out invalid.
                precheck(request)
            } else {
                let digest = request.digest();
                match keeper.verdicts().get(&digest) {
                    Some(verdict) => verdict,
                    None => {
                        let verdict = verdict_alone(request, &keeper.prepared_key(&record)?);
                        keeper.verdicts().insert(digest, verdict.clone());
                        verdict
                    }
                }
            };
            let (id, valid) = verdict?;
            let proof_id = hex::encode(id);
            if keeper.is_verified(ctx, &proof_id)? {
                return Err(errors::proof_already_verified(format!("proof {proof_id} is already recorded")));
            }
            if !valid {
                return Err(errors::proof_invalid(format!(
                    "the proof does not verify against key {} and the given public inputs",
                    request.vk_id
                )));
            }
            let submitter = request.submitter.to_bech32();
            let record = pb::VerifiedProof {
                vk_id: request.vk_id.clone(),
                public_inputs: request.inputs.clone(),
                submitter: submitter.clone(),
                height: ctx.block().height,
            };
            keeper.record_proof(ctx, &proof_id, &record)?;
            ctx.emit(events::proof_verified(&request.vk_id, &proof_id, &submitter));
            Ok(response(pb::MsgVerifyProofResponse { proof_id }))
        }
    }
}

fn response<M: Message + Name>(m: M) -> MsgResponse {
    MsgResponse { type_url: M::type_url(), value: m.encode_to_vec() }
}
