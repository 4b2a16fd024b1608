//! `veritasd tx authority update-params|update-authority` and `veritasd query authority`.

use anyhow::Context as _;
use clap::{ArgMatches, Command, FromArgMatches, Subcommand};
use serde_json::{json, Value};
use veritas_framework::cli::{query, ModuleCli, QueryClient, SenderLookup, TxPlan};
use veritas_framework::Address;
use veritas_proto::authority::v1 as pb;

const GROUP: &str = crate::NAME;

#[derive(Debug, Subcommand)]
enum AuthorityTx {
    /// Replace a module's params (signed by the authority, `--from`). <json> is the
    /// module's params as its genesis `params` and `veritasd query <module> params` show
    /// them, inline or `@file.json`; every field must be given.
    UpdateParams {
        /// The module: auth (its SDK fields; min_gas_prices keeps its value), bank, zkverify or ibc.
        module: String,
        /// The complete new params as JSON, or @path to a JSON file.
        params: String,
    },
    /// Hand the authority to another account (signed by the current authority, `--from`).
    UpdateAuthority {
        /// The new authority's address.
        new_authority: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuthorityQuery {
    /// The chain's authority.
    Show,
}

/// The module's command groups.
pub struct AuthorityCli;

impl ModuleCli for AuthorityCli {
    fn tx_commands(&self) -> Vec<Command> {
        vec![AuthorityTx::augment_subcommands(Command::new(GROUP).about("Governance by the chain's authority"))]
    }

    fn tx(&self, _: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        match AuthorityTx::from_arg_matches(matches)? {
            AuthorityTx::UpdateParams { module, params } => {
                let params = read_json(&params)?;
                let authority = sender.sender(None)?;
                let msg = sender.update_params_msg(&module, &authority, &params)?;
                Ok(TxPlan { messages: vec![msg], ..Default::default() })
            }
            AuthorityTx::UpdateAuthority { new_authority } => {
                let new = Address::from_bech32(&new_authority).map_err(|e| anyhow::anyhow!("{}", e.log()))?;
                let authority = sender.sender(None)?;
                let msg = pb::MsgUpdateAuthority { authority: authority.to_bech32(), new_authority: new.to_bech32() };
                Ok(TxPlan::single(pb::MSG_UPDATE_AUTHORITY, &msg))
            }
        }
    }

    fn query_commands(&self) -> Vec<Command> {
        vec![AuthorityQuery::augment_subcommands(Command::new(GROUP).about("The chain's authority"))]
    }

    fn query(&self, _: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        let AuthorityQuery::Show = AuthorityQuery::from_arg_matches(matches)?;
        let (r, height): (pb::QueryAuthorityResponse, _) =
            query(client, pb::QUERY_AUTHORITY, &pb::QueryAuthorityRequest {})?;
        Ok(json!({ "authority": r.authority, "height": height.to_string() }))
    }
}

/// Inline JSON, or `@path` to a JSON file.
fn read_json(arg: &str) -> anyhow::Result<Value> {
    let text = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?,
        None => arg.to_owned(),
    };
    serde_json::from_str(&text).context("the params are not valid JSON")
}
