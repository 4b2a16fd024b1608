//! Messages: stateless checks (cheap: no point is decoded here) and execution.
//!
//! Points are decoded and checked during execution, after gas is charged, so a tx
//! carrying a bad point pays for the work it caused.

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use prost::{Message, Name};
use sha2::{Digest, Sha256};
use veritas_framework::{params_updated_event, sdk, Address, Authority, Context, Error, ExecMode, Msg, MsgResponse};
use veritas_proto::zkverify::v1 as pb;
use veritas_proto::zkverify::v1::{MSG_REGISTER_VERIFYING_KEY, MSG_UPDATE_PARAMS, MSG_VERIFY_PROOF};

use crate::bsb22::MAX_COMMITMENTS;
use crate::cache::Verdict;
use crate::curves::{Curve, CurveId};
use crate::encoding::{check_id, check_proof_length, check_public_inputs, verifying_key_input_count_on};
use crate::key::{AnyKey, PreparedKey};
use crate::verifier::{decode_parts, verdict_for};
use crate::{errors, events, Params, ZkKeeper};

/// A message after stateless checks.
pub(crate) enum ZkMsg {
    Register {
        creator: Address,
        curve: CurveId,
        vk: Vec<u8>,
        commitments: Option<pb::Commitments>,
        /// Public inputs a proof supplies (the key's points, less the constant and the commitments).
        public_inputs: usize,
        /// The message's key bytes, which registration gas is charged by.
        size: usize,
    },
    Verify(VerifyRequest),
    /// New params from the chain's authority (checked by `Params::validate`).
    UpdateParams {
        authority: Address,
        params: Params,
    },
}

/// A `MsgVerifyProof` after stateless checks.
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    pub submitter: Address,
    pub vk_id: String,
    /// The curve the submitter says the key is on (checked against the key).
    pub curve: CurveId,
    pub proof: Vec<u8>,
    pub inputs: Vec<Vec<u8>>,
    /// gnark's commitments and their proof of knowledge (empty for other keys).
    pub commitments: Vec<Vec<u8>>,
    pub pok: Vec<u8>,
}

impl VerifyRequest {
    /// A request without gnark commitments.
    pub fn plain(submitter: Address, vk_id: String, curve: CurveId, proof: Vec<u8>, inputs: Vec<Vec<u8>>) -> Self {
        Self { submitter, vk_id, curve, proof, inputs, commitments: Vec::new(), pok: Vec::new() }
    }

    /// Names the submission exactly as sent, for the verdict cache.
    pub fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.vk_id.as_bytes());
        hasher.update((self.proof.len() as u64).to_be_bytes());
        hasher.update(&self.proof);
        for input in &self.inputs {
            hasher.update(input);
        }
        // Plain BLS12-381 submissions keep the digest they always had.
        if self.curve != CurveId::Bls12_381 || !self.commitments.is_empty() || !self.pok.is_empty() {
            hasher.update([self.curve.to_proto() as u8]);
            hasher.update((self.commitments.len() as u64).to_be_bytes());
            for c in self.commitments.iter().chain(std::iter::once(&self.pok)) {
                hasher.update((c.len() as u64).to_be_bytes());
                hasher.update(c);
            }
        }
        hasher.finalize().into()
    }

    /// The message that carries this request.
    pub fn to_msg(&self) -> pb::MsgVerifyProof {
        pb::MsgVerifyProof {
            submitter: self.submitter.to_bech32(),
            vk_id: self.vk_id.clone(),
            proof: self.proof.clone(),
            public_inputs: self.inputs.clone(),
            commitments: self.commitments.clone(),
            commitment_pok: self.pok.clone(),
            curve: self.curve.to_proto(),
        }
    }
}

