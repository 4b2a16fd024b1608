//! `veritasd query auth account <address>`.

use base64::Engine as _;
use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, QueryAccountRequest, QueryAccountResponse};
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
use prost::Message;
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient};

/// Account queries.
#[derive(Debug, Subcommand)]
enum AuthQuery {
    /// An account's number, sequence and public key.
    Account { address: String },
    /// The Cosmos SDK auth params (what `tx authority update-params auth` sets).
    Params,
}

/// The auth module's command line.
pub struct AuthCli;

impl ModuleCli for AuthCli {
    fn update_params_msg(
        &self,
        authority: &veritas_framework::Address,
        params: &Value,
    ) -> Option<anyhow::Result<cosmos_sdk_proto::Any>> {
        Some((|| {
            let params: crate::Params = serde_json::from_value(params.clone())
                .map_err(|e| anyhow::anyhow!("auth params (as in its genesis `params`): {e}"))?;
            if !params.min_gas_prices.is_empty() {
                anyhow::bail!(
                    "min_gas_prices is not among the Cosmos SDK's auth params that MsgUpdateParams carries; leave it out (it keeps its value)"
                );
            }
            params.validate().map_err(|e| anyhow::anyhow!("{}", e.log()))?;
            let msg = cosmos_sdk_proto::cosmos::auth::v1beta1::MsgUpdateParams {
                authority: authority.to_bech32(),
                params: Some(params.to_proto()),
            };
            Ok(cosmos_sdk_proto::Any { type_url: crate::MSG_UPDATE_PARAMS.into(), value: msg.encode_to_vec() })
        })())
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![AuthQuery::augment_subcommands(Command::new(crate::NAME).about("Account queries"))]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        let address = match AuthQuery::from_arg_matches(matches)? {
            AuthQuery::Account { address } => address,
            AuthQuery::Params => {
                use cosmos_sdk_proto::cosmos::auth::v1beta1::{QueryParamsRequest, QueryParamsResponse};
                let (r, height): (QueryParamsResponse, _) =
                    query(client, crate::queries::PARAMS, &QueryParamsRequest {})?;
                let p = r.params.unwrap_or_default();
                return Ok(json!({
                    "params": {
                        "max_memo_characters": p.max_memo_characters,
                        "tx_sig_limit": p.tx_sig_limit,
                        "tx_size_cost_per_byte": p.tx_size_cost_per_byte,
                        "sig_verify_cost_secp256k1": p.sig_verify_cost_secp256k1,
                    },
                    "height": height.to_string(),
                }));
            }
        };
        let request = QueryAccountRequest { address: address.clone() };
        let (response, _): (QueryAccountResponse, _) = query(client, "/cosmos.auth.v1beta1.Query/Account", &request)
            .map_err(|e| {
                if e.to_string().contains("NotFound") {
                    anyhow::anyhow!("account {address} not found")
                } else {
                    e
                }
            })?;
        let any = response.account.ok_or_else(|| anyhow::anyhow!("the node answered without an account"))?;
        let account = BaseAccount::decode(any.value.as_slice())?;
        let pub_key = account.pub_key.as_ref().and_then(|any| {
            PubKey::decode(any.value.as_slice()).ok().map(
                |k| json!({ "@type": any.type_url, "key": base64::engine::general_purpose::STANDARD.encode(&k.key) }),
            )
        });
        Ok(json!({
            "@type": crate::BASE_ACCOUNT_TYPE_URL,
            "address": account.address,
            "pub_key": pub_key,
            "account_number": account.account_number.to_string(),
            "sequence": account.sequence.to_string(),
        }))
    }
}
