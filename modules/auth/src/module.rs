use std::sync::Arc;

use serde_json::Value;
use veritas_framework::{sdk, Authority, Context, DecodedMsg, Error, Module, Msg, MsgResponse, QueryContext};

use crate::keeper::{all_accounts, read_params};
use crate::{AccountKeeper, GenesisAccount, GenesisPubKey, GenesisState};

/// The `auth` module. The ante handler drives its accounts; its one message is the
/// authority's `MsgUpdateParams`.
#[derive(Clone)]
pub struct AuthModule {
    keeper: AccountKeeper,
    /// Who may change the params.
    authority: Arc<dyn Authority>,
}

impl AuthModule {
    pub fn new(authority: Arc<dyn Authority>) -> Self {
        Self { keeper: AccountKeeper, authority }
    }
}

impl Module for AuthModule {
    fn cli(&self) -> Option<&dyn veritas_framework::cli::ModuleCli> {
        Some(&crate::AuthCli)
    }

    fn name(&self) -> &'static str {
        crate::NAME
    }

    fn default_genesis(&self) -> Value {
        serde_json::to_value(GenesisState::default()).expect("serialisable")
    }

    fn validate_genesis(&self, genesis: &Value) -> Result<(), Error> {
        GenesisState::from_json(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context<'_>, genesis: &Value) -> Result<(), Error> {
        let state = GenesisState::from_json(genesis)?;
        self.keeper.set_params(ctx, &state.params)?;
        let mut next = 0u64;
        for account in &state.accounts {
            let base = cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount {
                address: account.address.clone(),
                pub_key: account.pub_key.as_ref().map(|k| k.to_any()).transpose()?,
                account_number: account.account_number,
                sequence: account.sequence,
            };
            self.keeper.set_account(ctx, &base)?;
            next = next.max(
                account
                    .account_number
                    .checked_add(1)
                    .ok_or_else(|| sdk::invalid_request("account number too large"))?,
            );
        }
        self.keeper.set_next_number(ctx, next)
    }

    fn export_genesis(&self, ctx: &QueryContext<'_>) -> Result<Value, Error> {
        let mut kv = ctx.kv(&AccountKeeper::store_key());
        let params = read_params(&mut kv)?;
        let accounts = all_accounts(&mut kv)?
            .into_iter()
            .map(|a| {
                Ok(GenesisAccount {
                    pub_key: a.pub_key.as_ref().map(GenesisPubKey::from_any).transpose()?,
                    address: a.address,
                    account_number: a.account_number,
                    sequence: a.sequence,
                })
            })
            .collect::<Result<_, Error>>()?;
        serde_json::to_value(GenesisState { params, accounts }).map_err(|e| sdk::internal(e.to_string()))
    }

    fn msg_type_urls(&self) -> &'static [&'static str] {
        &[crate::msgs::MSG_UPDATE_PARAMS]
    }

    fn decode_msg(&self, msg: &Msg<'_>) -> Result<DecodedMsg, Error> {
        crate::msgs::decode(msg)
    }

    fn deliver_msg(&self, ctx: &mut Context<'_>, msg: &DecodedMsg) -> Result<MsgResponse, Error> {
        crate::msgs::deliver(&self.keeper, self.authority.as_ref(), ctx, msg)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        crate::queries::PATHS
    }

    fn query(&self, ctx: &QueryContext<'_>, path: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        crate::queries::answer(ctx, path, data)
    }
}
