//! Groth16 over BLS12-381: verifying one proof, or a whole batch at once.
//!
//! Inputs here are already decoded and checked (see [`crate::encoding`]).

use std::sync::Arc;

use ark_bls12_381::g1::Config as G1Config;
use ark_bls12_381::{Bls12_381, Config, Fq12, Fr, G1Affine, G1Projective};
use ark_ec::bls12::{g2::EllCoeff, Bls12Config, G2Prepared};
use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BitIteratorBE, CyclotomicMultSubgroup, Field, One, Zero};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use veritas_framework::Error;

use crate::errors;

/// A verifying key prepared for pairings; shared by every statement that uses it.
pub type PreparedKey = Arc<PreparedVerifyingKey<Bls12_381>>;

/// One proof to check, decoded.
#[derive(Clone)]
pub struct Statement {
    pub vk: PreparedKey,
    pub proof: Proof<Bls12_381>,
    pub inputs: Vec<Fr>,
}

/// Checks the input count against the key (arkworks would return an opaque error).
pub fn check_input_count(vk: &PreparedVerifyingKey<Bls12_381>, inputs: usize) -> Result<(), Error> {
    let expected = vk.vk.gamma_abc_g1.len().saturating_sub(1);
    if expected != inputs {
        return Err(errors::wrong_input_count(format!("the key expects {expected} public inputs, got {inputs}")));
    }
    Ok(())
}

/// Verifies one proof. `Ok(false)`: a well-formed proof that does not verify.
pub fn verify(statement: &Statement) -> Result<bool, Error> {
    check_input_count(&statement.vk, statement.inputs.len())?;
    Groth16::<Bls12_381>::verify_proof(&statement.vk, &statement.proof, &statement.inputs)
        .map_err(|e| errors::wrong_input_count(format!("cannot verify: {e}")))
}

/// Verifies many proofs at once and returns each one's verdict, exactly as [`verify`]
/// would give it alone (up to a 2^-128 chance that an invalid proof hides in a valid
/// batch).
///
/// The batch is a random linear combination with 128-bit scalars derived from `seed`
/// (deterministic: every validator uses the same ones). Per distinct key the public
/// input terms and the C terms fold into two multi-scalar multiplications, so the
/// pairing work is one multi-Miller loop over `(r_i·A_i, B_i)` plus three pairs per key,
/// and one final exponentiation; both spread over all cores. A failing batch is split
/// in halves while only one half fails, and settled one by one once both do
/// (see [`settle_failed`]).
pub fn verify_batch(statements: &[Statement], seed: &[u8]) -> Vec<Result<bool, Error>> {
    let b_lines: Vec<G2Prepared<Config>> = statements.par_iter().map(|s| G2Prepared::from(s.proof.b)).collect();
    verify_batch_prepared(statements, &b_lines, seed)
}

