//! BN254: B's lines are arkworks' own; B's subgroup test is the one of Dai, Lin, Zhao
//! and Zhou (eprint 2022/348, §3 and §5.1, as gnark-crypto does it), which needs [x]B for
//! the 63-bit seed x instead of arkworks' 127-bit [6x²]B; a multi-Miller loop over
//! prepared lines borrowed, not copied.

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, G1Affine, G2Affine, G2Projective};
use ark_ec::bn::{g2::EllCoeff, BnConfig, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::{AdditiveGroup, AffineRepr, PrimeGroup};
use ark_ff::{BigInteger, Field, One, PrimeField};
use ark_serialize::Compress;
use rayon::prelude::*;

use super::{all_chunks_below, Curve, CurveId, DecodeFailure};

/// Pairs per Miller-loop accumulator (as for BLS12-381: lines stay in L2).
const PAIRS_PER_ACCUMULATOR: usize = 8;

// BN254's seed is positive, so the Miller loop needs no final inversion (arkworks'
// loop inverts before its last two lines only when it is negative).
const _: () = assert!(!<Config as BnConfig>::X_IS_NEGATIVE);

impl Curve for Bn254 {
    type G1Config = ark_bn254::g1::Config;
    type G2Config = ark_bn254::g2::Config;

    const ID: CurveId = CurveId::Bn254;

    fn fq2(c0: Self::BaseField, c1: Self::BaseField) -> ark_bn254::Fq2 {
        ark_bn254::Fq2::new(c0, c1)
    }

    fn prepare_and_check_b(b: &G2Affine) -> (G2Prepared<Config>, bool) {
        (G2Prepared::from(*b), in_subgroup(b))
    }

    fn multi_miller_loop_ref(g1: &[G1Affine], g2: &[&G2Prepared<Config>]) -> MillerLoopOutput<Self> {
        let pairs: Vec<(&G1Affine, &G2Prepared<Config>)> =
            g1.iter().zip(g2.iter().copied()).filter(|(p, q)| !p.is_zero() && !q.infinity).collect();
        let loop_count = <Config as BnConfig>::ATE_LOOP_COUNT;
        let f: Fq12 = pairs
            .par_chunks(PAIRS_PER_ACCUMULATOR)
            .map(|part| {
                let mut lines: Vec<_> = part.iter().map(|(p, q)| (*p, q.ell_coeffs.iter())).collect();
                let mut f = Fq12::one();
                for i in (1..loop_count.len()).rev() {
                    if i != loop_count.len() - 1 {
                        f.square_in_place();
                    }
                    for (p, coeffs) in lines.iter_mut() {
                        line(&mut f, coeffs.next().expect("a line per doubling"), p);
                    }
                    if loop_count[i - 1] != 0 {
                        for (p, coeffs) in lines.iter_mut() {
                            line(&mut f, coeffs.next().expect("a line per addition"), p);
                        }
                    }
                }
                // The two Frobenius additions that end BN's optimal ate loop.
                for (p, coeffs) in lines.iter_mut() {
                    line(&mut f, coeffs.next().expect("the π(B) line"), p);
                    line(&mut f, coeffs.next().expect("the −π²(B) line"), p);
                }
                f
            })
            .product();
        MillerLoopOutput(f)
    }

    /// Big-endian X ‖ Y, 32 bytes each, no flags; infinity is all zeros.
    fn gnark_raw_g1(p: &G1Affine) -> Vec<u8> {
        match p.xy() {
            Some((x, y)) => [x.into_bigint().to_bytes_be(), y.into_bigint().to_bytes_be()].concat(),
            None => vec![0; 64],
        }
    }

    /// arkworks' encoding: little-endian coordinates, flags in the top two bits of the
    /// last byte of the last coordinate (bit 7: y negative, bit 6: infinity).
    fn decode_failure(encoded: &[u8], compress: Compress) -> DecodeFailure {
        let mut coordinates = encoded.to_vec();
        let last = coordinates.len() - 1;
        let flags = coordinates[last] >> 6;
        coordinates[last] &= 0b0011_1111;
        if !all_chunks_below::<Fq>(&coordinates, 32, false) {
            DecodeFailure::CoordinateTooLarge
        } else if flags == 0b11 {
            DecodeFailure::BadFlags
        } else if matches!(compress, Compress::Yes) {
            DecodeFailure::NoPointWithX
        } else {
            DecodeFailure::BadFlags
        }
    }
}

/// Multiplies `f` by a line evaluated at `p` (BN254 has a D-type twist).
fn line(f: &mut Fq12, coeffs: &EllCoeff<Config>, p: &G1Affine) {
    let (mut c0, mut c1, c2) = *coeffs;
    c0.mul_assign_by_fp(&p.y);
    c1.mul_assign_by_fp(&p.x);
    f.mul_by_034(&c0, &c1, &c2);
}

/// ψ(x, y) = (x̄·c_x, ȳ·c_y) on Jacobian coordinates (Z conjugated too), the
/// untwist–Frobenius–twist endomorphism the pairing's final additions use.
fn psi(p: &G2Projective) -> G2Projective {
    let conjugate = |v: &Fq2| Fq2::new(v.c0, -v.c1);
    G2Projective::new_unchecked(
        conjugate(&p.x) * <Config as BnConfig>::TWIST_MUL_BY_Q_X,
        conjugate(&p.y) * <Config as BnConfig>::TWIST_MUL_BY_Q_Y,
        conjugate(&p.z),
    )
}

/// B (on the curve) is in the order-r subgroup iff
/// [x+1]B + ψ([x]B) + ψ²([x]B) = ψ³([2x]B).
pub(crate) fn in_subgroup(b: &G2Affine) -> bool {
    if b.is_zero() {
        return true;
    }
    let b = G2Projective::from(*b);
    let xb = b.mul_bigint(<Config as BnConfig>::X);
    let psi_xb = psi(&xb);
    let psi2_xb = psi(&psi_xb);
    let left = xb + b + psi_xb + psi2_xb;
    let right = psi(&psi2_xb).double();
    left == right
}

#[cfg(test)]
mod tests {
    use ark_bn254::{Fr, G2Projective};
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_std::UniformRand;

    use super::*;

    #[test]
    fn subgroup_test_agrees_with_arkworks() {
        let mut rng = ark_std::test_rng();
        for _ in 0..16 {
            let b = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
            assert!(in_subgroup(&b));
        }
        let mut outside = 0;
        for x in 1u64..60 {
            for greatest in [false, true] {
                let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(x), Fq::from(5u64)), greatest)
                else {
                    continue;
                };
                let expected = p.is_in_correct_subgroup_assuming_on_curve();
                assert_eq!(in_subgroup(&p), expected, "x = {x}");
                outside += usize::from(!expected);
                // Cofactor cleared: now in the subgroup.
                assert!(in_subgroup(&p.clear_cofactor()), "x = {x}, cleared");
            }
        }
        assert!(outside > 10, "the test needs points outside the subgroup");
        assert!(in_subgroup(&G2Affine::zero()));
    }

    #[test]
    fn miller_loop_over_borrowed_lines_equals_arkworks() {
        use ark_bn254::G1Projective;
        use ark_ec::pairing::Pairing;
        let mut rng = ark_std::test_rng();
        let g1: Vec<G1Affine> =
            (0..11).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let g2: Vec<G2Affine> =
            (0..11).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let prepared: Vec<G2Prepared<Config>> = g2.iter().map(|q| G2Prepared::from(*q)).collect();
        let refs: Vec<&G2Prepared<Config>> = prepared.iter().collect();
        let ours = Bn254::final_exponentiation(Bn254::multi_miller_loop_ref(&g1, &refs)).unwrap();
        assert_eq!(ours, Bn254::multi_pairing(&g1, &g2));
    }
}
