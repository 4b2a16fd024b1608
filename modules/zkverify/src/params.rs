//! Module parameters: the input limit and the gas table (see docs/architecture.md,
//! "zkverify gas", for the benchmark figures behind the defaults).
use serde::{Deserialize, Serialize};
use veritas_framework::Error;
use veritas_proto::zkverify::v1 as pb;

use crate::curves::CurveId;
use crate::encoding::HARD_MAX_PUBLIC_INPUTS;
use crate::errors;

/// Gas per microsecond of verifier work, at the rate the rest of a block runs: a full
/// block of bank sends executes at about 2 ns per gas (500 gas/µs) on the 2-core dev
/// machine, and a block of proofs that fail (the batch falls back to verifying them one
/// by one) may take at most three times as long (`cargo bench -p veritas-app --bench
/// worst_case`), so verifier work is priced at 160 gas/µs.
pub const GAS_PER_MICROSECOND: u64 = 160;

/// Gas of preparing a registered key for verification (`prepare_verifying_key`: one
/// pairing and two G2 line precomputations), at [`GAS_PER_MICROSECOND`]: measured at
/// 1.26 ms on the 2-core dev machine (`cargo bench -p veritas-zkverify --bench verify`,
/// `register_prepare_key`), charged as 2 ms (BN254 keys are cheaper).
pub const KEY_PREPARATION_GAS: u64 = 2_000 * GAS_PER_MICROSECOND;

/// Defaults of the BN254 and commitment gas params, used where a chain's stored params
/// leave them unset (0): chains that began before BN254 keep their params bytes (and so
/// their app hashes), and still price BN254 proofs. Measured one by one from bytes in
/// the same bench run as BLS12-381 and scaled to the machine the BLS12-381 table was
/// measured on (docs/architecture.md, "zkverify gas"): BN254 1.27 ms + 0.109 ms per
/// input; a gnark commitment adds 1.76 ms on BLS12-381 (0.9 ms on BN254): its hash, a G1
/// decode, the proof of knowledge's pairings. One price per commitment, the dearer curve's.
const DEFAULT_BN254_VERIFY_GAS_BASE: u64 = 1_300 * GAS_PER_MICROSECOND;
const DEFAULT_BN254_VERIFY_GAS_PER_INPUT: u64 = 110 * GAS_PER_MICROSECOND;
const DEFAULT_VERIFY_GAS_PER_COMMITMENT: u64 = 2_000 * GAS_PER_MICROSECOND;

fn is_zero(v: &u64) -> bool {
    *v == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The most public inputs a registered key may have.
    pub max_public_inputs: u32,
    /// Gas per byte of a key registered (decoding and subgroup checks of its points).
    pub register_gas_per_byte: u64,
    /// Gas of one BLS12-381 proof verification with no public input.
    pub verify_gas_base: u64,
    /// Gas per public input of a verified BLS12-381 proof.
    pub verify_gas_per_input: u64,
    /// The same for BN254 (0: the built-in default).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bn254_verify_gas_base: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bn254_verify_gas_per_input: u64,
    /// Gas per gnark commitment of a proof, on either curve (0: the built-in default).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub verify_gas_per_commitment: u64,
}

impl Default for Params {
    fn default() -> Self {
        // One by one from bytes: 1.78 ms + 0.17 ms per input, at most 1.7 µs per key byte.
        Self {
            max_public_inputs: 64,
            register_gas_per_byte: 17 * GAS_PER_MICROSECOND / 10,
            verify_gas_base: 1_800 * GAS_PER_MICROSECOND,
            verify_gas_per_input: 170 * GAS_PER_MICROSECOND,
            bn254_verify_gas_base: 0,
            bn254_verify_gas_per_input: 0,
            verify_gas_per_commitment: 0,
        }
    }
}

fn or_default(value: u64, default: u64) -> u64 {
    if value == 0 {
        default
    } else {
        value
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), Error> {
        if self.max_public_inputs == 0 || self.max_public_inputs as usize > HARD_MAX_PUBLIC_INPUTS {
            return Err(errors::invalid_params(format!(
                "max_public_inputs must be between 1 and {HARD_MAX_PUBLIC_INPUTS}, got {}",
                self.max_public_inputs
            )));
        }
        if self.register_gas_per_byte == 0 || self.verify_gas_base == 0 || self.verify_gas_per_input == 0 {
            return Err(errors::invalid_params("gas costs must be positive"));
        }
        Ok(())
    }

    /// The per-proof and per-input gas of `curve`, defaults applied.
    pub fn curve_gas(&self, curve: CurveId) -> (u64, u64) {
        match curve {
            CurveId::Bls12_381 => (self.verify_gas_base, self.verify_gas_per_input),
            CurveId::Bn254 => (
                or_default(self.bn254_verify_gas_base, DEFAULT_BN254_VERIFY_GAS_BASE),
                or_default(self.bn254_verify_gas_per_input, DEFAULT_BN254_VERIFY_GAS_PER_INPUT),
            ),
        }
    }

    /// Gas per gnark commitment, default applied.
    pub fn commitment_gas(&self) -> u64 {
        or_default(self.verify_gas_per_commitment, DEFAULT_VERIFY_GAS_PER_COMMITMENT)
    }

    /// Gas of verifying one proof on `curve` with `inputs` public inputs and
    /// `commitments` gnark commitments.
    pub fn verify_gas(&self, curve: CurveId, inputs: usize, commitments: usize) -> u64 {
        let (base, per_input) = self.curve_gas(curve);
        base.saturating_add(per_input.saturating_mul(inputs as u64))
            .saturating_add(self.commitment_gas().saturating_mul(commitments as u64))
    }

    /// Gas of registering a key of `bytes` bytes: decoding and checking its points, per
    /// byte, plus its one-time preparation (the pairing e(α, β) and γ's and δ's G2 lines).
    pub fn register_gas(&self, bytes: usize) -> u64 {
        self.register_gas_per_byte.saturating_mul(bytes as u64).saturating_add(KEY_PREPARATION_GAS)
    }

    pub fn to_proto(self) -> pb::Params {
        pb::Params {
            max_public_inputs: self.max_public_inputs,
            register_gas_per_byte: self.register_gas_per_byte,
            verify_gas_base: self.verify_gas_base,
            verify_gas_per_input: self.verify_gas_per_input,
            bn254_verify_gas_base: self.bn254_verify_gas_base,
            bn254_verify_gas_per_input: self.bn254_verify_gas_per_input,
            verify_gas_per_commitment: self.verify_gas_per_commitment,
        }
    }

    pub fn from_proto(p: &pb::Params) -> Self {
        Self {
            max_public_inputs: p.max_public_inputs,
            register_gas_per_byte: p.register_gas_per_byte,
            verify_gas_base: p.verify_gas_base,
            verify_gas_per_input: p.verify_gas_per_input,
            bn254_verify_gas_base: p.bn254_verify_gas_base,
            bn254_verify_gas_per_input: p.bn254_verify_gas_per_input,
            verify_gas_per_commitment: p.verify_gas_per_commitment,
        }
    }
}
