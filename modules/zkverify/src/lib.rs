//! The `zkverify` module: registered Groth16 (BLS12-381) verifying keys and proofs
//! verified on chain, batched per block.
//!
//! Empty until the zkverify issue lands.
