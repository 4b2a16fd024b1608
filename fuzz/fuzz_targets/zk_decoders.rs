//! Every zkverify decoder a user's bytes reach: keys, proofs and public inputs in the
//! wire encoding, and the snarkjs (JSON) and arkworks file formats. The first byte picks
//! the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veritas_zkverify::encoding;
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    match selector % 8 {
        0 => {
            if encoding::verifying_key_input_count(bytes).is_ok() {
                let _ = encoding::decode_verifying_key(bytes);
            }
        }
        1 => {
            if encoding::check_proof_length(bytes).is_ok() {
                let _ = encoding::decode_proof(bytes);
                let _ = encoding::decode_proof_deferring_b_subgroup(bytes);
            }
        }
        2 => {
            let inputs: Vec<&[u8]> = bytes.chunks(32).collect();
            let _ = encoding::decode_public_inputs(&inputs);
        }
        3 => drop(read_verifying_key(bytes, Format::Snarkjs)),
        4 => drop(read_proof(bytes, Format::Snarkjs)),
        5 => drop(read_public_inputs(bytes, Format::Snarkjs)),
        6 => {
            let _ = read_verifying_key(bytes, Format::Arkworks);
            let _ = read_proof(bytes, Format::Arkworks);
        }
        _ => drop(read_public_inputs(bytes, Format::Arkworks)),
    }
});