pub(crate) fn parse(msg: &Msg<'_>) -> Result<ZkMsg, Error> {
    let bad = |e: prost::DecodeError| sdk::tx_decode(format!("cannot decode {}: {e}", msg.type_url));
    match msg.type_url {
        MSG_REGISTER_VERIFYING_KEY => {
            let m = pb::MsgRegisterVerifyingKey::decode(msg.value).map_err(bad)?;
            let creator = Address::from_bech32(&m.creator).map_err(|e| e.context("creator"))?;
            let curve = CurveId::from_proto(m.curve)?;
            let points = verifying_key_input_count_on(curve, &m.vk)?;
            let commitments = m.commitments.as_ref().map_or(0, |c| c.keys.len());
            if commitments > MAX_COMMITMENTS {
                return Err(errors::unsupported_commitments(format!(
                    "the key has {commitments} commitments; at most {MAX_COMMITMENTS} are supported"
                )));
            }
            let public_inputs = points.checked_sub(commitments).ok_or_else(|| {
                errors::invalid_encoding(format!(
                    "verifying key: {points} gamma_abc_g1 points after the constant cannot serve {commitments} commitments"
                ))
            })?;
            let size = m.vk.len() + m.commitments.as_ref().map_or(0, |c| c.encoded_len());
            Ok(ZkMsg::Register { creator, curve, vk: m.vk, commitments: m.commitments, public_inputs, size })
        }
        MSG_VERIFY_PROOF => parse_verify(msg.value).map(ZkMsg::Verify),
        MSG_UPDATE_PARAMS => {
            let m = pb::MsgUpdateParams::decode(msg.value).map_err(bad)?;
            let authority = Address::from_bech32(&m.authority).map_err(|e| e.context("authority"))?;
            let params = Params::from_proto(&m.params.ok_or_else(|| errors::invalid_params("params are required"))?);
            params.validate()?;
            Ok(ZkMsg::UpdateParams { authority, params })
        }
        other => Err(sdk::unknown_request(format!("zkverify handles no message {other}"))),
    }
}

pub(crate) fn parse_verify(value: &[u8]) -> Result<VerifyRequest, Error> {
    let m = pb::MsgVerifyProof::decode(value)
        .map_err(|e| sdk::tx_decode(format!("cannot decode {MSG_VERIFY_PROOF}: {e}")))?;
    let submitter = Address::from_bech32(&m.submitter).map_err(|e| e.context("submitter"))?;
    let curve = CurveId::from_proto(m.curve)?;
    check_id(&m.vk_id, "vk_id")?;
    check_proof_length(curve, &m.proof)?;
    check_public_inputs(curve, &m.public_inputs)?;
    if m.commitments.len() > MAX_COMMITMENTS {
        return Err(errors::unsupported_commitments(format!(
            "the proof has {} commitments; at most {MAX_COMMITMENTS} are supported",
            m.commitments.len()
        )));
    }
    let (compressed, uncompressed) = curve.g1_lengths();
    let g1_length_ok = |n: usize| n == compressed || n == uncompressed;
    for (i, c) in m.commitments.iter().enumerate() {
        if !g1_length_ok(c.len()) {
            return Err(errors::invalid_encoding(format!(
                "commitment {i}: {} bytes (a {curve} G1 point has {compressed} or {uncompressed})",
                c.len()
            )));
        }
    }
    if !m.commitment_pok.is_empty() && !g1_length_ok(m.commitment_pok.len()) {
        return Err(errors::invalid_encoding(format!(
            "commitment proof of knowledge: {} bytes (a {curve} G1 point has {compressed} or {uncompressed})",
            m.commitment_pok.len()
        )));
    }
    Ok(VerifyRequest {
        submitter,
        vk_id: m.vk_id,
        curve,
        proof: m.proof,
        inputs: m.public_inputs,
        commitments: m.commitments,
        pok: m.commitment_pok,
    })
}

pub(crate) fn signers(msg: &ZkMsg) -> Vec<Address> {
    match msg {
        ZkMsg::Register { creator, .. } => vec![creator.clone()],
        ZkMsg::Verify(request) => vec![request.submitter.clone()],
        ZkMsg::UpdateParams { authority, .. } => vec![authority.clone()],
    }
}

