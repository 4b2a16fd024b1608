use std::borrow::Cow;
use std::fmt;

/// An error as ABCI reports it: a codespace, a non-zero code and a readable log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    codespace: Cow<'static, str>,
    code: u32,
    log: String,
}

impl Error {
    /// `code` 0 means success in ABCI, so it is mapped to 1 (internal).
    pub fn new(codespace: impl Into<Cow<'static, str>>, code: u32, log: impl Into<String>) -> Self {
        Self { codespace: codespace.into(), code: if code == 0 { 1 } else { code }, log: log.into() }
    }

    pub fn codespace(&self) -> &str {
        &self.codespace
    }

    pub fn code(&self) -> u32 {
        self.code
    }

    pub fn log(&self) -> &str {
        &self.log
    }

    /// Prefixes the log with context, keeping the code.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.log = format!("{what}: {}", self.log);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (codespace {}, code {})", self.log, self.codespace, self.code)
    }
}

impl std::error::Error for Error {}

impl From<veritas_store::StoreError> for Error {
    fn from(err: veritas_store::StoreError) -> Self {
        sdk::io(err.to_string())
    }
}

/// Decodes a protobuf query request; a malformed one is the caller's error (sdk 18).
pub fn decode_request<M: prost::Message + Default>(data: &[u8]) -> Result<M, Error> {
    M::decode(data).map_err(|e| sdk::invalid_request(format!("cannot decode request: {e}")))
}

/// Defines a codespace's error constructors, one `pub fn name(log) -> Error` per code,
/// and `CODES`, every (name, code) pair:
/// `module_errors! { CODESPACE; /// doc\n name = 2; ... }`.
#[macro_export]
macro_rules! module_errors {
    ($codespace:expr; $($(#[$doc:meta])* $name:ident = $code:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(log: impl Into<String>) -> $crate::Error {
                $crate::Error::new($codespace, $code, log)
            }
        )*
        /// Every code of the codespace with its constructor's name.
        pub const CODES: &[(&str, u32)] = &[$((stringify!($name), $code)),*];
    };
}

/// Errors of the app itself, numbered as the Cosmos SDK numbers them in its `sdk`
/// codespace, so clients that already know those codes read ours unchanged.
pub mod sdk {

    pub const CODESPACE: &str = "sdk";

    crate::module_errors! {
        CODESPACE;
        /// A failure that is not the caller's fault.
        internal = 1;
        /// The transaction bytes could not be decoded.
        tx_decode = 2;
        invalid_sequence = 3;
        unauthorized = 4;
        insufficient_funds = 5;
        /// No handler for this message type URL or query path.
        unknown_request = 6;
        invalid_address = 7;
        invalid_pubkey = 8;
        unknown_address = 9;
        invalid_coins = 10;
        out_of_gas = 11;
        memo_too_large = 12;
        insufficient_fee = 13;
        too_many_signatures = 14;
        no_signatures = 15;
        /// The request is malformed.
        invalid_request = 18;
        tx_too_large = 21;
        invalid_height = 26;
        invalid_chain_id = 28;
        tx_timeout_height = 30;
        unknown_extension_options = 31;
        wrong_sequence = 32;
        /// A needed entry does not exist.
        not_found = 38;
        /// Reading or writing state failed.
        io = 39;
        /// The operation is not supported (yet, or at all).
        not_supported = 37;
        invalid_gas_limit = 41;
        /// A panic contained at a transaction, query or hook boundary (the SDK's `ErrPanic`).
        panicked = 111222;
    }

    /// The code of [`panicked`], as the Cosmos SDK numbers its `ErrPanic`.
    pub const PANIC_CODE: u32 = 111222;
}
