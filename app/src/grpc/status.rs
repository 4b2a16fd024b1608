//! ABCI query errors as gRPC statuses, the way the Cosmos SDK's gRPC server maps them.

use tonic::{Code, Status};
use veritas_framework::sdk;

/// The gRPC status for a failed query answered with `codespace`/`code`/`log`.
///
/// Handlers that speak for a gRPC status put it in the log as Go's gRPC prints it
/// (`rpc error: code = NotFound desc = ...`, which CosmJS matches over ABCI); that
/// status is returned as is. Other errors map by their SDK code.
pub fn from_abci(codespace: &str, code: u32, log: &str) -> Status {
    if let Some((code, desc)) = parse_go_status(log) {
        return Status::new(code, desc);
    }
    let grpc_code = if codespace == sdk::CODESPACE {
        match code {
            1 | 39 => Code::Internal,
            6 => Code::Unimplemented,
            7 | 10 | 18 | 26 | 28 => Code::InvalidArgument,
            22 | 38 => Code::NotFound,
            37 => Code::Unimplemented,
            _ => Code::Unknown,
        }
    } else if log.contains("not found") {
        Code::NotFound
    } else {
        Code::Unknown
    };
    Status::new(grpc_code, format!("{log}: codespace {codespace} code {code}"))
}

/// `rpc error: code = NotFound desc = account x not found` → (NotFound, "account x not found").
fn parse_go_status(log: &str) -> Option<(Code, String)> {
    let rest = log.strip_prefix("rpc error: code = ")?;
    let (name, desc) = rest.split_once(" desc = ")?;
    let code = match name {
        "Canceled" => Code::Cancelled,
        "InvalidArgument" => Code::InvalidArgument,
        "NotFound" => Code::NotFound,
        "AlreadyExists" => Code::AlreadyExists,
        "PermissionDenied" => Code::PermissionDenied,
        "FailedPrecondition" => Code::FailedPrecondition,
        "Unimplemented" => Code::Unimplemented,
        "Internal" => Code::Internal,
        "Unavailable" => Code::Unavailable,
        _ => Code::Unknown,
    };
    Some((code, desc.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_statuses_keep_their_code_and_description() {
        let status = from_abci("sdk", 22, "rpc error: code = NotFound desc = account veritas1x not found");
        assert_eq!(status.code(), Code::NotFound);
        assert_eq!(status.message(), "account veritas1x not found");
    }

    #[test]
    fn sdk_codes_map_to_grpc_codes() {
        assert_eq!(from_abci("sdk", 26, "height 9 is in the future").code(), Code::InvalidArgument);
        assert_eq!(from_abci("sdk", 6, "unknown query path").code(), Code::Unimplemented);
        assert_eq!(from_abci("sdk", 1, "corrupt channel").code(), Code::Internal);
        assert_eq!(from_abci("ibc", 5, "client 07-tendermint-9 not found").code(), Code::NotFound);
        let other = from_abci("zkverify", 10, "invalid proof");
        assert_eq!(other.code(), Code::Unknown);
        assert!(other.message().contains("codespace zkverify code 10"), "{}", other.message());
    }
}
