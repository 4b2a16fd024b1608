//! Groth16 on any [`Curve`]: decoding a submission against its key, verifying one
//! proof, or a whole batch at once.

use std::sync::Arc;

use ark_ec::pairing::Pairing;
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{One, Zero};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use veritas_framework::Error;

use crate::bsb22::{extend_inputs, pok_holds};
use crate::curves::Curve;
use crate::encoding::{
    compressed, decode_g1, decode_proof, decode_proof_deferring_b_subgroup, decode_public_inputs,
    proof_b_not_in_subgroup, proof_bytes, proof_id,
};
use crate::key::Prepared;
use crate::msgs::VerifyRequest;
use crate::{errors, Verdict};

/// One proof to check, decoded.
pub struct Statement<E: Pairing> {
    pub key: Arc<Prepared<E>>,
    pub proof: Proof<E>,
    /// The public inputs, then one hash per commitment (gnark's extension).
    pub inputs: Vec<E::ScalarField>,
    /// gnark's commitments and the folded proof of knowledge (none for other keys).
    pub commitments: Vec<E::G1Affine>,
    pub pok: E::G1Affine,
    /// The challenge that folds the proofs of knowledge (zero without commitments).
    pub rho: E::ScalarField,
}

impl<E: Pairing> Statement<E> {
    /// A statement for a key without gnark commitments.
    pub fn plain(key: Arc<Prepared<E>>, proof: Proof<E>, inputs: Vec<E::ScalarField>) -> Self {
        Self { key, proof, inputs, commitments: Vec::new(), pok: E::G1Affine::zero(), rho: E::ScalarField::zero() }
    }
}

impl<E: Pairing> Clone for Statement<E> {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            proof: self.proof.clone(),
            inputs: self.inputs.clone(),
            commitments: self.commitments.clone(),
            pok: self.pok,
            rho: self.rho,
        }
    }
}

/// What a submission's bytes decode to before its key's commitments are hashed in.
pub(crate) struct DecodedParts<E: Pairing> {
    pub proof: Proof<E>,
    pub commitments: Vec<E::G1Affine>,
    pub pok: E::G1Affine,
    pub inputs: Vec<E::ScalarField>,
    /// B's lines, when the caller asked for them (the batch path).
    pub b_lines: Option<E::G2Prepared>,
    /// The proof id.
    pub id: [u8; 32],
}

