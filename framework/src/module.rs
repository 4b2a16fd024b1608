use serde_json::Value;

use crate::{sdk, Context, Error, QueryContext};

/// A message as carried in a transaction: a protobuf `Any`'s type URL and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg<'a> {
    pub type_url: &'a str,
    pub value: &'a [u8],
}

/// A handler's answer, packed like an `Any` into the tx result's `TxMsgData`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MsgResponse {
    pub type_url: String,
    pub value: Vec<u8>,
}

/// A pluggable module: its own substore (named after the module), genesis section,
/// messages, queries and block hooks.
///
/// Shape every module crate follows: `keeper` (the only code touching the module's
/// store), `msgs` (stateless checks and handlers), `queries`, `genesis`, `events`,
/// `errors` (the module's codespace), and this trait's impl tying them together.
pub trait Module: Send + Sync {
    /// Unique name: the genesis `app_state` section, the substore and the codespace.
    fn name(&self) -> &'static str;

    /// The module's section of a new chain's genesis.
    fn default_genesis(&self) -> Value;

    /// Checks a genesis section without touching state.
    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error>;

    /// Writes a validated genesis section into state.
    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error>;

    /// Reads state back into a genesis section (the inverse of `init_genesis`).
    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error>;

    /// Protobuf type URLs of the messages this module handles.
    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[]
    }

    /// Stateless checks of a message (well-formed, within limits); no state access.
    fn check_msg(&self, msg: &Msg<'_>) -> Result<(), Error> {
        Err(sdk::unknown_request(format!("module {} handles no message {}", self.name(), msg.type_url)))
    }

    /// The addresses that must sign `msg`, in order (called after `check_msg`).
    fn msg_signers(&self, msg: &Msg<'_>) -> Result<Vec<crate::Address>, Error> {
        Err(sdk::unknown_request(format!("module {} handles no message {}", self.name(), msg.type_url)))
    }

    /// Executes a message against state.
    fn deliver_msg(&self, _ctx: &mut Context<'_>, msg: &Msg<'_>) -> Result<MsgResponse, Error> {
        Err(sdk::unknown_request(format!("module {} handles no message {}", self.name(), msg.type_url)))
    }

    /// Called once per block, before its transactions run, with every message of the
    /// block that passed the stateless checks, over committed state. Lets a module do
    /// work for the whole block at once, on all cores (zkverify verifies the block's
    /// proofs in one batch). Handlers may use what it learns only as a cache of answers
    /// they would compute anyway: results and gas must not depend on it.
    fn prepare_block(&self, _committed: &QueryContext<'_>, _msgs: &[Msg<'_>]) {}

    /// gRPC method paths (`/pkg.Service/Method`) this module answers.
    fn query_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// Answers a protobuf-encoded query with a protobuf-encoded response.
    fn query(&self, _ctx: &QueryContext<'_>, path: &str, _data: &[u8]) -> Result<Vec<u8>, Error> {
        Err(sdk::unknown_request(format!("module {} answers no query {path}", self.name())))
    }

    fn begin_block(&self, _ctx: &mut Context<'_>) -> Result<(), Error> {
        Ok(())
    }

    fn end_block(&self, _ctx: &mut Context<'_>) -> Result<(), Error> {
        Ok(())
    }
}
