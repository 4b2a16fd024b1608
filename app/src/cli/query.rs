use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::module_commands::{QueryGroup, QUERY_TX};
use super::output::{print, Output};
use crate::client::Client;

#[derive(Debug, Args)]
pub struct QueryFlags {
    /// CometBFT RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:26657", global = true)]
    node: String,
    #[arg(long, value_enum, default_value = "text", global = true)]
    output: Output,
}

/// `veritasd query <group> ...`: the module that owns the group asks and shapes the
/// answer; `query tx <hash>` is the app's own.
pub fn run(group: QueryGroup, flags: QueryFlags) -> anyhow::Result<()> {
    let client = Client::new(&flags.node)?;
    let value = if group.name == QUERY_TX {
        let hash = group.matches.get_one::<String>("hash").expect("required by clap");
        serde_json::to_value(client.tx(hash, Duration::ZERO)?)?
    } else {
        group.dispatch(|module, name, matches| module.query(name, matches, &client))?
    };
    print(flags.output, &value);
    Ok(())
}

/// `veritasd status`: the node's chain, height and app hash.
pub fn status(flags: QueryFlags) -> anyhow::Result<()> {
    let client = Client::new(&flags.node)?;
    let s = client.status()?;
    let value = json!({
        "node_info": {
            "network": s.node_info.network.to_string(),
            "moniker": s.node_info.moniker.to_string(),
            "version": s.node_info.version.to_string(),
            "id": s.node_info.id.to_string(),
        },
        "sync_info": {
            "latest_block_height": s.sync_info.latest_block_height.value().to_string(),
            "latest_block_hash": s.sync_info.latest_block_hash.to_string(),
            "latest_app_hash": s.sync_info.latest_app_hash.to_string(),
            "latest_block_time": s.sync_info.latest_block_time.to_string(),
            "catching_up": s.sync_info.catching_up,
        },
    });
    print(flags.output, &value);
    Ok(())
}
