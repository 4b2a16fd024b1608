//! The ante path and bank messages, one bad input at a time, on an in-memory overlay.

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw;
use cosmos_sdk_proto::Any;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use serde_json::json;
use veritas_framework::store::{KvRead, Overlay, WriteSet};
use veritas_framework::*;

use super::*;
use crate::modules::tx_env;

/// zkverify messages through the same pipeline, with real Groth16 proofs.
mod zkverify;

/// Panics contained at the transaction boundary.
mod panics;

/// The hardening limits (signer cap, consensus minimum gas price, canonical addresses).
mod limits;

const CHAIN: &str = "test-chain-1";

use veritas_framework::store::EmptyState as Empty;

struct Key {
    signing: SigningKey,
    address: Address,
}

fn key(seed: u8) -> Key {
    let signing = SigningKey::from_slice(&[seed; 32]).unwrap();
    let address = Address::from_secp256k1_pubkey(&signing.verifying_key().to_sec1_bytes());
    Key { signing, address }
}

struct Chain {
    env: TxEnv,
    state: Overlay<Empty>,
    block: BlockInfo,
}

fn chain(min_gas_prices: &str) -> Chain {
    chain_with(min_gas_prices, json!({}))
}

/// A chain with two funded accounts and the given zkverify genesis section.
fn chain_with(min_gas_prices: &str, zkverify: serde_json::Value) -> Chain {
    let env = tx_env(MinGasPrices::parse(min_gas_prices).unwrap());
    let genesis = json!({
        "auth": {},
        "bank": { "balances": [
            { "address": key(1).address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "1000000" }] },
            { "address": key(2).address.to_bech32(), "coins": [{ "denom": "uvrt", "amount": "10" }] },
        ]},
        "zkverify": zkverify,
        "ibc": {},
    });
    chain_from(env, &genesis)
}

/// `env`'s modules initialised from `genesis`, at height 5 of chain `CHAIN`.
fn chain_from(env: TxEnv, genesis: &serde_json::Value) -> Chain {
    let mut state = Overlay::new(Empty);
    let block = BlockInfo { height: 5, chain_id: CHAIN.into(), ..Default::default() };
    let mut gas = GasMeter::infinite();
    let mut events = Vec::new();
    env.modules
        .init_genesis(&mut Context::new(&block, ExecMode::Genesis, &mut gas, &mut events, &mut state), genesis)
        .unwrap();
    Chain { env, state, block }
}

impl Chain {
    fn run(&mut self, mode: ExecMode, raw: &[u8]) -> TxOutcome {
        self.env.run(&mut self.state, &self.block, mode, raw, &PreverifiedSignatures::default())
    }

    fn balance(&self, who: &Address) -> u128 {
        let ctx = QueryContext::new(5, CHAIN, &self.state);
        let req = cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest {
            address: who.to_bech32(),
            denom: "uvrt".into(),
        };
        let raw = self.env.modules.query(&ctx, "/cosmos.bank.v1beta1.Query/Balance", &req.encode_to_vec()).unwrap();
        let resp = cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceResponse::decode(raw.as_slice()).unwrap();
        resp.balance.unwrap().amount.parse().unwrap()
    }

    fn sequence(&self, who: &Address) -> u64 {
        veritas_auth::AccountKeeper::read_committed(&self.state, who).unwrap().map_or(0, |a| a.sequence)
    }

    fn snapshot(&self) -> WriteSet {
        self.state.writes().clone()
    }
}

fn send_msg(from: &Address, to: &Address, amount: &str, denom: &str) -> Any {
    Any {
        type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
        value: MsgSend {
            from_address: from.to_bech32(),
            to_address: to.to_bech32(),
            amount: vec![ProtoCoin { denom: denom.into(), amount: amount.into() }],
        }
        .encode_to_vec(),
    }
}

/// How to build (and possibly spoil) a transaction.
struct TxSpec {
    msgs: Vec<Any>,
    sequence: u64,
    account_number: u64,
    chain_id: String,
    fee: &'static str,
    gas: u64,
    high_s: bool,
    corrupt_signature: bool,
    memo: String,
}

impl TxSpec {
    fn send(amount: &str) -> Self {
        Self {
            msgs: vec![send_msg(&key(1).address, &key(3).address, amount, "uvrt")],
            sequence: 0,
            account_number: 0,
            chain_id: CHAIN.into(),
            fee: "5000",
            gas: 200_000,
            high_s: false,
            corrupt_signature: false,
            memo: String::new(),
        }
    }

