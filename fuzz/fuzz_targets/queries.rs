//! Every ABCI query a client can send: the first byte picks the path (each module's
//! gRPC-style queries, Simulate, the node services, `store/<module>/key`), the second
//! the height and `prove`, the rest is the request. Answered by the real query service
//! over a committed RocksDB state.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use tendermint_proto::v0_38::abci::{RequestFinalizeBlock, RequestInitChain, RequestQuery};
use veritas_app::node::Node;
use veritas_app::query::QueryService;
use veritas_fuzz::{address, no_contained_panic, query_paths, CHAIN_ID};
use veritas_store::{Storage, StorageConfig};

fn service() -> &'static (QueryService, Vec<String>) {
    static SERVICE: OnceLock<(QueryService, Vec<String>)> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let env = Arc::new(veritas_app::modules::tx_env(Default::default()));
        let storage =
            Storage::open(&dir, StorageConfig { substores: env.modules.substores(), keep_recent: 0 }).unwrap();
        let meta = Arc::new(OnceLock::new());
        let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
        let mut app_state = env.modules.default_genesis();
        app_state["bank"]["balances"] = serde_json::json!([
            { "address": address(1).to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000000" }] }
        ]);
        node.init_chain(RequestInitChain {
            chain_id: CHAIN_ID.into(),
            initial_height: 1,
            app_state_bytes: serde_json::to_vec(&app_state).unwrap().into(),
            ..Default::default()
        });
        for height in 1..=2 {
            node.finalize_block(RequestFinalizeBlock { height, ..Default::default() });
            node.commit();
        }
        (QueryService::new(storage, env, meta), query_paths())
    })
}

fuzz_target!(|data: &[u8]| {
    let [selector, flags, request @ ..] = data else { return };
    let (queries, paths) = service();
    let path = paths[*selector as usize % paths.len()].clone();
    let height = i64::from(flags & 0x7f) - 1; // -1 (invalid), 0 (latest), 1..
    let response =
        queries.query(RequestQuery { path, data: request.to_vec().into(), height, prove: flags & 0x80 != 0 });
    no_contained_panic(&response.codespace, response.code, &response.log);
});