/// [`verify_batch`] with each statement's B already prepared for the Miller loop
/// (`b_lines[i]` for `statements[i]`).
pub fn verify_batch_prepared(
    statements: &[Statement],
    b_lines: &[G2Prepared<Config>],
    seed: &[u8],
) -> Vec<Result<bool, Error>> {
    assert_eq!(statements.len(), b_lines.len(), "one prepared B per statement");
    let batch = Batch { statements, b_lines, seed };
    let mut verdicts: Vec<Option<Result<bool, Error>>> = vec![None; statements.len()];
    let mut candidates = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        match check_input_count(&s.vk, s.inputs.len()) {
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
struct Batch<'a> {
    statements: &'a [Statement],
    b_lines: &'a [G2Prepared<Config>],
    seed: &'a [u8],
}

fn bisect(batch: &Batch<'_>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
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
fn settle_failed(batch: &Batch<'_>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
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

fn one_by_one(batch: &Batch<'_>, indices: &[usize], verdicts: &mut [Option<Result<bool, Error>>]) {
    let alone: Vec<_> = indices.par_iter().map(|&i| verify(&batch.statements[i])).collect();
    for (&i, verdict) in indices.iter().zip(alone) {
        verdicts[i] = Some(verdict);
    }
}

/// Whether the whole batch verifies in one combined check (no bisection).
pub fn batch_is_valid(statements: &[Statement], seed: &[u8]) -> bool {
    let indices: Vec<usize> = (0..statements.len()).collect();
    let b_lines: Vec<G2Prepared<Config>> = statements.par_iter().map(|s| G2Prepared::from(s.proof.b)).collect();
    statements.iter().all(|s| check_input_count(&s.vk, s.inputs.len()).is_ok())
        && batch_holds(&Batch { statements, b_lines: &b_lines, seed }, &indices)
}

/// The combination scalar of statement `index`: r = r1 + λ·r2 with r1, r2 64-bit
/// halves of SHA-256(seed ‖ index), where λ is the eigenvalue of G1's endomorphism φ.
/// That gives 2^128 distinct scalars (no two (r1, r2) collide: the lattice of
/// collisions has no vector shorter than about 2^127), while r·A costs only a 64-bit
/// double-scalar multiplication, r1·A + r2·φ(A).
fn combination_scalar(seed: &[u8], index: usize) -> (u64, u64, Fr) {
    let digest = Sha256::new().chain_update(seed).chain_update((index as u64).to_be_bytes()).finalize();
    let r1 = u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")).max(1);
    let r2 = u64::from_le_bytes(digest[8..16].try_into().expect("8 bytes"));
    (r1, r2, Fr::from(r1) + G1Config::LAMBDA * Fr::from(r2))
}

/// r1·P + r2·φ(P) by a joint double-and-add over 64 bits (P in the subgroup, so
/// φ(P) = λ·P).
fn scale_by_halves(p: &G1Affine, r1: u64, r2: u64) -> G1Projective {
    let phi = G1Config::endomorphism_affine(p);
    let both = (G1Projective::from(*p) + phi).into_affine();
    let mut acc = G1Projective::zero();
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

/// Pairs per Miller-loop accumulator: enough to share the F_q12 squarings (arkworks
/// uses 4), few enough that their prepared lines (about 20 KB each) stay in a core's
/// L2 cache (measured on the block bench: 8 and 16 beat both 4 and 32).
const PAIRS_PER_ACCUMULATOR: usize = 8;

/// Π ML(p_i, q_i), chunks of pairs on all cores.
fn multi_miller_loop(g1: &[G1Affine], g2: &[&G2Prepared<Config>]) -> MillerLoopOutput<Bls12_381> {
    let pairs: Vec<(&G1Affine, &G2Prepared<Config>)> =
        g1.iter().zip(g2.iter().copied()).filter(|(p, q)| !p.is_zero() && !q.infinity).collect();
    let mut f: Fq12 = pairs
        .par_chunks(PAIRS_PER_ACCUMULATOR)
        .map(|part| {
            let mut lines: Vec<_> = part.iter().map(|(p, q)| (*p, q.ell_coeffs.iter())).collect();
            let mut f = Fq12::one();
            for bit in BitIteratorBE::without_leading_zeros(<Config as Bls12Config>::X).skip(1) {
                f.square_in_place();
                for (p, coeffs) in lines.iter_mut() {
                    line(&mut f, coeffs.next().expect("a line per doubling"), p);
                }
                if bit {
                    for (p, coeffs) in lines.iter_mut() {
                        line(&mut f, coeffs.next().expect("a line per addition"), p);
                    }
                }
            }
            f
        })
        .product();
    if <Config as Bls12Config>::X_IS_NEGATIVE {
        f.cyclotomic_inverse_in_place();
    }
    MillerLoopOutput(f)
}

/// Multiplies `f` by a line evaluated at `p` (BLS12-381 has an M-type twist).
fn line(f: &mut Fq12, coeffs: &EllCoeff<Config>, p: &G1Affine) {
    let (c0, mut c1, mut c2) = *coeffs;
    c2.mul_assign_by_fp(&p.y);
    c1.mul_assign_by_fp(&p.x);
    f.mul_by_014(&c0, &c1, &c2);
}

/// The statements of one key inside a batch.
struct KeyGroup<'a> {
    vk: &'a PreparedKey,
    /// Σ r_i, then Σ r_i·x_ij per input j: the scalars of the key's `gamma_abc_g1`.
    input_scalars: Vec<Fr>,
    c_points: Vec<G1Affine>,
    c_scalars: Vec<Fr>,
}

/// Σ_i r_i·[e(A_i, B_i) − e(α, β) − e(L_i, γ) − e(C_i, δ)] = 0, checked in G_T as
/// Π e(r_i·A_i, B_i) · e(−Σr·α, β) · e(−Σ r·L, γ) · e(−Σ r·C, δ) = 1.
fn batch_holds(batch: &Batch<'_>, indices: &[usize]) -> bool {
    let Batch { statements, b_lines, seed } = *batch;
    let scalars: Vec<(u64, u64, Fr)> = indices.iter().map(|&i| combination_scalar(seed, i)).collect();
    let mut groups: Vec<KeyGroup<'_>> = Vec::new();
    for (&i, (_, _, r)) in indices.iter().zip(&scalars) {
        let s = &statements[i];
        let group = match groups.iter().position(|g| Arc::ptr_eq(g.vk, &s.vk)) {
            Some(g) => &mut groups[g],
            None => {
                groups.push(KeyGroup {
                    vk: &s.vk,
                    input_scalars: vec![Fr::zero(); s.vk.vk.gamma_abc_g1.len()],
                    c_points: Vec::new(),
                    c_scalars: Vec::new(),
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
    }

    // r_i·A_i and the prepared B_i, on all cores.
    let scaled_a: Vec<G1Projective> = indices
        .par_iter()
        .zip(&scalars)
        .map(|(&i, (r1, r2, _))| scale_by_halves(&statements[i].proof.a, *r1, *r2))
        .collect();
    let mut g1 = G1Projective::normalize_batch(&scaled_a);
    let mut g2: Vec<&G2Prepared<Config>> = indices.iter().map(|&i| &b_lines[i]).collect();
    let betas: Vec<G2Prepared<Config>> = groups.iter().map(|g| G2Prepared::from(g.vk.vk.beta_g2)).collect();

    for (group, beta) in groups.iter().zip(&betas) {
        let vk = &group.vk.vk;
        let sum_r = group.input_scalars[0];
        let l = G1Projective::msm(&vk.gamma_abc_g1, &group.input_scalars).expect("one scalar per base");
        let c = G1Projective::msm(&group.c_points, &group.c_scalars).expect("one scalar per point");
        let alpha = vk.alpha_g1 * sum_r;
        // gamma and delta come prepared and negated, so L and C keep their sign.
        g1.extend(G1Projective::normalize_batch(&[-alpha, l, c]));
        g2.push(beta);
        g2.push(&group.vk.gamma_g2_neg_pc);
        g2.push(&group.vk.delta_g2_neg_pc);
    }
    let miller = multi_miller_loop(&g1, &g2);
    match Bls12_381::final_exponentiation(miller) {
        Some(out) => out.0.is_one(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use ark_bls12_381::G1Projective;
    use ark_ec::{CurveGroup, PrimeGroup};

    use super::*;

    #[test]
    fn scaling_by_halves_equals_scaling_by_the_combined_scalar() {
        let p = (G1Projective::generator() * Fr::from(123_456_789u64)).into_affine();
        for index in 0..8 {
            let (r1, r2, r) = combination_scalar(b"seed", index);
            assert_eq!(scale_by_halves(&p, r1, r2).into_affine(), (p * r).into_affine(), "index {index}");
        }
    }
}
