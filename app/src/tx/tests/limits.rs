//! The hardening limits on the transaction path: the signer cap before any signature
//! work, the consensus minimum gas price in blocks, and canonical addresses only.

use super::*;

/// A chain whose genesis sets the auth params given (merged into the defaults).
fn chain_with_auth(params: serde_json::Value) -> Chain {
    let genesis = json!({
        "auth": { "params": auth_params(params) },
        "bank": { "balances": [
            { "address": key(1).address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000" }] },
        ]},
        "zkverify": {},
        "ibc": {},
    });
    chain_from(tx_env(MinGasPrices::default()), &genesis)
}

/// The default auth params with `changes` merged in.
fn auth_params(changes: serde_json::Value) -> serde_json::Value {
    let mut params = serde_json::to_value(veritas_auth::Params::default()).unwrap();
    for (k, v) in changes.as_object().unwrap() {
        params[k] = v.clone();
    }
    params
}

#[test]
fn more_signatures_than_tx_sig_limit_are_refused_before_any_is_verified() {
    let mut c = chain_with_auth(json!({ "tx_sig_limit": 2 }));
    let alice = key(1);
    let raw = TxSpec::send("1").build(&alice);
    let mut tx = TxRaw::decode(raw.as_slice()).unwrap();
    // Three (garbage) signatures: refused by count, not by a failed verification.
    tx.signatures = vec![vec![1u8; 64]; 3];
    let log = rejected_without_fee(&mut c, ExecMode::Finalize, &tx.encode_to_vec(), "sdk", 14);
    assert_eq!(log, "signatures: 3, limit: 2");
    // Three distinct signers needed by the messages: the same refusal.
    let mut spec = TxSpec::send("1");
    spec.msgs = vec![
        send_msg(&key(1).address, &key(3).address, "1", "uvrt"),
        send_msg(&key(2).address, &key(3).address, "1", "uvrt"),
        send_msg(&key(4).address, &key(3).address, "1", "uvrt"),
    ];
    let log = rejected_without_fee(&mut c, ExecMode::CheckTx, &spec.build(&alice), "sdk", 14);
    assert_eq!(log, "signatures: 3, limit: 2");
}

#[test]
fn the_consensus_minimum_gas_price_holds_in_blocks_too() {
    let mut c = chain_with_auth(json!({ "min_gas_prices": "0.025uvrt" }));
    let alice = key(1);
    // 200,000 gas × 0.025 = 5,000uvrt.
    let low = TxSpec { fee: "4999", ..TxSpec::send("1") }.build(&alice);
    for mode in [ExecMode::CheckTx, ExecMode::Finalize] {
        let log = rejected_without_fee(&mut c, mode, &low, "sdk", 13);
        assert!(log.contains("consensus minimum gas prices") && log.contains("required: 5000uvrt"), "{log}");
    }
    assert!(c.run(ExecMode::Finalize, &TxSpec::send("1").build(&alice)).is_ok());
    // Simulation is sent without a fee: it is not held to the minimum.
    let probe = TxSpec { fee: "", sequence: 1, ..TxSpec::send("1") }.build(&alice);
    assert!(c.run(ExecMode::Simulate, &probe).is_ok());

    let bad = chain_with_auth_result(json!({ "min_gas_prices": "0.1.2uvrt" }));
    assert!(bad.unwrap_err().log().contains("min_gas_prices"));
}

fn chain_with_auth_result(params: serde_json::Value) -> Result<(), Error> {
    let app_state = json!({ "auth": { "params": auth_params(params) }, "bank": {}, "zkverify": {}, "ibc": {} });
    tx_env(MinGasPrices::default()).modules.validate_genesis(&app_state)
}

#[test]
fn a_bech32m_recipient_is_not_an_address() {
    let mut c = chain("");
    let alice = key(1);
    let hrp = bech32::Hrp::parse("veritas").unwrap();
    let bech32m = bech32::encode::<bech32::Bech32m>(hrp, key(3).address.as_bytes()).unwrap();
    let msg = Any {
        type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
        value: MsgSend {
            from_address: alice.address.to_bech32(),
            to_address: bech32m,
            amount: vec![ProtoCoin { denom: "uvrt".into(), amount: "1".into() }],
        }
        .encode_to_vec(),
    };
    let raw = TxSpec { msgs: vec![msg], ..TxSpec::send("1") }.build(&alice);
    rejected_without_fee(&mut c, ExecMode::Finalize, &raw, "sdk", 7);
}

#[test]
fn a_gas_limit_below_the_bytes_and_signatures_cost_is_refused_before_any_signature_work() {
    let mut c = chain("");
    let alice = key(1);
    let probe = TxSpec { gas: 1, ..TxSpec::send("1") }.build(&alice);
    // 10 gas per byte and 5,000 per signature: this tx can never pass the ante.
    let floor = 10 * probe.len() as u64 + 5000;
    let below = TxSpec { gas: floor - 1, ..TxSpec::send("1") }.build(&alice);
    for mode in [ExecMode::CheckTx, ExecMode::Finalize] {
        let log = rejected_without_fee(&mut c, mode, &below, "sdk", 11);
        assert!(log.contains("below the") && log.contains("bytes and signatures"), "{log}");
    }
    // At the floor the stateless checks pass; the ante then runs out of gas further on.
    let at = TxSpec { gas: floor + 10, ..TxSpec::send("1") }.build(&alice);
    let out = c.run(ExecMode::CheckTx, &at);
    assert!(!out.log.contains("bytes and signatures"), "{}", out.log);
}