/// Decodes and verifies one submission alone: what the block batch must reproduce.
pub fn verdict_alone(request: &VerifyRequest, key: &PreparedKey) -> Verdict {
    if request.curve != key.curve() {
        return Err(curve_mismatch(request, key.curve()));
    }
    match key {
        PreparedKey::Bls12_381(key) => verdict_for::<Bls12_381>(key, request),
        PreparedKey::Bn254(key) => verdict_for::<Bn254>(key, request),
    }
}

fn curve_mismatch(request: &VerifyRequest, key_curve: CurveId) -> Error {
    errors::curve_mismatch(format!(
        "the proof is sent as {} but verifying key {} is on {key_curve}",
        request.curve, request.vk_id
    ))
}

/// What CheckTx can know of a submission without a pairing: the proof decodes (every
/// point on its curve and in its subgroup) and the inputs are field elements. Answers
/// "valid" for the rest, which the block decides.
fn precheck(request: &VerifyRequest, commitment_count: usize) -> Verdict {
    fn on<E: Curve>(request: &VerifyRequest, commitment_count: usize) -> Verdict {
        Ok((decode_parts::<E>(request, commitment_count, false)?.id, true))
    }
    match request.curve {
        CurveId::Bls12_381 => on::<Bls12_381>(request, commitment_count),
        CurveId::Bn254 => on::<Bn254>(request, commitment_count),
    }
}

pub(crate) fn deliver(
    keeper: &ZkKeeper,
    authority: &dyn Authority,
    ctx: &mut Context<'_>,
    msg: &ZkMsg,
) -> Result<MsgResponse, Error> {
    let params = keeper.params(&mut ctx.kv(&ZkKeeper::store_key()))?;
    match msg {
        ZkMsg::UpdateParams { authority: claimed, params } => {
            authority.ensure_authority(ctx, claimed)?;
            keeper.set_params(ctx, params)?;
            let json = serde_json::to_value(params).map_err(|e| sdk::internal(e.to_string()))?;
            ctx.emit(params_updated_event(crate::NAME, &json));
            Ok(response(pb::MsgUpdateParamsResponse {}))
        }
        ZkMsg::Register { creator, curve, vk, commitments, public_inputs, size } => {
            ctx.gas_meter().consume(params.register_gas(*size), "zkverify register verifying key")?;
            let public_inputs = *public_inputs;
            if public_inputs > params.max_public_inputs as usize {
                return Err(errors::too_many_inputs(format!(
                    "the key has {public_inputs} public inputs; max_public_inputs is {}",
                    params.max_public_inputs
                )));
            }
            let key = AnyKey::decode(*curve, vk, commitments.as_ref())?;
            let vk_id = key.id();
            if keeper.has_key(ctx, &vk_id)? {
                return Err(errors::duplicate_verifying_key(format!("verifying key {vk_id} is already registered")));
            }
            let creator = creator.to_bech32();
            let record = key.record(creator.clone(), ctx.block().height);
            keeper.set_key_record(ctx, &record)?;
            keeper.remember_key(&vk_id, key.prepare());
            ctx.emit(events::register_verifying_key(&record));
            Ok(response(pb::MsgRegisterVerifyingKeyResponse { vk_id }))
        }
        ZkMsg::Verify(request) => {
            let gas = params.verify_gas(request.curve, request.inputs.len(), request.commitments.len());
            ctx.gas_meter().consume(gas, "zkverify verify proof")?;
            let record = keeper.require_key(ctx, &request.vk_id)?;
            let key_curve = CurveId::from_proto(record.curve)?;
            if key_curve != request.curve {
                return Err(curve_mismatch(request, key_curve));
            }
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
                precheck(request, record.commitments.as_ref().map_or(0, |c| c.keys.len()))
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
