//! Protobuf types of Veritas' own modules (`proto/veritas/...`).
//!
//! Cosmos SDK and IBC types come from `cosmos-sdk-proto` / `ibc-proto`; only types
//! Veritas defines itself (such as `veritas.zkverify.v1`) are generated here.
