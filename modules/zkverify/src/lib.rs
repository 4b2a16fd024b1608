//! The `zkverify` module: Groth16 proofs on BLS12-381 verified inside the node.
//!
//! This first part is the verifier core ([`verifier`]): strict decoding of keys, proofs
//! and public inputs (points on curve and in the subgroup, scalars below the field
//! modulus, no trailing bytes), single verification, and batch verification of many
//! proofs with one multi-Miller loop and one final exponentiation. The module (messages,
//! keeper, queries, genesis, gas) is built on it by the zkverify issue.

pub mod verifier;
