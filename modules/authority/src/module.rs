use serde_json::Value;
use veritas_framework::{sdk, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext};

use crate::genesis::GenesisState;
use crate::{msgs, queries, AuthorityKeeper};

/// The `authority` module.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuthorityModule {
    keeper: AuthorityKeeper,
}

impl AuthorityModule {
    pub fn new() -> Self {
        Self::default()
    }

    /// The keeper other modules check governed messages with.
    pub fn keeper(&self) -> AuthorityKeeper {
        self.keeper
    }
}

impl Module for AuthorityModule {
    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn indexed_events(&self) -> &'static [&'static str] {
        crate::events::INDEXED
    }

    /// Added after chains existed: a genesis without this section means its default.
    fn genesis_section_required(&self) -> bool {
        false
    }

    fn default_genesis(&self) -> Value {
        serde_json::to_value(GenesisState::default()).expect("serialisable")
    }

    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        GenesisState::validated(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        // No authority writes nothing, so chains from before this module keep their keys.
        match GenesisState::validated(genesis)? {
            Some(authority) => self.keeper.set_authority(ctx, &authority),
            None => Ok(()),
        }
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let authority = self.keeper.authority(&mut ctx.kv(&AuthorityKeeper::store_key()))?;
        serde_json::to_value(GenesisState { authority: authority.map(|a| a.to_bech32()).unwrap_or_default() })
            .map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[crate::MSG_UPDATE_AUTHORITY]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        msgs::decode(msg)
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        msgs::deliver(&self.keeper, ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        queries::answer(&self.keeper, ctx, path, data)
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::AuthorityCli)
    }
}
