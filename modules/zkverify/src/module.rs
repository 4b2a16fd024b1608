use std::sync::Arc;

use serde_json::Value;
use veritas_framework::{
    sdk, Authority, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext, StoreRead,
};
use veritas_proto::zkverify::v1 as pb;
use veritas_proto::zkverify::v1::{MSG_REGISTER_VERIFYING_KEY, MSG_UPDATE_PARAMS, MSG_VERIFY_PROOF};

use crate::genesis::GenesisState;
use crate::keeper::{decode_record, VERIFIED_PREFIX, VK_PREFIX};
use crate::{batch, msgs, queries, ZkKeeper};

/// The `zkverify` module.
#[derive(Clone)]
pub struct ZkVerifyModule {
    keeper: ZkKeeper,
    /// Who may change the params (`MsgUpdateParams`).
    authority: Arc<dyn Authority>,
}

impl ZkVerifyModule {
    pub fn new(authority: Arc<dyn Authority>) -> Self {
        Self { keeper: ZkKeeper::default(), authority }
    }

    pub fn keeper(&self) -> &ZkKeeper {
        &self.keeper
    }
}

impl Module for ZkVerifyModule {
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
        let genesis = GenesisState::validated(genesis)?;
        self.keeper.set_params(ctx, &genesis.params)?;
        for record in &genesis.keys {
            self.keeper.set_key_record(ctx, record)?;
        }
        for (proof_id, record) in &genesis.proofs {
            self.keeper.record_proof(ctx, proof_id, record)?;
        }
        Ok(())
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut kv = ctx.kv(&ZkKeeper::store_key());
        let params = self.keeper.params(&mut kv)?;
        let keys = kv
            .scan_all(VK_PREFIX)?
            .into_iter()
            .map(|(_, raw)| decode_record::<pb::VerifyingKeyRecord>(&raw, "verifying key record"))
            .collect::<Result<_, _>>()?;
        let proofs = kv
            .scan_all(VERIFIED_PREFIX)?
            .into_iter()
            .map(|(key, raw)| {
                let id = String::from_utf8_lossy(&key[VERIFIED_PREFIX.len()..]).into_owned();
                Ok((id, decode_record::<pb::VerifiedProof>(&raw, "verified proof record")?))
            })
            .collect::<Result<_, Error>>()?;
        serde_json::to_value(GenesisState::from_records(params, keys, proofs)).map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[MSG_REGISTER_VERIFYING_KEY, MSG_VERIFY_PROOF, MSG_UPDATE_PARAMS]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        let parsed = msgs::parse(msg)?;
        Ok(DecodedMsg::new(msg.type_url, msgs::signers(&parsed), parsed))
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        msgs::deliver(&self.keeper, self.authority.as_ref(), ctx, msg.value()?)
    }

    fn prepare_block(&self, committed: &QueryContext<'_>, msgs: &[&DecodedMsg]) {
        batch::prepare_block(&self.keeper, committed, msgs);
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::ZkVerifyCli)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        queries::answer(&self.keeper, ctx, path, data)
    }
}
