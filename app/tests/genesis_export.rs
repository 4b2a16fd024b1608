//! Export → init: the app state a node exports (every module's typed section, ibc's
//! included) starts a new chain whose state is the same, entry for entry.

mod common;

use bytes::Bytes;
use veritas_app::testkit::{accounts, assign_account_numbers, block_time, genesis, uvrt, TestChain};
use veritas_framework::QueryContext;

/// Every entry of every substore of a chain's committed state.
fn all_entries(chain: &TestChain) -> Vec<(String, Vec<(Vec<u8>, Vec<u8>)>)> {
    use veritas_framework::store::KvRead;
    let view = chain.storage.view(None).unwrap();
    chain
        .env
        .modules
        .substores()
        .into_iter()
        .map(|s| {
            let entries = view.scan(&s, b"", None, usize::MAX).unwrap();
            (s, entries)
        })
        .collect()
}

#[test]
fn an_exported_state_with_an_ibc_client_starts_an_identical_chain() {
    let mut accts = accounts(2);
    let modules = veritas_app::modules::module_set();
    let balances: Vec<_> = accts.iter().map(|a| (a.address.clone(), uvrt(5_000_000_000))).collect();
    let app_state = genesis(&modules, &balances);
    assign_account_numbers(&mut accts);
    let mut chain = TestChain::start("export-1", &app_state, 0);
    let now = block_time(chain.height).seconds;
    let msgs = common::evil::create_client_then_update_at_height_zero(&accts[0].address.to_bech32(), 0, now);
    let create = chain.sign(&mut accts[0], vec![msgs[0].clone()], 2_000_000, 5_000);
    let results = chain.finalize(vec![Bytes::from(create)]);
    assert_eq!(results[0].code, 0, "{}", results[0].log);

    let view = chain.storage.view(None).unwrap();
    let exported = chain.env.modules.export_genesis(&QueryContext::new(2, "export-1", &view)).unwrap();
    let client = &exported["ibc"]["clients"][0];
    assert_eq!(client["client_id"], "07-tendermint-0");
    assert_eq!(client["client_state"]["chainId"], "evil-1", "readable protobuf JSON: {client}");
    assert_eq!(client["consensus_states"][0]["height"], "1-5");
    assert_eq!(exported["ibc"]["counters"]["next_client_sequence"], 1);

    let restarted = TestChain::start("export-1", &exported, 0);
    let view = restarted.storage.view(None).unwrap();
    let again = restarted.env.modules.export_genesis(&QueryContext::new(2, "export-1", &view)).unwrap();
    assert_eq!(again, exported, "export of the restarted chain");
    let (before, after) = (all_entries(&chain), all_entries(&restarted));
    for ((store, a), (_, b)) in before.iter().zip(&after) {
        let only_a: Vec<_> = a
            .iter()
            .filter(|e| !b.contains(e))
            .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), hex::encode(v)))
            .collect();
        let only_b: Vec<_> = b
            .iter()
            .filter(|e| !a.contains(e))
            .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), hex::encode(v)))
            .collect();
        assert_eq!(a, b, "every {store} entry: before only {only_a:?}, after only {only_b:?}");
    }
}