/// Decodes a submission for a key with `commitment_count` commitments, every point
/// checked; with `prepare_b`, B's subgroup test comes from preparing its lines. The
/// first error is the same either way.
pub(crate) fn decode_parts<E: Curve>(
    request: &VerifyRequest,
    commitment_count: usize,
    prepare_b: bool,
) -> Result<DecodedParts<E>, Error> {
    let (proof, b_lines) = if prepare_b {
        let proof = decode_proof_deferring_b_subgroup::<E>(&request.proof)?;
        let (lines, in_subgroup) = E::prepare_and_check_b(&proof.b);
        if !in_subgroup {
            return Err(proof_b_not_in_subgroup());
        }
        (proof, Some(lines))
    } else {
        (decode_proof::<E>(&request.proof)?, None)
    };
    if request.commitments.len() != commitment_count {
        return Err(errors::commitment_mismatch(format!(
            "the key has {commitment_count} gnark commitments, the proof {}",
            request.commitments.len()
        )));
    }
    let commitments = request
        .commitments
        .iter()
        .enumerate()
        .map(|(i, c)| decode_g1::<E>(c, &format!("commitment {i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let pok = match (commitment_count, request.pok.is_empty()) {
        (0, true) => E::G1Affine::zero(),
        (0, false) => {
            return Err(errors::commitment_mismatch(
                "a proof of knowledge of commitments, but the key has no commitments",
            ))
        }
        (_, true) => return Err(errors::commitment_mismatch("the proof of knowledge of the commitments is missing")),
        (_, false) => decode_g1::<E>(&request.pok, "commitment proof of knowledge")?,
    };
    let inputs = decode_public_inputs::<E::ScalarField>(&request.inputs)?;
    let mut canonical = proof_bytes(&proof);
    if commitment_count > 0 {
        for c in &commitments {
            canonical.extend(compressed(c));
        }
        canonical.extend(compressed(&pok));
    }
    let id = proof_id(&request.vk_id, &canonical, &request.inputs);
    Ok(DecodedParts { proof, commitments, pok, inputs, b_lines, id })
}

/// A submission decoded against its key: its proof id, B's lines if asked for, and the
/// statement (commitments hashed in).
pub(crate) type DecodedStatement<E> = ([u8; 32], Option<<E as Pairing>::G2Prepared>, Statement<E>);

/// Decodes a submission against its key into a statement (commitments hashed in).
pub(crate) fn decode_statement<E: Curve>(
    key: &Arc<Prepared<E>>,
    request: &VerifyRequest,
    prepare_b: bool,
) -> Result<DecodedStatement<E>, Error> {
    let DecodedParts { proof, commitments, pok, inputs, b_lines, id } =
        decode_parts::<E>(request, key.commitment_count(), prepare_b)?;
    let (inputs, rho) = match &key.bsb22 {
        Some(bsb22) => extend_inputs::<E>(&inputs, &bsb22.committed, &commitments),
        None => (inputs, E::ScalarField::zero()),
    };
    Ok((id, b_lines, Statement { key: key.clone(), proof, inputs, commitments, pok, rho }))
}

/// Decodes and verifies one submission alone: what the block batch must reproduce.
pub fn verdict_for<E: Curve>(key: &Arc<Prepared<E>>, request: &VerifyRequest) -> Verdict {
    let (id, _, statement) = decode_statement(key, request, false)?;
    Ok((id, verify(&statement)?))
}

/// Checks the input count against the key (arkworks would return an opaque error).
pub fn check_input_count<E: Pairing>(vk: &PreparedVerifyingKey<E>, inputs: usize) -> Result<(), Error> {
    let expected = vk.vk.gamma_abc_g1.len().saturating_sub(1);
    if expected != inputs {
        return Err(errors::wrong_input_count(format!("the key expects {expected} public inputs, got {inputs}")));
    }
    Ok(())
}

/// Verifies one proof as gnark (with commitments) or any Groth16 verifier (without)
/// does. `Ok(false)`: a well-formed proof that does not verify.
pub fn verify<E: Curve>(statement: &Statement<E>) -> Result<bool, Error> {
    let pvk = &statement.key.pvk;
    check_input_count(pvk, statement.inputs.len())?;
    if let Some(bsb22) = &statement.key.bsb22 {
        if !pok_holds(bsb22, &statement.commitments, &statement.pok, statement.rho) {
            return Ok(false);
        }
    }
    let mut prepared = Groth16::<E>::prepare_inputs(pvk, &statement.inputs)
        .map_err(|e| errors::wrong_input_count(format!("cannot verify: {e}")))?;
    for c in &statement.commitments {
        prepared += c;
    }
    Groth16::<E>::verify_proof_with_prepared_inputs(pvk, &statement.proof, &prepared)
        .map_err(|e| errors::wrong_input_count(format!("cannot verify: {e}")))
}

/// Verifies many proofs at once and returns each one's verdict, exactly as [`verify`]
/// would give it alone (up to a 2^-128 chance that an invalid proof hides in a valid
/// batch).
///
/// The batch is a random linear combination with 128-bit scalars derived from `seed`
/// (deterministic: every validator uses the same ones). Per distinct key the public
/// input terms and the C terms fold into multi-scalar multiplications, so the pairing
/// work is one multi-Miller loop over `(r_i·A_i, B_i)` plus three pairs per key (and,
/// for keys with gnark commitments, one per commitment plus one, for the proofs of
/// knowledge, combined with independent scalars), and one final exponentiation; both
/// spread over all cores. A failing batch is split in halves while only one half
/// fails, and settled one by one once both do (see [`settle_failed`]).
pub fn verify_batch<E: Curve>(statements: &[Statement<E>], seed: &[u8]) -> Vec<Result<bool, Error>> {
    let b_lines: Vec<E::G2Prepared> = statements.par_iter().map(|s| E::G2Prepared::from(s.proof.b)).collect();
    verify_batch_prepared(statements, &b_lines, seed)
}

/// [`verify_batch`] with each statement's B already prepared for the Miller loop
/// (`b_lines[i]` for `statements[i]`).
pub fn verify_batch_prepared<E: Curve>(
    statements: &[Statement<E>],
    b_lines: &[E::G2Prepared],
    seed: &[u8],
) -> Vec<Result<bool, Error>> {
    assert_eq!(statements.len(), b_lines.len(), "one prepared B per statement");
    let batch = Batch { statements, b_lines, seed };
    let mut verdicts: Vec<Option<Result<bool, Error>>> = vec![None; statements.len()];
    let mut candidates = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        match check_input_count(&s.key.pvk, s.inputs.len()) {
            Ok(()) => candidates.push(i),
            Err(e) => verdicts[i] = Some(Err(e)),
        }
    }
    bisect(&batch, &candidates, &mut verdicts);
    verdicts.into_iter().map(|v| v.expect("every statement gets a verdict")).collect()
}

/// Below this many statements a failed batch is settled one by one: a split would
/// cost more pairings than it saves.
const ONE_BY_ONE_BELOW: usize = 4;

/// What a batch check needs besides the subset it checks.
struct Batch<'a, E: Pairing> {
    statements: &'a [Statement<E>],
    b_lines: &'a [E::G2Prepared],
    seed: &'a [u8],
}

