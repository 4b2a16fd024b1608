use std::sync::Arc;

use serde_json::Value;
use veritas_framework::{
    sdk, Authority, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext, ValidatorUpdate,
};

use crate::genesis::{self, GenesisState};
use crate::{msgs, queries, PoaKeeper};

/// The `poa` module: keeps the validator set and hands its changes to CometBFT.
#[derive(Clone)]
pub struct PoaModule {
    keeper: PoaKeeper,
    /// Who may change the set.
    authority: Arc<dyn Authority>,
}

impl PoaModule {
    /// The module, changing the set only for messages `authority` accepts.
    pub fn new(authority: Arc<dyn Authority>) -> Self {
        Self { keeper: PoaKeeper, authority }
    }

    /// The keeper (reads of the validator set).
    pub fn keeper(&self) -> &PoaKeeper {
        &self.keeper
    }
}

fn as_updates(set: &[veritas_proto::poa::v1::Validator]) -> Result<Vec<ValidatorUpdate>, Error> {
    set.iter()
        .map(|v| {
            let ed25519_pub_key =
                v.pub_key.as_slice().try_into().map_err(|_| sdk::internal("corrupt poa validator key in state"))?;
            Ok(ValidatorUpdate { ed25519_pub_key, power: v.power })
        })
        .collect()
}

impl Module for PoaModule {
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
        let set = GenesisState::validated(genesis)?;
        if set.is_empty() {
            // Nothing to write: `init_validators` adopts CometBFT's set.
            return Ok(());
        }
        self.keeper.init_set(ctx, &set)
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let set = self.keeper.validators(&mut ctx.kv(&PoaKeeper::store_key()))?;
        serde_json::to_value(GenesisState::from_validators(&set)).map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[crate::MSG_SET_VALIDATOR, crate::MSG_REMOVE_VALIDATOR]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        msgs::decode(msg)
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        msgs::deliver(&self.keeper, self.authority.as_ref(), ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        queries::answer(&self.keeper, ctx, path, data)
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::PoaCli)
    }

    /// The poa genesis set if it named one (CometBFT then uses it); otherwise CometBFT's
    /// genesis validators, adopted into state with empty monikers (CometBFT keeps them).
    fn init_validators(
        &self,
        ctx: &mut Context<'_>,
        genesis_validators: &[ValidatorUpdate],
    ) -> Result<Option<Vec<ValidatorUpdate>>, Error> {
        let own = self.keeper.validators(&mut ctx.kv(&PoaKeeper::store_key()))?;
        if !own.is_empty() {
            return as_updates(&own).map(Some);
        }
        if genesis_validators.is_empty() {
            // Nothing to adopt: CometBFT itself refuses to start with an empty set, and
            // in-process harnesses that never run consensus need no validators.
            return Ok(None);
        }
        let adopted = genesis::adopt(genesis_validators)?;
        self.keeper.init_set(ctx, &adopted)?;
        Ok(None)
    }

    fn validator_updates(&self, ctx: &mut Context<'_>) -> Result<Vec<ValidatorUpdate>, Error> {
        self.keeper.take_updates(ctx)
    }
}
