//! Governance in one process, on RocksDB: only the genesis authority may send a governed
//! message (every module's `MsgUpdateParams`, the authority hand-over, validator changes,
//! upgrade plans), changed params hold from the next transaction on, and the poa module's
//! changes reach CometBFT as the block's validator updates.

use bytes::Bytes;
use cosmos_sdk_proto::Any;
use curve25519_dalek_ng::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek_ng::scalar::Scalar;
use prost::Message;
use serde_json::json;
use veritas_app::testkit::{accounts, assign_account_numbers, genesis, uvrt, TestAccount, TestChain};
use veritas_proto::{authority::v1 as authority, ibc::v1 as ibc, poa::v1 as poa, zkverify::v1 as zk};

const CHAIN: &str = "governance-1";

/// A valid ed25519 public key (n times the base point).
fn ed25519(n: u64) -> Vec<u8> {
    (ED25519_BASEPOINT_POINT * Scalar::from(n)).compress().to_bytes().to_vec()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// accts[0] is the authority; four validators of power 10 at genesis.
fn start() -> (TestChain, Vec<TestAccount>) {
    let mut accts = accounts(3);
    let modules = veritas_app::modules::module_set();
    let balances: Vec<_> = accts.iter().map(|a| (a.address.clone(), uvrt(10_000_000))).collect();
    let mut app_state = genesis(&modules, &balances);
    app_state["authority"] = json!({ "authority": accts[0].address.to_bech32() });
    app_state["poa"] = json!({ "validators": (1..=4).map(|n| json!({
        "pub_key": b64(&ed25519(n)), "power": 10, "moniker": format!("node{n}")
    })).collect::<Vec<_>>() });
    assign_account_numbers(&mut accts);
    (TestChain::start(CHAIN, &app_state, 0), accts)
}

fn any(type_url: &str, msg: &impl Message) -> Any {
    Any { type_url: type_url.into(), value: msg.encode_to_vec() }
}

/// Every governed message, claiming `authority` as its authority.
fn governed_messages(authority: &str, other: &str) -> Vec<Any> {
    use cosmos_sdk_proto::cosmos::{auth::v1beta1 as auth, bank::v1beta1 as bank, upgrade::v1beta1 as upgrade};
    let zk_params = zk::Params {
        max_public_inputs: 3,
        register_gas_per_byte: 1,
        verify_gas_base: 1,
        verify_gas_per_input: 1,
        ..Default::default()
    };
    vec![
        any(
            "/cosmos.auth.v1beta1.MsgUpdateParams",
            &auth::MsgUpdateParams {
                authority: authority.into(),
                params: Some(auth::Params {
                    max_memo_characters: 10,
                    tx_sig_limit: 7,
                    tx_size_cost_per_byte: 10,
                    sig_verify_cost_ed25519: 590,
                    sig_verify_cost_secp256k1: 5000,
                }),
            },
        ),
        any(
            "/cosmos.bank.v1beta1.MsgUpdateParams",
            &bank::MsgUpdateParams {
                authority: authority.into(),
                #[allow(deprecated)]
                params: Some(bank::Params { send_enabled: vec![], default_send_enabled: false }),
            },
        ),
        any(zk::MSG_UPDATE_PARAMS, &zk::MsgUpdateParams { authority: authority.into(), params: Some(zk_params) }),
        any(
            ibc::MSG_UPDATE_PARAMS,
            &ibc::MsgUpdateParams {
                authority: authority.into(),
                params: Some(ibc::Params {
                    historical_entries: 7,
                    max_expected_time_per_block_secs: 30,
                    unbonding_period_secs: 86_400,
                }),
            },
        ),
        any(
            authority::MSG_UPDATE_AUTHORITY,
            &authority::MsgUpdateAuthority { authority: authority.into(), new_authority: other.into() },
        ),
        any(
            poa::MSG_SET_VALIDATOR,
            &poa::MsgSetValidator {
                authority: authority.into(),
                pub_key: ed25519(5),
                power: 10,
                moniker: "five".into(),
            },
        ),
        any(poa::MSG_REMOVE_VALIDATOR, &poa::MsgRemoveValidator { authority: authority.into(), pub_key: ed25519(4) }),
        any(
            "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade",
            &upgrade::MsgSoftwareUpgrade {
                authority: authority.into(),
                plan: Some(upgrade::Plan { name: "v2".into(), height: 100, info: String::new(), ..Default::default() }),
            },
        ),
        any("/cosmos.upgrade.v1beta1.MsgCancelUpgrade", &upgrade::MsgCancelUpgrade { authority: authority.into() }),
    ]
}

fn zk_max_public_inputs(chain: &TestChain) -> u32 {
    let answer = chain.query("/veritas.zkverify.v1.Query/Params", Vec::new());
    assert_eq!(answer.code, 0, "{}", answer.log);
    zk::QueryParamsResponse::decode(answer.value.as_ref()).unwrap().params.unwrap().max_public_inputs
}

fn app_hash_of(
    chain: &mut TestChain,
    txs: Vec<Vec<u8>>,
) -> (Vec<tendermint_proto::v0_38::abci::ExecTxResult>, Vec<u8>) {
    let response = chain.finalize_full(txs.into_iter().map(Bytes::from).collect());
    (response.tx_results, response.app_hash.to_vec())
}

#[test]
fn a_non_authority_is_refused_for_every_governed_message_and_changes_nothing() {
    let (mut chain, mut accts) = start();
    let (authority, stranger) = (accts[0].address.to_bech32(), accts[1].address.to_bech32());
    let before = zk_max_public_inputs(&chain);
    for msg in governed_messages(&stranger, &authority) {
        let type_url = msg.type_url.clone();
        let tx = chain.sign(&mut accts[1], vec![msg], 1_000_000, 0);
        let (results, _) = app_hash_of(&mut chain, vec![tx]);
        let r = &results[0];
        assert_eq!((r.codespace.as_str(), r.code), ("authority", 2), "{type_url}: {}", r.log);
        assert!(r.log.contains(&format!("expected {authority}, got {stranger}")), "{type_url}: {}", r.log);
        assert!(!r.events.iter().any(|e| e.r#type.contains("validator")), "{type_url}: no validator event");
    }
    // The authority field must be the signer: naming the authority without its key fails
    // the signature check, not the authority check.
    let forged = chain.sign(&mut accts[1], governed_messages(&authority, &stranger)[2..3].to_vec(), 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![forged]);
    assert_ne!(results[0].code, 0);
    assert_ne!(results[0].codespace, "authority", "{}", results[0].log);
    assert_eq!(zk_max_public_inputs(&chain), before);
    let answer = chain.query(authority::QUERY_AUTHORITY, Vec::new());
    let shown = authority::QueryAuthorityResponse::decode(answer.value.as_ref()).unwrap();
    assert_eq!(shown.authority, authority);
}

#[test]
fn the_authority_changes_params_hands_over_and_changes_the_validator_set() {
    let (mut chain, mut accts) = start();
    let (authority, bob) = (accts[0].address.to_bech32(), accts[1].address.to_bech32());
    let zk_update = governed_messages(&authority, &bob)[2].clone();
    let tx = chain.sign(&mut accts[0], vec![zk_update], 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![tx]);
    assert_eq!(results[0].code, 0, "{}", results[0].log);
    let event = results[0].events.iter().find(|e| e.r#type == "update_params").expect("an update_params event");
    assert!(event.attributes.iter().any(|a| a.key == "module" && a.value == "zkverify"));
    assert_eq!(zk_max_public_inputs(&chain), 3, "in effect from the next block");

    // Validator changes: one update per validator per block, handed to CometBFT.
    let set = governed_messages(&authority, &bob)[5].clone();
    let remove = governed_messages(&authority, &bob)[6].clone();
    let tx = chain.sign(&mut accts[0], vec![set, remove], 1_000_000, 0);
    let response = chain.finalize_full(vec![Bytes::from(tx)]);
    assert_eq!(response.tx_results[0].code, 0, "{}", response.tx_results[0].log);
    let mut updates: Vec<_> = response
        .validator_updates
        .iter()
        .map(|u| {
            let Some(tendermint_proto::v0_38::crypto::public_key::Sum::Ed25519(key)) =
                u.pub_key.as_ref().and_then(|k| k.sum.clone())
            else {
                panic!("an ed25519 update")
            };
            (key, u.power)
        })
        .collect();
    updates.sort();
    let mut expected = vec![(ed25519(5), 10), (ed25519(4), 0)];
    expected.sort();
    assert_eq!(updates, expected);
    let next = chain.finalize_full(Vec::new());
    assert!(next.validator_updates.is_empty(), "updates are handed over once");
    let answer = chain.query(poa::QUERY_TOTAL_POWER, Vec::new());
    let total = poa::QueryTotalPowerResponse::decode(answer.value.as_ref()).unwrap();
    assert_eq!((total.total_power, total.validators), (40, 4));

    // The hand-over: bob governs, the old authority no longer does.
    let handover = governed_messages(&authority, &bob)[4].clone();
    let tx = chain.sign(&mut accts[0], vec![handover], 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![tx]);
    assert_eq!(results[0].code, 0, "{}", results[0].log);
    let again = governed_messages(&authority, &bob)[2].clone();
    let tx = chain.sign(&mut accts[0], vec![again], 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![tx]);
    assert_eq!((results[0].codespace.as_str(), results[0].code), ("authority", 2), "{}", results[0].log);
    let by_bob = governed_messages(&bob, &authority)[2].clone();
    let tx = chain.sign(&mut accts[1], vec![by_bob], 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![tx]);
    assert_eq!(results[0].code, 0, "{}", results[0].log);
}

#[test]
fn a_chain_without_an_authority_governs_nothing_and_old_genesis_files_still_load() {
    let mut accts = accounts(1);
    let modules = veritas_app::modules::module_set();
    let mut app_state = genesis(&modules, &[(accts[0].address.clone(), uvrt(10_000_000))]);
    // A genesis from before governance: no authority, poa or upgrade section.
    for section in ["authority", "poa", "upgrade"] {
        app_state.as_object_mut().unwrap().remove(section);
    }
    assign_account_numbers(&mut accts);
    let mut chain = TestChain::start(CHAIN, &app_state, 0);
    let me = accts[0].address.to_bech32();
    let msg = governed_messages(&me, &me)[2].clone();
    let tx = chain.sign(&mut accts[0], vec![msg], 1_000_000, 0);
    let (results, _) = app_hash_of(&mut chain, vec![tx]);
    assert_eq!((results[0].codespace.as_str(), results[0].code), ("authority", 3), "{}", results[0].log);
}