fn bisect<E: Curve>(batch: &Batch<'_, E>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
    if indices.is_empty() {
        return;
    }
    if indices.len() > 1 && batch_holds(batch, indices) {
        mark_valid(indices, verdicts);
        return;
    }
    settle_failed(batch, indices, verdicts);
}

/// Finds the invalid statements of a group whose batch check failed. Split in halves
/// while the failure stays on one side (a few bad proofs among many cost a few small
/// batches); once both halves fail, invalid proofs are common and each is settled alone,
/// so no arrangement of invalid proofs costs more than about 1.3 times verifying them
/// one by one (one batch of the group, one of each half, then singles).
fn settle_failed<E: Curve>(batch: &Batch<'_, E>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
    // A failing batch (an invalid proof in it) falls back to smaller checks.
    veritas_framework::telemetry::count("zkverify_batch_fallbacks", 1);
    if indices.len() <= ONE_BY_ONE_BELOW {
        return one_by_one(batch, indices, verdicts);
    }
    let (left, right) = indices.split_at(indices.len() / 2);
    if batch_holds(batch, left) {
        // The group failed, so the other half must.
        mark_valid(left, verdicts);
        return settle_failed(batch, right, verdicts);
    }
    if batch_holds(batch, right) {
        mark_valid(right, verdicts);
        return settle_failed(batch, left, verdicts);
    }
    one_by_one(batch, indices, verdicts);
}

fn mark_valid(indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
    for &i in indices {
        verdicts[i] = Some(Ok(true));
    }
}

fn one_by_one<E: Curve>(batch: &Batch<'_, E>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
    let alone: Vec<_> = indices.par_iter().map(|&i| verify(&batch.statements[i])).collect();
    for (&i, verdict) in indices.iter().zip(alone) {
        verdicts[i] = Some(verdict);
    }
}

/// Whether the whole batch verifies in one combined check (no bisection).
pub fn batch_is_valid<E: Curve>(statements: &[Statement<E>], seed: &[u8]) -> bool {
    let indices: Vec<usize> = (0..statements.len()).collect();
    let b_lines: Vec<E::G2Prepared> = statements.par_iter().map(|s| E::G2Prepared::from(s.proof.b)).collect();
    statements.iter().all(|s| check_input_count(&s.key.pvk, s.inputs.len()).is_ok())
        && batch_holds(&Batch { statements, b_lines: &b_lines, seed }, &indices)
}

