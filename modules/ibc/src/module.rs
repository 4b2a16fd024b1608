use std::sync::Arc;

use crate::expected_keepers::Tokens;
use ibc::clients::tendermint::types::ConsensusState as TmConsensusStateType;
use ibc::core::commitment_types::commitment::CommitmentRoot;
use ibc::primitives::proto::{Any, Protobuf};
use serde_json::Value;
use veritas_framework::{
    sdk, Authority, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext, StoreRead,
};

use crate::genesis::GenesisState;
use crate::keeper::{host_consensus_key, IbcKeeper};
use crate::{governance, msgs, queries};

/// The `ibc` module.
#[derive(Clone)]
pub struct IbcModule {
    tokens: Arc<dyn Tokens>,
    /// Who may change the params (`MsgUpdateParams`).
    authority: Arc<dyn Authority>,
}

impl IbcModule {
    pub fn new(tokens: Arc<dyn Tokens>, authority: Arc<dyn Authority>) -> Self {
        Self { tokens, authority }
    }
}

impl Module for IbcModule {
    fn indexed_events(&self) -> &'static [&'static str] {
        crate::events::INDEXED
    }

    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn default_genesis(&self) -> Value {
        serde_json::to_value(GenesisState::default()).expect("serialisable")
    }

    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        GenesisState::validated(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        let (params, entries) = GenesisState::validated(genesis)?;
        IbcKeeper::set_params(ctx, &params)?;
        for (key, value) in entries {
            IbcKeeper::store(ctx).set(key, value)?;
        }
        Ok(())
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut kv = IbcKeeper::read(ctx);
        let params = IbcKeeper::params(&mut kv)?;
        let state = GenesisState::from_entries(params, kv.scan_all(b"")?)?;
        serde_json::to_value(state).map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        msgs::TYPE_URLS
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        if msg.type_url == governance::MSG_UPDATE_PARAMS {
            return governance::decode(msg);
        }
        let parsed = msgs::parse(msg)?;
        Ok(DecodedMsg::new(msg.type_url, vec![msgs::signer(&parsed)?], parsed))
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        if msg.type_url() == governance::MSG_UPDATE_PARAMS {
            return governance::deliver(self.authority.as_ref(), ctx, msg);
        }
        msgs::deliver(&self.tokens, ctx, msg)
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::IbcCli)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        queries::answer(ctx, path, data)
    }

    /// Records this chain's consensus state for the block's height (what a light
    /// client of Veritas stores from the header: time, app hash root, next validators
    /// hash) and forgets the one `historical_entries` heights back.
    fn begin_block(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        let block = ctx.block().clone();
        if block.last_app_hash.is_empty() || block.next_validators_hash.is_empty() {
            return Ok(());
        }
        let time = tendermint::Time::from_unix_timestamp(block.time.seconds, block.time.nanos.max(0) as u32)
            .map_err(|e| sdk::internal(format!("block time: {e}")))?;
        let next_validators =
            tendermint::Hash::from_bytes(tendermint::hash::Algorithm::Sha256, &block.next_validators_hash)
                .map_err(|e| sdk::internal(format!("next validators hash: {e}")))?;
        let state = TmConsensusStateType::new(CommitmentRoot::from_bytes(&block.last_app_hash), time, next_validators);
        let raw = Protobuf::<Any>::encode_vec(ibc::clients::tendermint::consensus_state::ConsensusState::from(state));
        let params = IbcKeeper::params(&mut IbcKeeper::store(ctx))?;
        let mut kv = IbcKeeper::store(ctx);
        kv.set(host_consensus_key(block.height), raw)?;
        if let Some(old) = block.height.checked_sub(params.historical_entries) {
            kv.delete(host_consensus_key(old))?;
        }
        Ok(())
    }
}
