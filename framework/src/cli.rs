//! A module's own command line: its subcommands under `veritasd tx`, `veritasd query`
//! and (for offline tools) `veritasd`, registered with the app's command line through
//! [`ModuleCli`], as the Cosmos SDK's autocli does. The app supplies the transport
//! (keys, signing, broadcast, ABCI queries, printing); the module builds messages and
//! requests and shapes answers.

use clap::{ArgMatches, Command};
use cosmos_sdk_proto::Any;
use prost::Message;
use serde_json::{Map, Value};

use crate::Address;

/// A module's commands. Each `*_commands` list holds top-level groups (a module may
/// have several, as ibc has `ibc` and `ibc-transfer`); the app routes a parsed group
/// back to the module that declared it.
pub trait ModuleCli: Send + Sync {
    /// Groups under `veritasd tx`.
    fn tx_commands(&self) -> Vec<Command> {
        Vec::new()
    }

    /// The transaction a parsed `veritasd tx <group> ...` asks for.
    fn tx(&self, group: &str, matches: &ArgMatches, sender: &mut dyn SenderLookup) -> anyhow::Result<TxPlan> {
        let _ = (matches, sender);
        anyhow::bail!("no transaction command {group}")
    }

    /// Groups under `veritasd query`.
    fn query_commands(&self) -> Vec<Command> {
        Vec::new()
    }

    /// Answers a parsed `veritasd query <group> ...` through `client`.
    fn query(&self, group: &str, matches: &ArgMatches, client: &dyn QueryClient) -> anyhow::Result<Value> {
        let _ = (matches, client);
        anyhow::bail!("no query command {group}")
    }

    /// Top-level groups that need no node (offline tools).
    fn offline_commands(&self) -> Vec<Command> {
        Vec::new()
    }

    /// Runs a parsed offline command; `json` is the chosen output.
    fn offline(&self, group: &str, matches: &ArgMatches, json: bool) -> anyhow::Result<Value> {
        let _ = (matches, json);
        anyhow::bail!("no command {group}")
    }

    /// The module's `MsgUpdateParams` setting its params to `params` (JSON shaped as the
    /// module's genesis `params`), sent by `authority`: what `veritasd tx authority
    /// update-params <module> <json>` signs. `None`: the module has no governed params.
    fn update_params_msg(&self, authority: &Address, params: &Value) -> Option<anyhow::Result<Any>> {
        let _ = (authority, params);
        None
    }
}

/// Finds the address that signs a transaction.
pub trait SenderLookup {
    /// The address of the key named by `--from`, or else by `positional` (a key name or
    /// address the command took as an argument); an error if neither is given.
    fn sender(&mut self, positional: Option<&str>) -> anyhow::Result<Address>;

    /// Module `module`'s [`ModuleCli::update_params_msg`] (the authority's command builds
    /// other modules' messages through it).
    fn update_params_msg(&self, module: &str, authority: &Address, params: &Value) -> anyhow::Result<Any> {
        let _ = (authority, params);
        anyhow::bail!("module {module} has no params to update")
    }
}

/// What a tx command asks the app to sign and broadcast, and what to print with the
/// result.
#[derive(Debug, Default)]
pub struct TxPlan {
    pub messages: Vec<Any>,
    /// Fields printed before the tx report (e.g. the id a key gets).
    pub extra: Map<String, Value>,
    /// Fields taken from the result's events: (event type, attribute, printed name).
    pub from_events: Vec<(&'static str, &'static str, &'static str)>,
}

impl TxPlan {
    /// One message.
    pub fn single(type_url: &str, msg: &impl Message) -> Self {
        Self { messages: vec![Any { type_url: type_url.into(), value: msg.encode_to_vec() }], ..Default::default() }
    }
}

/// ABCI queries of gRPC methods against a node.
pub trait QueryClient {
    /// The protobuf response of gRPC method `path` to a protobuf `request`, and the
    /// height it was answered at.
    fn query_raw(&self, path: &str, request: Vec<u8>) -> anyhow::Result<(Vec<u8>, u64)>;
}

/// Typed [`QueryClient::query_raw`].
pub fn query<Q: Message, R: Message + Default>(
    client: &dyn QueryClient,
    path: &str,
    request: &Q,
) -> anyhow::Result<(R, u64)> {
    let (raw, height) = client.query_raw(path, request.encode_to_vec())?;
    let response = R::decode(raw.as_slice()).map_err(|e| anyhow::anyhow!("cannot decode the answer to {path}: {e}"))?;
    Ok((response, height))
}
