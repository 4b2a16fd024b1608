//! BLS12-381: B's lines and subgroup test in one pass (see `bls12_381_lines`), and a
//! multi-Miller loop over prepared lines borrowed, not copied.

use ark_bls12_381::{Bls12_381, Config, Fq, Fq12, G1Affine, G2Affine};
use ark_ec::bls12::{g2::EllCoeff, Bls12Config, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::AffineRepr;
use ark_ff::{BitIteratorBE, CyclotomicMultSubgroup, Field, One};
use ark_serialize::{CanonicalSerialize, Compress};
use rayon::prelude::*;

use super::{all_chunks_below, Curve, CurveId, DecodeFailure};

/// Pairs per Miller-loop accumulator: enough to share the F_q12 squarings (arkworks
/// uses 4), few enough that their prepared lines (about 20 KB each) stay in a core's
/// L2 cache (measured on the block bench: 8 and 16 beat both 4 and 32).
const PAIRS_PER_ACCUMULATOR: usize = 8;

impl Curve for Bls12_381 {
    type G1Config = ark_bls12_381::g1::Config;
    type G2Config = ark_bls12_381::g2::Config;

    const ID: CurveId = CurveId::Bls12_381;

    fn fq2(c0: Self::BaseField, c1: Self::BaseField) -> ark_bls12_381::Fq2 {
        ark_bls12_381::Fq2::new(c0, c1)
    }

    fn prepare_and_check_b(b: &G2Affine) -> (G2Prepared<Config>, bool) {
        super::bls12_381_lines::prepare_and_check(b)
    }

    fn multi_miller_loop_ref(g1: &[G1Affine], g2: &[&G2Prepared<Config>]) -> MillerLoopOutput<Self> {
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

    /// gnark's BLS12-381 raw encoding is the ZCash one, as arkworks writes it.
    fn gnark_raw_g1(p: &G1Affine) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(96);
        p.serialize_uncompressed(&mut bytes).expect("writing to a Vec cannot fail");
        bytes
    }

    /// ZCash encoding: flags in the top three bits of byte 0, big-endian coordinates.
    fn decode_failure(encoded: &[u8], compress: Compress) -> DecodeFailure {
        let mut coordinates = encoded.to_vec();
        let flags = coordinates[0] >> 5;
        coordinates[0] &= 0b0001_1111;
        if !all_chunks_below::<Fq>(&coordinates, 48, true) {
            DecodeFailure::CoordinateTooLarge
        } else if matches!(compress, Compress::Yes) && flags & 0b110 == 0b100 {
            DecodeFailure::NoPointWithX
        } else {
            DecodeFailure::BadFlags
        }
    }
}

/// Multiplies `f` by a line evaluated at `p` (BLS12-381 has an M-type twist).
fn line(f: &mut Fq12, coeffs: &EllCoeff<Config>, p: &G1Affine) {
    let (c0, mut c1, mut c2) = *coeffs;
    c2.mul_assign_by_fp(&p.y);
    c1.mul_assign_by_fp(&p.x);
    f.mul_by_014(&c0, &c1, &c2);
}
