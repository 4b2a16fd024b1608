//! Every zkverify decoder a user's bytes reach: keys, proofs and public inputs in the
//! wire encoding of either curve, and the snarkjs (JSON), arkworks and gnark file
//! formats. The first byte picks the decoder.
#![no_main]

use ark_bls12_381::Bls12_381;
use ark_bn254::Bn254;
use libfuzzer_sys::fuzz_target;
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use veritas_zkverify::{encoding, Curve, CurveId};

fn wire<E: Curve>(kind: u8, bytes: &[u8]) {
    match kind {
        0 => {
            if encoding::verifying_key_input_count::<E>(bytes).is_ok() {
                let _ = encoding::decode_verifying_key::<E>(bytes);
            }
        }
        1 => {
            if encoding::check_proof_length(E::ID, bytes).is_ok() {
                let _ = encoding::decode_proof::<E>(bytes);
                let _ = encoding::decode_proof_deferring_b_subgroup::<E>(bytes);
            }
            let _ = encoding::decode_g1::<E>(bytes, "point");
        }
        _ => {
            let inputs: Vec<&[u8]> = bytes.chunks(32).collect();
            let _ = encoding::decode_public_inputs::<E::ScalarField>(&inputs);
        }
    }
}

fn file(format: Format, bytes: &[u8]) {
    for curve in [None, Some(CurveId::Bls12_381), Some(CurveId::Bn254)] {
        let _ = read_verifying_key(bytes, format, curve);
        let _ = read_proof(bytes, format, curve);
    }
    for curve in CurveId::ALL {
        let _ = read_public_inputs(bytes, format, curve);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    match selector % 9 {
        s @ 0..=2 => wire::<Bls12_381>(s, bytes),
        s @ 3..=5 => wire::<Bn254>(s - 3, bytes),
        6 => file(Format::Snarkjs, bytes),
        7 => file(Format::Arkworks, bytes),
        _ => file(Format::Gnark, bytes),
    }
});
