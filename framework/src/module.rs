use std::any::Any;

use serde_json::Value;

use crate::{sdk, Address, Context, Error, QueryContext};

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

/// A message decoded and checked once, by its module, and carried from the stateless
/// checks to block preparation and execution: its type URL, the addresses that must
/// sign it (in order), and the module's own typed value.
pub struct DecodedMsg {
    type_url: String,
    signers: Vec<Address>,
    value: Box<dyn Any + Send + Sync>,
}

impl DecodedMsg {
    pub fn new<T: Any + Send + Sync>(type_url: &str, signers: Vec<Address>, value: T) -> Self {
        Self { type_url: type_url.to_owned(), signers, value: Box::new(value) }
    }

    pub fn type_url(&self) -> &str {
        &self.type_url
    }

    /// Who must sign this message, in order; the first is its sender in events.
    pub fn signers(&self) -> &[Address] {
        &self.signers
    }

    /// The module's typed message; an internal error if it holds another type (a
    /// message routed to the wrong module).
    pub fn value<T: Any>(&self) -> Result<&T, Error> {
        self.value
            .downcast_ref::<T>()
            .ok_or_else(|| sdk::internal(format!("message {} holds another module's type", self.type_url)))
    }
}

impl std::fmt::Debug for DecodedMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedMsg").field("type_url", &self.type_url).field("signers", &self.signers).finish()
    }
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

    /// Whether `app_state` must have this module's section. A module added after chains
    /// already existed says `false`: a genesis from before it (which every node of such a
    /// chain keeps) then means its default section.
    fn genesis_section_required(&self) -> bool {
        true
    }

    /// Reads state back into a genesis section (the inverse of `init_genesis`).
    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error>;

    /// Protobuf type URLs of the messages this module handles.
    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[]
    }

    /// Decodes `msg` and runs its stateless checks (well-formed, within limits), once:
    /// the typed message, with its signers, is what execution and block preparation get.
    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        Err(sdk::unknown_request(format!("module {} handles no message {}", self.name(), msg.type_url)))
    }

    /// Executes a message decoded by [`Module::decode_msg`] against state.
    fn deliver_msg(&self, _ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        Err(sdk::unknown_request(format!("module {} handles no message {}", self.name(), msg.type_url())))
    }

    /// Called once per block, before its transactions run, with every message of the
    /// block this module handles whose transaction passed the stateless checks, over
    /// committed state. Lets a module do work for the whole block at once, on all cores
    /// (zkverify verifies the block's proofs in one batch). Handlers may use what it
    /// learns only as a cache of answers they would compute anyway: results and gas must
    /// not depend on it.
    fn prepare_block(&self, _committed: &QueryContext<'_>, _msgs: &[&DecodedMsg]) {}

    /// The events clients search for with `tx_search` (relayers' packet events, a proof
    /// by id, a transfer by recipient): an event type (every attribute) or `type.attribute`.
    /// Together they are app.toml's default `index_events`; nothing else is indexed.
    fn indexed_events(&self) -> &'static [&'static str] {
        &[]
    }

    /// gRPC method paths (`/pkg.Service/Method`) this module answers.
    fn query_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// Answers a protobuf-encoded query with a protobuf-encoded response.
    fn query(&self, _ctx: &QueryContext<'_>, path: &str, _data: &[u8]) -> Result<Vec<u8>, Error> {
        Err(sdk::unknown_request(format!("module {} answers no query {path}", self.name())))
    }

    /// The module's own commands for `veritasd` (see [`crate::cli`]).
    fn cli(&self) -> Option<&dyn crate::cli::ModuleCli> {
        None
    }

    fn begin_block(&self, _ctx: &mut Context<'_>) -> Result<(), Error> {
        Ok(())
    }

    fn end_block(&self, _ctx: &mut Context<'_>) -> Result<(), Error> {
        Ok(())
    }

    /// At InitChain, after every module's genesis: the validators of CometBFT's genesis
    /// file. A module that keeps the validator set (poa) adopts them when its own genesis
    /// names none, and returns the set the chain starts with when it does (CometBFT then
    /// uses that set). Every other module: `None`.
    fn init_validators(
        &self,
        _ctx: &mut Context<'_>,
        _genesis_validators: &[crate::ValidatorUpdate],
    ) -> Result<Option<Vec<crate::ValidatorUpdate>>, Error> {
        Ok(None)
    }

    /// After `end_block`: the validator-set changes this block makes, handed to CometBFT
    /// (they take effect two blocks later). Only the module keeping the set returns any.
    fn validator_updates(&self, _ctx: &mut Context<'_>) -> Result<Vec<crate::ValidatorUpdate>, Error> {
        Ok(Vec::new())
    }
}