/// A combination scalar: r = r1 + λ·r2 with r1, r2 64-bit halves of
/// SHA-256(seed ‖ domain ‖ index), where λ is the eigenvalue of G1's endomorphism φ.
/// That gives 2^128 distinct scalars (no two (r1, r2) collide: on both curves the
/// lattice of collisions has no vector shorter than about 2^127), while r·P costs only
/// a 64-bit double-scalar multiplication, r1·P + r2·φ(P). The Groth16 equations and the
/// commitments' proofs of knowledge get scalars from different domains, so one
/// equation's defect cannot cancel the other's.
fn combination_scalar<P: GLVConfig>(seed: &[u8], domain: &[u8], index: usize) -> (u64, u64, P::ScalarField) {
    let digest =
        Sha256::new().chain_update(seed).chain_update(domain).chain_update((index as u64).to_be_bytes()).finalize();
    let r1 = u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")).max(1);
    let r2 = u64::from_le_bytes(digest[8..16].try_into().expect("8 bytes"));
    (r1, r2, P::ScalarField::from(r1) + P::LAMBDA * P::ScalarField::from(r2))
}

/// The Groth16 equations' domain is empty, so BLS12-381 batches keep the scalars they
/// had before commitments existed.
const GROTH16_DOMAIN: &[u8] = b"";
const POK_DOMAIN: &[u8] = b"bsb22-pok";

/// r1·P + r2·φ(P) by a joint double-and-add over 64 bits (P in the subgroup, so
/// φ(P) = λ·P).
fn scale_by_halves<P: GLVConfig>(p: &Affine<P>, r1: u64, r2: u64) -> Projective<P> {
    let phi = P::endomorphism_affine(p);
    let both = (Projective::<P>::from(*p) + phi).into_affine();
    let mut acc = Projective::<P>::zero();
    for bit in (0..64).rev() {
        acc.double_in_place();
        match ((r1 >> bit) & 1, (r2 >> bit) & 1) {
            (1, 1) => acc += both,
            (1, 0) => acc += p,
            (0, 1) => acc += phi,
            _ => {}
        }
    }
    acc
}

/// The statements of one key inside a batch.
struct KeyGroup<'a, E: Pairing> {
    key: &'a Arc<Prepared<E>>,
    /// Σ r_i, then Σ r_i·x_ij per input j: the scalars of the key's `gamma_abc_g1`.
    input_scalars: Vec<E::ScalarField>,
    /// Points paired with δ (each C_i) and extra points paired with γ (each gnark
    /// commitment), with their scalars.
    c_points: Vec<E::G1Affine>,
    c_scalars: Vec<E::ScalarField>,
    gamma_points: Vec<E::G1Affine>,
    gamma_scalars: Vec<E::ScalarField>,
    /// Per commitment j, then the PoK: points and scalars s_i·ρ_i^j (and s_i).
    pok_points: Vec<Vec<E::G1Affine>>,
    pok_scalars: Vec<Vec<E::ScalarField>>,
}

