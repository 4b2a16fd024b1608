//! The `zkverify` codespace: one code per way a key, proof or input can be refused, so
//! clients can tell a malformed point from a proof that simply does not verify.

pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// Bytes that are not a canonical encoding (length, flags, coordinate >= p, trailing bytes).
    invalid_encoding = 2;
    /// A point whose coordinates do not satisfy the curve equation.
    point_not_on_curve = 3;
    /// A point on the curve but outside the prime-order subgroup.
    point_not_in_subgroup = 4;
    /// A public input that is not a scalar below the field modulus r.
    input_not_in_field = 5;
    /// The number of public inputs does not match the verifying key.
    wrong_input_count = 6;
    /// A key with more public inputs than the `max_public_inputs` param allows.
    too_many_inputs = 7;
    /// The verifying key is already registered.
    duplicate_verifying_key = 8;
    /// No verifying key with this id is registered.
    unknown_verifying_key = 9;
    /// A well-formed proof that does not verify against the key and inputs.
    proof_invalid = 10;
    /// This exact proof (same key, proof and inputs) is already recorded.
    proof_already_verified = 11;
    /// An id that is not 64 lowercase hex characters.
    invalid_id = 12;
    /// A query for a key or proof record that does not exist.
    not_found = 13;
    /// Invalid module parameters or genesis.
    invalid_params = 14;
    /// A curve that is not BLS12-381 or BN254, or a proof sent for another curve than its key's.
    curve_mismatch = 15;
    /// A proof whose gnark commitments (or their proof of knowledge) do not match its key's.
    commitment_mismatch = 16;
    /// A use of gnark's commitment extension Veritas does not verify (more than
    /// `bsb22::MAX_COMMITMENTS` commitments).
    unsupported_commitments = 17;
}
