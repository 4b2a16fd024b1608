//! The transaction path. Veritas speaks the Cosmos SDK tx format (TxRaw,
//! SIGN_MODE_DIRECT); until that pipeline lands, every transaction is refused
//! with one clear, stable code rather than guessed at.

use tendermint_proto::v0_38::abci::{ExecTxResult, ResponseCheckTx};
use veritas_framework::{sdk, Error};

fn not_accepted() -> Error {
    sdk::not_supported("this node does not accept transactions yet: the Cosmos transaction pipeline is not enabled in this version")
}

pub fn check(_raw: &[u8]) -> ResponseCheckTx {
    let err = not_accepted();
    ResponseCheckTx {
        code: err.code(),
        codespace: err.codespace().to_owned(),
        log: err.log().to_owned(),
        ..Default::default()
    }
}

pub fn deliver(_raw: &[u8]) -> ExecTxResult {
    let err = not_accepted();
    ExecTxResult {
        code: err.code(),
        codespace: err.codespace().to_owned(),
        log: err.log().to_owned(),
        ..Default::default()
    }
}
