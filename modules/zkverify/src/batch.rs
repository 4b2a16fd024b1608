//! One batch per block: before a block's transactions run, every `MsgVerifyProof` in
//! it whose key is already registered is decoded on all cores and verified in one
//! batch (see [`crate::verifier::verify_batch`]). The verdicts go to the verdict
//! cache, where execution finds them; a submission the batch could not judge (its key
//! registered in the same block, say) is verified alone at execution. Either way a
//! transaction gets exactly the verdict it would get alone.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use veritas_framework::{DecodedMsg, Error, QueryContext};

use crate::cache::Verdict;
use ark_bls12_381::Config;
use ark_ec::bls12::G2Prepared;

use crate::encoding::{
    decode_proof_deferring_b_subgroup, decode_public_inputs, proof_b_not_in_subgroup, proof_bytes, proof_id,
};
use crate::g2_lines::prepare_and_check;
use crate::msgs::{VerifyRequest, ZkMsg};
use crate::verifier::{verify_batch_prepared, PreparedKey, Statement};
use crate::ZkKeeper;
use veritas_framework::telemetry;

/// Verdicts produced by block batches in this process (a figure for logs and tests).
static BATCH_VERDICTS: AtomicU64 = AtomicU64::new(0);

pub fn verdicts_from_batches() -> u64 {
    BATCH_VERDICTS.load(Ordering::Relaxed)
}

/// Verifies the block's proofs together and caches each one's verdict.
pub(crate) fn prepare_block(keeper: &ZkKeeper, committed: &QueryContext<'_>, msgs: &[&DecodedMsg]) {
    let mut kv = committed.kv(&ZkKeeper::store_key());
    let mut seen = BTreeSet::new();
    let mut digests = Vec::new();
    let mut pending: Vec<Submission> = Vec::new();
    for msg in msgs {
        let Ok(ZkMsg::Verify(request)) = msg.value::<ZkMsg>() else { continue };
        let digest = request.digest();
        if !seen.insert(digest) || keeper.verdicts().contains(&digest) {
            continue;
        }
        let Ok(Some(record)) = keeper.key_record(&mut kv, &request.vk_id) else { continue };
        if record.public_inputs as usize != request.inputs.len() {
            continue;
        }
        let Ok(key) = keeper.prepared_key(&record) else { continue };
        digests.push(digest);
        pending.push(Submission { key, request: request.clone() });
    }
    if pending.is_empty() {
        return;
    }
    BATCH_VERDICTS.fetch_add(pending.len() as u64, Ordering::Relaxed);
    let started = std::time::Instant::now();
    let verdicts = verify_block(&pending);
    telemetry::observe("zkverify_batch_seconds", started.elapsed().as_secs_f64());
    telemetry::observe("zkverify_batch_proofs", pending.len() as f64);
    telemetry::count("zkverify_batched_proofs_bls12_381", pending.len() as u64);
    for (digest, verdict) in digests.into_iter().zip(verdicts) {
        keeper.verdicts().insert(digest, verdict);
    }
}

/// One `MsgVerifyProof` of a block with its registered key.
pub struct Submission {
    pub key: PreparedKey,
    pub request: VerifyRequest,
}

/// The most submissions verified in one batch. Each holds B's prepared G2 lines (about
/// 20 KB) until its batch is settled, so a block's proofs go in batches of this size:
/// memory stays bounded (about 5 MB) however many proofs a block holds, and a batch this
/// large already amortises the final exponentiation (see the bench).
pub const MAX_BATCH: usize = 256;

/// The block path from bytes to verdicts, in batches of at most [`MAX_BATCH`]: see
/// [`verify_batch_of`].
pub fn verify_block(pending: &[Submission]) -> Vec<Verdict> {
    pending.chunks(MAX_BATCH).flat_map(verify_batch_of).collect()
}

/// Decodes every proof and its inputs on all cores (points checked on curve and in
/// subgroup), then verifies the decodable ones in one batch whose combination scalars
/// come from a hash of every submission in it.
fn verify_batch_of(pending: &[Submission]) -> Vec<Verdict> {
    // Decode, prepare B's lines (testing B's subgroup on the way), on all cores.
    let decoded: Vec<Result<([u8; 32], Statement, G2Prepared<Config>), Error>> = pending
        .par_iter()
        .map(|Submission { key, request }| {
            let proof = decode_proof_deferring_b_subgroup(&request.proof)?;
            let (b_lines, b_in_subgroup) = prepare_and_check(&proof.b);
            if !b_in_subgroup {
                return Err(proof_b_not_in_subgroup());
            }
            let inputs = decode_public_inputs(&request.inputs)?;
            let id = proof_id(&request.vk_id, &proof_bytes(&proof), &request.inputs);
            Ok((id, Statement { vk: key.clone(), proof, inputs }, b_lines))
        })
        .collect();
    let mut seed = Sha256::new();
    for submission in pending {
        seed.update(submission.request.digest());
    }
    let seed = seed.finalize();
    let mut ids = Vec::with_capacity(decoded.len());
    let mut statements = Vec::with_capacity(decoded.len());
    let mut b_lines = Vec::with_capacity(decoded.len());
    for d in decoded {
        ids.push(d.map(|(id, statement, lines)| {
            statements.push(statement);
            b_lines.push(lines);
            id
        }));
    }
    let mut batch = verify_batch_prepared(&statements, &b_lines, &seed).into_iter();
    ids.into_iter()
        .map(|id| {
            let id = id?;
            let valid = batch.next().expect("one verdict per decoded statement")?;
            Ok((id, valid))
        })
        .collect()
}
