//! Queries for the latest state keep answering while blocks commit underneath them:
//! an ordered scan (list queries) that meets a commit is answered again at the new
//! latest version instead of failing. Real RocksDB, no processes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryAllBalancesRequest, QueryAllBalancesResponse};
use prost::Message;
use tendermint_proto::v0_38::abci::{RequestFinalizeBlock, RequestInitChain, RequestQuery};
use veritas_app::node::Node;
use veritas_app::query::QueryService;
use veritas_app::tx::MinGasPrices;
use veritas_store::{Storage, StorageConfig};

const HOLDER: &str = "veritas1chnaqaa42nu23057g97czl7e0l7yk8l9gk6uap";

#[test]
fn list_queries_at_latest_never_fail_while_blocks_commit() {
    let dir = tempfile::tempdir().unwrap();
    let env = Arc::new(veritas_app::modules::tx_env(MinGasPrices::default()));
    let storage =
        Storage::open(dir.path(), StorageConfig { substores: env.modules.substores(), keep_recent: 1000 }).unwrap();
    let meta = Arc::new(OnceLock::new());
    let mut node = Node::new(storage.clone(), env.clone(), meta.clone());
    let coins: Vec<_> = (0..300).map(|i| serde_json::json!({ "denom": format!("d{i:03}"), "amount": "1" })).collect();
    let genesis = serde_json::json!({
        "auth": {}, "zkverify": {}, "ibc": {},
        "bank": { "balances": [{ "address": HOLDER, "coins": coins }] }
    });
    node.init_chain(RequestInitChain {
        chain_id: "race-1".into(),
        initial_height: 1,
        app_state_bytes: serde_json::to_vec(&genesis).unwrap().into(),
        ..Default::default()
    });
    node.finalize_block(RequestFinalizeBlock { height: 1, ..Default::default() });
    node.commit();
    let queries = Arc::new(QueryService::new(storage, env, meta));

    let done = Arc::new(AtomicBool::new(false));
    let committer = {
        let done = done.clone();
        std::thread::spawn(move || {
            for height in 2..=400 {
                node.finalize_block(RequestFinalizeBlock { height, ..Default::default() });
                node.commit();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let request = QueryAllBalancesRequest { address: HOLDER.into(), ..Default::default() };
    let mut answered = 0;
    while !done.load(Ordering::SeqCst) {
        let response = queries.query(RequestQuery {
            path: "/cosmos.bank.v1beta1.Query/AllBalances".into(),
            data: request.encode_to_vec().into(),
            height: 0,
            prove: false,
        });
        assert_eq!(response.code, 0, "a latest query failed during commits: {}", response.log);
        let balances = QueryAllBalancesResponse::decode(response.value).unwrap().balances;
        assert_eq!(balances.len(), 100, "one full page");
        answered += 1;
    }
    committer.join().unwrap();
    assert!(answered > 10, "the queries ran beside the commits ({answered})");
}