/// Σ_i r_i·[e(A_i, B_i) − e(α, β) − e(L_i, γ) − e(C_i, δ)] plus
/// Σ_i s_i·[Σ_j e(ρ_i^j·D_ij, −σ_j) + e(PoK_i, G)] equals 0, checked in G_T as one product
/// of pairings equal to 1 (D_ij: gnark commitments, whose sum L_i includes).
fn batch_holds<E: Curve>(batch: &Batch<'_, E>, indices: &[usize]) -> bool {
    let Batch { statements, b_lines, seed } = *batch;
    let scalars: Vec<(u64, u64, E::ScalarField)> =
        indices.iter().map(|&i| combination_scalar::<E::G1Config>(seed, GROTH16_DOMAIN, i)).collect();
    let mut groups: Vec<KeyGroup<'_, E>> = Vec::new();
    for (&i, (_, _, r)) in indices.iter().zip(&scalars) {
        let s = &statements[i];
        let group = match groups.iter().position(|g| Arc::ptr_eq(g.key, &s.key)) {
            Some(g) => &mut groups[g],
            None => {
                let n = s.key.commitment_count();
                groups.push(KeyGroup {
                    key: &s.key,
                    input_scalars: vec![E::ScalarField::zero(); s.key.pvk.vk.gamma_abc_g1.len()],
                    c_points: Vec::new(),
                    c_scalars: Vec::new(),
                    gamma_points: Vec::new(),
                    gamma_scalars: Vec::new(),
                    pok_points: vec![Vec::new(); if n > 0 { n + 1 } else { 0 }],
                    pok_scalars: vec![Vec::new(); if n > 0 { n + 1 } else { 0 }],
                });
                groups.last_mut().expect("just pushed")
            }
        };
        group.input_scalars[0] += r;
        for (acc, x) in group.input_scalars[1..].iter_mut().zip(&s.inputs) {
            *acc += *r * x;
        }
        group.c_points.push(s.proof.c);
        group.c_scalars.push(*r);
        if !s.commitments.is_empty() {
            let (_, _, scale) = combination_scalar::<E::G1Config>(seed, POK_DOMAIN, i);
            let mut power = scale;
            for (j, c) in s.commitments.iter().enumerate() {
                group.gamma_points.push(*c);
                group.gamma_scalars.push(*r);
                group.pok_points[j].push(*c);
                group.pok_scalars[j].push(power);
                power *= s.rho;
            }
            let last = s.commitments.len();
            group.pok_points[last].push(s.pok);
            group.pok_scalars[last].push(scale);
        }
    }

    // r_i·A_i and the prepared B_i, on all cores.
    let scaled_a: Vec<E::G1> = indices
        .par_iter()
        .zip(&scalars)
        .map(|(&i, (r1, r2, _))| scale_by_halves::<E::G1Config>(&statements[i].proof.a, *r1, *r2))
        .collect();
    let mut g1 = E::G1::normalize_batch(&scaled_a);
    let mut g2: Vec<&E::G2Prepared> = indices.iter().map(|&i| &b_lines[i]).collect();
    let betas: Vec<E::G2Prepared> = groups.iter().map(|g| E::G2Prepared::from(g.key.pvk.vk.beta_g2)).collect();

    for (group, beta) in groups.iter().zip(&betas) {
        let pvk = &group.key.pvk;
        let vk = &pvk.vk;
        let sum_r = group.input_scalars[0];
        let mut l = E::G1::msm(&vk.gamma_abc_g1, &group.input_scalars).expect("one scalar per base");
        if !group.gamma_points.is_empty() {
            l += E::G1::msm(&group.gamma_points, &group.gamma_scalars).expect("one scalar per point");
        }
        let c = E::G1::msm(&group.c_points, &group.c_scalars).expect("one scalar per point");
        let alpha = vk.alpha_g1 * sum_r;
        // gamma and delta come prepared and negated, so L and C keep their sign.
        g1.extend(E::G1::normalize_batch(&[-alpha, l, c]));
        g2.push(beta);
        g2.push(&pvk.gamma_g2_neg_pc);
        g2.push(&pvk.delta_g2_neg_pc);
        if let Some(bsb22) = &group.key.bsb22 {
            let folded: Vec<E::G1> = group
                .pok_points
                .iter()
                .zip(&group.pok_scalars)
                .map(|(points, scalars)| E::G1::msm(points, scalars).expect("one scalar per point"))
                .collect();
            g1.extend(E::G1::normalize_batch(&folded));
            g2.extend(bsb22.g_sigma_negs.iter());
            g2.push(&bsb22.g);
        }
    }
    let miller = E::multi_miller_loop_ref(&g1, &g2);
    match E::final_exponentiation(miller) {
        Some(out) => out.0.is_one(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use ark_ec::PrimeGroup;

    use super::*;

    fn halves_agree<P: GLVConfig>()
    where
        Projective<P>: PrimeGroup<ScalarField = P::ScalarField>,
    {
        let p = (Projective::<P>::generator() * P::ScalarField::from(123_456_789u64)).into_affine();
        for index in 0..8 {
            let (r1, r2, r) = combination_scalar::<P>(b"seed", GROTH16_DOMAIN, index);
            assert_eq!(scale_by_halves(&p, r1, r2).into_affine(), (p * r).into_affine(), "index {index}");
        }
    }

    #[test]
    fn scaling_by_halves_equals_scaling_by_the_combined_scalar() {
        halves_agree::<ark_bls12_381::g1::Config>();
        halves_agree::<ark_bn254::g1::Config>();
    }
}
