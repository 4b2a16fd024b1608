//! The `authority` codespace.

pub const CODESPACE: &str = crate::NAME;

veritas_framework::module_errors! {
    CODESPACE;
    /// A governed message whose `authority` is not the chain's authority.
    invalid_authority = 2;
    /// A governed message on a chain whose genesis named no authority.
    no_authority = 3;
    /// A malformed authority message or genesis (bad address, same authority).
    invalid_request = 4;
}
