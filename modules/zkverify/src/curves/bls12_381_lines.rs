//! A proof's B point prepared for the Miller loop and checked for subgroup membership
//! in one pass.
//!
//! Preparing B walks the bits of the curve parameter |x| with homogeneous projective
//! doubling and addition steps (the formulas of Costello, Lange and Naehrig,
//! eprint 2009/615), recording each step's line. That walk ends at T = [|x|]B, which is
//! exactly what Scott's subgroup test (eprint 2021/1130, §4) needs: B is in the
//! prime-order subgroup iff ψ(B) = [x]B = −T (x is negative). So the test costs a
//! comparison instead of a second 64-bit scalar multiplication in G2.
//!
//! The lines are the same as arkworks' `G2Prepared::from(B)` (a test checks it), so
//! verifying keys' prepared lines and these mix in one Miller loop.

use std::sync::OnceLock;

use ark_bls12_381::{g2, Config, Fq, Fq2, G2Affine};
use ark_ec::bls12::{g2::EllCoeff, Bls12Config, G2Prepared};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, BigInteger, BitIteratorBE, Field, One, PrimeField, Zero};
use num_bigint::BigUint;

/// A point of E'(F_q2) in homogeneous projective coordinates (x = X/Z, y = Y/Z).
struct Projective {
    x: Fq2,
    y: Fq2,
    z: Fq2,
}

/// B's lines, and whether B is in the prime-order subgroup.
pub fn prepare_and_check(b: &G2Affine) -> (G2Prepared<Config>, bool) {
    let Some((bx, by)) = b.xy() else {
        return (G2Prepared { ell_coeffs: Vec::new(), infinity: true }, true);
    };
    let two_inv = Fq::from(2u64).inverse().expect("2 is invertible");
    let mut t = Projective { x: bx, y: by, z: Fq2::one() };
    let mut lines = Vec::with_capacity(70);
    // A step whose formula does not apply (T = O, T = ±B) can only happen for a point
    // of small order, which is never in the subgroup.
    let mut exceptional = false;
    for bit in BitIteratorBE::new(<Config as Bls12Config>::X).skip(1) {
        lines.push(double(&mut t, &two_inv));
        exceptional |= t.z.is_zero();
        if bit {
            let (line, degenerate) = add(&mut t, &bx, &by);
            lines.push(line);
            exceptional |= degenerate || t.z.is_zero();
        }
    }
    let (px, py) = psi(&bx, &by);
    let in_subgroup = !exceptional && t.x == px * t.z && t.y == -(py * t.z);
    (G2Prepared { ell_coeffs: lines, infinity: false }, in_subgroup)
}

/// T ← 2T; returns the tangent line at T (M-type twist coefficient order).
fn double(t: &mut Projective, two_inv: &Fq) -> EllCoeff<Config> {
    let mut a = t.x * t.y;
    a.mul_assign_by_fp(two_inv);
    let b = t.y.square();
    let c = t.z.square();
    let e = g2::Config::COEFF_B * (c.double() + c);
    let f = e.double() + e;
    let mut g = b + f;
    g.mul_assign_by_fp(two_inv);
    let h = (t.y + t.z).square() - (b + c);
    let i = e - b;
    let j = t.x.square();
    let e_squared = e.square();
    t.x = a * (b - f);
    t.y = g.square() - (e_squared.double() + e_squared);
    t.z = b * h;
    (i, j.double() + j, -h)
}

/// T ← T + Q for affine Q = (qx, qy); returns the chord line and whether T = ±Q made
/// the formula degenerate.
fn add(t: &mut Projective, qx: &Fq2, qy: &Fq2) -> (EllCoeff<Config>, bool) {
    let theta = t.y - *qy * t.z;
    let lambda = t.x - *qx * t.z;
    let degenerate = lambda.is_zero();
    let c = theta.square();
    let d = lambda.square();
    let e = lambda * d;
    let f = t.z * c;
    let g = t.x * d;
    let h = e + f - g.double();
    t.x = lambda * h;
    t.y = theta * (g - h) - e * t.y;
    t.z *= e;
    let j = theta * qx - lambda * qy;
    ((j, -theta, lambda), degenerate)
}

/// ψ(x, y) = (x̄·c_x, ȳ·c_y): the untwist–Frobenius–twist endomorphism of E', with
/// c_x = (u+1)^−((q−1)/3) and c_y = (u+1)^−((q−1)/2), computed once.
fn psi(x: &Fq2, y: &Fq2) -> (Fq2, Fq2) {
    static COEFFS: OnceLock<(Fq2, Fq2)> = OnceLock::new();
    let (cx, cy) = COEFFS.get_or_init(|| {
        let q_minus_1 = BigUint::from_bytes_le(&Fq::MODULUS.to_bytes_le()) - 1u32;
        let power = |divisor: u32| {
            let exponent = (&q_minus_1 / divisor).to_u64_digits();
            Fq2::new(Fq::one(), Fq::one()).pow(exponent).inverse().expect("u+1 is invertible")
        };
        (power(3), power(2))
    });
    let conjugate = |v: &Fq2| Fq2::new(v.c0, -v.c1);
    (conjugate(x) * cx, conjugate(y) * cy)
}

#[cfg(test)]
mod tests {
    use ark_bls12_381::{Fr, G2Projective};
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_std::UniformRand;

    use super::*;

    #[test]
    fn lines_equal_arkworks_and_the_check_agrees_with_arkworks() {
        let mut rng = ark_std::test_rng();
        for _ in 0..8 {
            let b = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
            let (ours, in_subgroup) = prepare_and_check(&b);
            assert_eq!(ours.ell_coeffs, G2Prepared::<Config>::from(b).ell_coeffs);
            assert!(in_subgroup);
        }
        // Points on the curve outside the subgroup: some x with a y, no cofactor cleared.
        let mut outside = 0;
        for x in 1u64..40 {
            let Some(p) = G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(x), Fq::from(3u64)), false) else {
                continue;
            };
            assert_eq!(prepare_and_check(&p).1, p.is_in_correct_subgroup_assuming_on_curve(), "x = {x}");
            outside += usize::from(!p.is_in_correct_subgroup_assuming_on_curve());
        }
        assert!(outside > 5, "the test needs points outside the subgroup");
        assert!(prepare_and_check(&G2Affine::zero()).1);
    }
}
