//! The `poa` codespace: one code per way a validator change can be refused.

pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// A consensus key that is not 32 bytes, or not a canonical ed25519 point of the
    /// prime-order subgroup (CometBFT cannot use it).
    invalid_pub_key = 2;
    /// A voting power outside 1..=`MAX_TOTAL_VOTING_POWER`.
    invalid_power = 3;
    /// A moniker over 70 bytes or with control characters.
    invalid_moniker = 4;
    /// A removal of a key that is not in the set.
    unknown_validator = 5;
    /// A second change of the same validator in one block.
    already_updated = 6;
    /// A change that would make the block remove a third or more of the power the set
    /// had when the block began.
    too_much_power_removed = 7;
    /// A removal of the last validator.
    empty_validator_set = 8;
    /// A change that would take the total power above `MAX_TOTAL_VOTING_POWER`.
    total_power_exceeded = 9;
    /// A `MsgSetValidator` that changes nothing (same power and moniker).
    no_change = 10;
    /// An invalid genesis section, or no validators at all at InitChain.
    invalid_genesis = 11;
    /// A query for a validator that is not in the set.
    not_found = 12;
    /// A malformed query (neither or both of pub_key and address, a bad address).
    invalid_request = 13;
}
