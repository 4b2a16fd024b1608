use std::sync::Arc;

use crate::expected_keepers::Accounts;
use serde_json::Value;
use veritas_framework::{
    sdk, Address, Authority, Coin, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext, StoreRead,
};

use crate::genesis::{Balance, DenomMetadata, GenesisState, JsonCoin};
use crate::keeper::{decode_amount, metadata_prefix, supply_prefix};
use crate::{msgs, BankKeeper};

/// The `bank` module.
#[derive(Clone)]
pub struct BankModule {
    keeper: BankKeeper,
    /// Who may change the params (`MsgUpdateParams`).
    authority: Arc<dyn Authority>,
}

impl BankModule {
    pub fn new(accounts: Arc<dyn Accounts>, authority: Arc<dyn Authority>) -> Self {
        Self { keeper: BankKeeper::new(accounts), authority }
    }

    pub fn keeper(&self) -> &BankKeeper {
        &self.keeper
    }
}

impl Module for BankModule {
    fn indexed_events(&self) -> &'static [&'static str] {
        crate::events::INDEXED
    }

    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::BankCli)
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
        for (address, coins) in &genesis.balances {
            for coin in coins.iter() {
                self.keeper.set_balance(ctx, address, coin)?;
            }
            self.keeper.ensure_account(ctx, address)?;
        }
        for coin in genesis.supply.iter() {
            self.keeper.set_supply(ctx, coin)?;
        }
        for metadata in &genesis.metadata {
            self.keeper.set_metadata(ctx, metadata)?;
        }
        if !genesis.params.is_default() {
            self.keeper.set_params(ctx, &genesis.params)?;
        }
        Ok(())
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut kv = ctx.kv(&BankKeeper::store_key());
        let mut balances: Vec<Balance> = Vec::new();
        for (key, raw) in kv.scan_all(b"bal/")? {
            let len = *key.get(4).ok_or_else(|| sdk::internal("corrupt balance key"))? as usize;
            let address =
                Address::from_bytes(key.get(5..5 + len).ok_or_else(|| sdk::internal("corrupt balance key"))?)?;
            let denom = String::from_utf8_lossy(&key[5 + len..]).into_owned();
            let coin = JsonCoin::from(&Coin::new(denom, decode_amount(&raw)?));
            let address = address.to_bech32();
            match balances.last_mut() {
                Some(last) if last.address == address => last.coins.push(coin),
                _ => balances.push(Balance { address, coins: vec![coin] }),
            }
        }
        let supply = kv
            .scan_all(supply_prefix())?
            .into_iter()
            .map(|(key, raw)| {
                let denom = String::from_utf8_lossy(&key[supply_prefix().len()..]).into_owned();
                Ok(JsonCoin::from(&Coin::new(denom, decode_amount(&raw)?)))
            })
            .collect::<Result<_, Error>>()?;
        let denom_metadata = kv
            .scan_all(metadata_prefix())?
            .into_iter()
            .map(|(_, raw)| {
                let m = <cosmos_sdk_proto::cosmos::bank::v1beta1::Metadata as prost::Message>::decode(raw.as_slice())
                    .map_err(|e| sdk::internal(format!("corrupt metadata: {e}")))?;
                Ok(DenomMetadata::from_proto(&m))
            })
            .collect::<Result<_, Error>>()?;
        let params = BankKeeper::params(&mut kv)?;
        serde_json::to_value(GenesisState { balances, supply, denom_metadata, params })
            .map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[msgs::MSG_SEND, msgs::MSG_MULTI_SEND, crate::params::MSG_UPDATE_PARAMS]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        if msg.type_url == crate::params::MSG_UPDATE_PARAMS {
            return crate::params::decode(msg);
        }
        let parsed = msgs::parse(msg)?;
        Ok(DecodedMsg::new(msg.type_url, msgs::signers(&parsed), parsed))
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        if msg.type_url() == crate::params::MSG_UPDATE_PARAMS {
            return crate::params::deliver(&self.keeper, self.authority.as_ref(), ctx, msg);
        }
        msgs::deliver(&self.keeper, ctx, msg.value()?)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        crate::queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        crate::queries::answer(ctx, path, data)
    }
}
