//! Panic containment at the transaction, query and hook boundaries, as the Cosmos SDK's
//! `runTx` recovers: a panic becomes an [`Error`] (codespace `sdk`, code 111222) for the
//! one transaction, query or hook that caused it, and the node goes on.
//!
//! Deterministic by construction: the error depends only on the panic message, and the
//! caller discards every write the panicking part made (it ran in its own overlay).
//! Needs `panic = "unwind"` (the workspace profiles say so explicitly).

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::{sdk, Error};

/// Runs `f`, turning a panic into [`sdk::panicked`] with the panic's message.
///
/// `f` may hold `&mut` borrows (gas meter, overlays): after a panic the caller must treat
/// what they point to as partial, and drop the writes; the gas consumed up to the panic
/// stays readable and is the same on every node.
pub fn contain<T>(f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(sdk::panicked(format!("panic: {}", panic_message(payload.as_ref())))),
    }
}

/// Whether `err` is a contained panic (see [`contain`]).
pub fn is_panic(err: &Error) -> bool {
    err.codespace() == sdk::CODESPACE && err.code() == sdk::PANIC_CODE
}

/// The text a panic was raised with (`panic!("...")`, `expect("...")`), or a placeholder.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_sdk_panic_error_and_results_pass_through() {
        // Runs in the release profile too (scripts/test.sh), so it also checks that the
        // profile unwinds: with panic = "abort" this test would kill the test binary.
        let err = contain::<()>(|| panic!("boom at {}", 7)).unwrap_err();
        assert_eq!((err.codespace(), err.code()), ("sdk", 111222));
        assert_eq!(err.log(), "panic: boom at 7");
        assert!(is_panic(&err));

        let err = contain::<()>(|| Err(sdk::invalid_request("no"))).unwrap_err();
        assert!(!is_panic(&err));
        assert_eq!(contain(|| Ok(5)).unwrap(), 5);

        let mut consumed = 0;
        let err = contain::<()>(|| {
            consumed += 3;
            let v: Option<u8> = std::hint::black_box(None);
            v.expect("no value");
            Ok(())
        })
        .unwrap_err();
        assert_eq!(consumed, 3, "what ran before the panic stays visible to the caller");
        assert_eq!(err.log(), "panic: no value");
    }
}