    /// Signed by the one signer (`crate::tx::sign`), then spoilt as the spec asks.
    fn build(&self, signer: &Key) -> Vec<u8> {
        let fee =
            if self.fee.is_empty() { Coins::empty() } else { Coins::parse(&format!("{}uvrt", self.fee)).unwrap() };
        let content = crate::tx::sign::TxContent {
            messages: self.msgs.clone(),
            fee,
            gas_limit: self.gas,
            memo: self.memo.clone(),
            timeout_height: 0,
        };
        let tx_signer = crate::tx::sign::TxSigner {
            key: &signer.signing,
            account_number: self.account_number,
            sequence: self.sequence,
        };
        let mut raw = TxRaw::decode(content.sign(&self.chain_id, &[tx_signer]).as_slice()).unwrap();
        let sig = &mut raw.signatures[0];
        if self.high_s {
            let low = Signature::from_slice(sig).unwrap();
            let (r, s) = low.split_scalars();
            *sig = Signature::from_scalars(r, -*s).unwrap().to_bytes().to_vec();
        }
        if self.corrupt_signature {
            sig[10] ^= 1;
        }
        raw.encode_to_vec()
    }
}

fn fee_collector() -> Address {
    Address::for_module("fee_collector")
}

#[test]
fn a_valid_send_moves_funds_charges_the_fee_and_bumps_the_sequence() {
    let mut c = chain("0.025uvrt");
    let (alice, carol) = (key(1), key(3));
    let out = c.run(ExecMode::Finalize, &TxSpec::send("700").build(&alice));
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(c.balance(&alice.address), 1_000_000 - 700 - 5000);
    assert_eq!(c.balance(&carol.address), 700);
    assert_eq!(c.balance(&fee_collector()), 5000);
    assert_eq!(c.sequence(&alice.address), 1);
    assert!(out.gas_used > 0 && out.gas_used < 200_000 && out.gas_wanted == 200_000);
    let kinds: Vec<&str> = out.events.iter().map(|e| e.kind.as_str()).collect();
    for kind in ["tx", "message", "coin_spent", "coin_received", "transfer"] {
        assert!(kinds.contains(&kind), "missing {kind} in {kinds:?}");
    }
    let transfer = out.events.iter().rev().find(|e| e.kind == "transfer").unwrap();
    let attrs: Vec<(&str, &str)> = transfer.attributes.iter().map(|a| (a.key.as_str(), a.value.as_str())).collect();
    assert!(attrs.contains(&("recipient", carol.address.to_bech32().as_str())));
    assert!(attrs.contains(&("amount", "700uvrt")));
    // The new recipient got an account number.
    assert!(veritas_auth::AccountKeeper::read_committed(&c.state, &carol.address).unwrap().is_some());
}

/// Runs `raw` and asserts it fails with (codespace, code) and leaves state untouched.
fn rejected_without_fee(c: &mut Chain, mode: ExecMode, raw: &[u8], codespace: &str, code: u32) -> String {
    let before = c.snapshot();
    let out = c.run(mode, raw);
    assert_eq!((out.codespace.as_str(), out.code), (codespace, code), "{}", out.log);
    assert_eq!(c.snapshot(), before, "a rejected tx changed state: {}", out.log);
    out.log
}

/// Runs `raw` and asserts it fails with (codespace, code), charging only the fee.
fn failed_with_fee(c: &mut Chain, raw: &[u8], codespace: &str, code: u32) -> String {
    let alice = key(1).address;
    let (balance, seq, collected) = (c.balance(&alice), c.sequence(&alice), c.balance(&fee_collector()));
    let out = c.run(ExecMode::Finalize, raw);
    assert_eq!((out.codespace.as_str(), out.code), (codespace, code), "{}", out.log);
    assert_eq!(c.balance(&alice), balance - 5000, "only the fee is gone");
    assert_eq!(c.balance(&fee_collector()), collected + 5000);
    assert_eq!(c.sequence(&alice), seq + 1, "the sequence still advances");
    assert_eq!(c.balance(&key(3).address), 0, "the recipient got nothing");
    out.log
}

