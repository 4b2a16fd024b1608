//! One batch per block: before a block's transactions run, every `MsgVerifyProof` in
//! it whose key is already registered is decoded on all cores and verified in one
//! batch (see [`crate::verifier::verify_batch`]). The verdicts go to the verdict
//! cache, where execution finds them; a submission the batch could not judge (its key
//! registered in the same block, say) is verified alone at execution. Either way a
//! transaction gets exactly the verdict it would get alone.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use veritas_framework::{telemetry, DecodedMsg, Error, QueryContext};

use crate::cache::Verdict;
use crate::curves::{Curve, CurveId};
use crate::key::{Prepared, PreparedKey};
use crate::msgs::{VerifyRequest, ZkMsg};
use crate::verifier::{decode_statement, verify_batch_prepared, Statement};
use crate::ZkKeeper;

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
        if record.public_inputs as usize != request.inputs.len() || record.curve != request.curve.to_proto() {
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
    for curve in CurveId::ALL {
        let proofs = pending.iter().filter(|s| s.key.curve() == curve).count() as u64;
        let metric = match curve {
            CurveId::Bls12_381 => "zkverify_batched_proofs_bls12_381",
            CurveId::Bn254 => "zkverify_batched_proofs_bn254",
        };
        if proofs > 0 {
            telemetry::count(metric, proofs);
        }
    }
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

/// The block path from bytes to verdicts: one batch per curve (in batches of at most
/// [`MAX_BATCH`]), verdicts in the order of `pending`. See [`verify_batch_of`].
pub fn verify_block(pending: &[Submission]) -> Vec<Verdict> {
    let mut bls = Vec::new();
    let mut bn = Vec::new();
    for (i, s) in pending.iter().enumerate() {
        match &s.key {
            PreparedKey::Bls12_381(key) => bls.push((i, key, &s.request)),
            PreparedKey::Bn254(key) => bn.push((i, key, &s.request)),
        }
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; pending.len()];
    place(&mut verdicts, verify_curve::<Bls12_381>(&bls));
    place(&mut verdicts, verify_curve::<Bn254>(&bn));
    verdicts.into_iter().map(|v| v.expect("a verdict per submission")).collect()
}

/// One submission of a curve's batch: its place in the block, its key, the request.
type Item<'a, E> = (usize, &'a Arc<Prepared<E>>, &'a VerifyRequest);

fn place(verdicts: &mut [Option<Verdict>], placed: Vec<(usize, Verdict)>) {
    for (i, verdict) in placed {
        verdicts[i] = Some(verdict);
    }
}

fn verify_curve<E: Curve>(items: &[Item<'_, E>]) -> Vec<(usize, Verdict)> {
    items
        .chunks(MAX_BATCH)
        .flat_map(|chunk| chunk.iter().map(|(i, _, _)| *i).zip(verify_batch_of(chunk)).collect::<Vec<_>>())
        .collect()
}

/// Decodes every proof and its inputs on all cores (points checked on curve and in
/// subgroup, B's test done while preparing its lines, gnark commitments hashed in),
/// then verifies the decodable ones in one batch whose combination scalars come from a
/// hash of every submission in it.
fn verify_batch_of<E: Curve>(items: &[Item<'_, E>]) -> Vec<Verdict> {
    let decoded: Vec<Result<([u8; 32], Statement<E>, E::G2Prepared), Error>> = items
        .par_iter()
        .map(|(_, key, request)| {
            let (id, b_lines, statement) = decode_statement(key, request, true)?;
            Ok((id, statement, b_lines.expect("decode_statement prepares B's lines when asked")))
        })
        .collect();
    let mut seed = Sha256::new();
    for (_, _, request) in items {
        seed.update(request.digest());
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