#[test]
fn bad_signatures_are_refused_and_change_nothing() {
    let mut c = chain("");
    let alice = key(1);
    let log = rejected_without_fee(
        &mut c,
        ExecMode::Finalize,
        &TxSpec { corrupt_signature: true, ..TxSpec::send("1") }.build(&alice),
        "sdk",
        4,
    );
    assert!(log.contains("signature verification failed"), "{log}");
    let log = rejected_without_fee(
        &mut c,
        ExecMode::Finalize,
        &TxSpec { high_s: true, ..TxSpec::send("1") }.build(&alice),
        "sdk",
        4,
    );
    assert!(log.contains("low-S"), "{log}");
    let log = rejected_without_fee(
        &mut c,
        ExecMode::Finalize,
        &TxSpec { chain_id: "other-chain".into(), ..TxSpec::send("1") }.build(&alice),
        "sdk",
        4,
    );
    assert!(log.contains("chain-id (test-chain-1)"), "{log}");
    rejected_without_fee(
        &mut c,
        ExecMode::Finalize,
        &TxSpec { account_number: 7, ..TxSpec::send("1") }.build(&alice),
        "sdk",
        4,
    );
    // Signed by someone else for alice's message.
    rejected_without_fee(&mut c, ExecMode::Finalize, &TxSpec::send("1").build(&key(9)), "sdk", 8);
}

#[test]
fn replayed_and_future_sequences_are_refused() {
    let mut c = chain("");
    let alice = key(1);
    let tx = TxSpec::send("1").build(&alice);
    assert!(c.run(ExecMode::Finalize, &tx).is_ok());
    let log = rejected_without_fee(&mut c, ExecMode::Finalize, &tx, "sdk", 32);
    assert!(log.contains("expected 1, got 0"), "{log}");
    rejected_without_fee(
        &mut c,
        ExecMode::Finalize,
        &TxSpec { sequence: 5, ..TxSpec::send("1") }.build(&alice),
        "sdk",
        32,
    );
    assert!(c.run(ExecMode::Finalize, &TxSpec { sequence: 1, ..TxSpec::send("1") }.build(&alice)).is_ok());
}

#[test]
fn fees_below_the_minimum_are_refused_in_check_tx() {
    let mut c = chain("0.025uvrt");
    let low = TxSpec { fee: "4999", ..TxSpec::send("1") }.build(&key(1));
    let log = rejected_without_fee(&mut c, ExecMode::CheckTx, &low, "sdk", 13);
    assert!(log.contains("required: 5000uvrt"), "{log}");
    // Minimum gas prices are this node's policy, not consensus: a block accepts it.
    assert!(c.run(ExecMode::Finalize, &low).is_ok());
}

#[test]
fn out_of_gas_reverts_the_messages_but_keeps_the_fee() {
    let mut c = chain("");
    // Enough for the ante (tx bytes, signature, fee transfer), not for the send.
    let probe = c.run(ExecMode::Simulate, &TxSpec::send("1").build(&key(1)));
    assert!(probe.is_ok(), "{probe:?}");
    let mut c = chain("");
    let tight = TxSpec { gas: probe.gas_used - 3000, ..TxSpec::send("1") }.build(&key(1));
    let log = failed_with_fee(&mut c, &tight, "sdk", 11);
    assert!(log.contains("out of gas"), "{log}");
}

#[test]
fn bad_amounts_and_denoms_are_refused_before_any_fee() {
    let mut c = chain("");
    let alice = key(1);
    let overflow = TxSpec::send("340282366920938463463374607431768211456").build(&alice);
    assert!(rejected_without_fee(&mut c, ExecMode::Finalize, &overflow, "sdk", 10).contains("overflow"));
    rejected_without_fee(&mut c, ExecMode::Finalize, &TxSpec::send("0").build(&alice), "sdk", 10);
    let bad_denom = TxSpec { msgs: vec![send_msg(&alice.address, &key(3).address, "5", "u$")], ..TxSpec::send("1") };
    rejected_without_fee(&mut c, ExecMode::Finalize, &bad_denom.build(&alice), "sdk", 10);
    rejected_without_fee(&mut c, ExecMode::Finalize, &TxSpec::send("-5").build(&alice), "sdk", 10);
    rejected_without_fee(&mut c, ExecMode::Finalize, b"not a transaction", "sdk", 2);
    rejected_without_fee(&mut c, ExecMode::CheckTx, &vec![0u8; decode::MAX_TX_BYTES + 1], "sdk", 21);
    let long_memo = TxSpec { memo: "x".repeat(300), ..TxSpec::send("1") }.build(&alice);
    rejected_without_fee(&mut c, ExecMode::Finalize, &long_memo, "sdk", 12);
    let no_gas = TxSpec { gas: 0, ..TxSpec::send("1") }.build(&alice);
    rejected_without_fee(&mut c, ExecMode::Finalize, &no_gas, "sdk", 41);
}

#[test]
fn insufficient_funds_fail_the_message_and_keep_the_fee() {
    let mut c = chain("");
    let log = failed_with_fee(&mut c, &TxSpec::send("999000").build(&key(1)), "sdk", 5);
    assert!(log.contains("insufficient funds") && log.contains("message index: 0"), "{log}");
    // Bob cannot even pay the fee: nothing changes.
    let bob = key(2);
    let tx = TxSpec {
        msgs: vec![send_msg(&bob.address, &key(3).address, "1", "uvrt")],
        account_number: 1,
        ..TxSpec::send("1")
    };
    rejected_without_fee(&mut c, ExecMode::Finalize, &tx.build(&bob), "sdk", 5);
}

#[test]
fn multi_send_inputs_must_equal_outputs() {
    let mut c = chain("");
    let alice = key(1);
    let coin = |n: &str| vec![ProtoCoin { denom: "uvrt".into(), amount: n.into() }];
    let multi = |outs: &[(&Address, &str)]| Any {
        type_url: "/cosmos.bank.v1beta1.MsgMultiSend".into(),
        value: MsgMultiSend {
            inputs: vec![Input { address: alice.address.to_bech32(), coins: coin("30") }],
            outputs: outs.iter().map(|(a, n)| Output { address: a.to_bech32(), coins: coin(n) }).collect(),
        }
        .encode_to_vec(),
    };
    let (bob, carol) = (key(2).address, key(3).address);
    let bad = TxSpec { msgs: vec![multi(&[(&bob, "10"), (&carol, "10")])], ..TxSpec::send("1") };
    rejected_without_fee(&mut c, ExecMode::Finalize, &bad.build(&alice), "bank", 4);
    let good = TxSpec { msgs: vec![multi(&[(&bob, "10"), (&carol, "20")])], ..TxSpec::send("1") };
    assert!(c.run(ExecMode::Finalize, &good.build(&alice)).is_ok());
    assert_eq!((c.balance(&bob), c.balance(&carol)), (20, 20));
}

#[test]
fn simulation_needs_no_valid_signature_and_reports_gas() {
    let mut c = chain("0.025uvrt");
    let spec = TxSpec { corrupt_signature: true, fee: "", gas: 0, ..TxSpec::send("5") };
    let out = c.run(ExecMode::Simulate, &spec.build(&key(1)));
    assert!(out.is_ok(), "{out:?}");
    assert!(out.gas_used > 1000);
}

#[test]
fn bank_and_auth_genesis_round_trip_and_supply_is_checked() {
    let c = chain("");
    let ctx = QueryContext::new(5, CHAIN, &c.state);
    let exported = c.env.modules.export_genesis(&ctx).unwrap();
    c.env.modules.validate_genesis(&exported).unwrap();
    assert_eq!(exported["bank"]["supply"], json!([{ "denom": "uvrt", "amount": "1000010" }]));
    assert_eq!(exported["bank"]["balances"].as_array().unwrap().len(), 2);
    assert_eq!(exported["auth"]["accounts"].as_array().unwrap().len(), 2);

    // Re-importing the export gives the same state.
    let mut again = Overlay::new(Empty);
    let mut gas = GasMeter::infinite();
    let mut events = Vec::new();
    c.env
        .modules
        .init_genesis(&mut Context::new(&c.block, ExecMode::Genesis, &mut gas, &mut events, &mut again), &exported)
        .unwrap();
    assert_eq!(again.writes(), c.state.writes());

    let mut wrong = exported.clone();
    wrong["bank"]["supply"] = json!([{ "denom": "uvrt", "amount": "5" }]);
    let err = c.env.modules.validate_genesis(&wrong).unwrap_err();
    assert!(err.log().contains("does not equal the sum"), "{}", err.log());
    let mut overflow = exported.clone();
    overflow["bank"]["supply"] = json!([]);
    overflow["bank"]["balances"][0]["coins"] = json!([{ "denom": "uvrt", "amount": u128::MAX.to_string() }]);
    assert!(c.env.modules.validate_genesis(&overflow).unwrap_err().log().contains("overflow"));
}

#[test]
fn a_tx_refused_by_check_tx_leaves_the_mempool_state_alone() {
    let mut c = chain("");
    let alice = key(1);
    let before = c.snapshot();
    let out = c.run(ExecMode::CheckTx, &TxSpec::send("999999999").build(&alice));
    assert_eq!(out.code, 5);
    assert_eq!(c.snapshot(), before, "no fee, no sequence for a tx the mempool refused");
    // The next tx with the same sequence is still good.
    assert!(c.run(ExecMode::CheckTx, &TxSpec::send("1").build(&alice)).is_ok());
}
