//! A fixed genesis and a fixed sequence of blocks (bank, zkverify and ibc messages,
//! failures included) give a fixed app hash, events, codes and gas: any change to what a
//! block does, however small, shows up here. Refactors must leave this file's golden
//! record (`tests/golden/blocks.json`) unchanged; a deliberate, consensus-breaking
//! change regenerates it with `VERITAS_UPDATE_GOLDEN=1` and says so in its commit.

mod common;

use ark_bls12_381::{Bls12_381, Fr};
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_snark::SNARK;
use ark_std::rand::SeedableRng;
use bytes::Bytes;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::Any;
use prost::Message;
use serde_json::{json, Value};
use tendermint_proto::v0_38::abci::ExecTxResult;
use veritas_app::testkit::{accounts, assign_account_numbers, genesis, uvrt, TestAccount, TestChain};
use veritas_framework::{Coins, ProtoCoin};
use veritas_proto::zkverify::v1 as pb;
use veritas_zkverify::encoding::{proof_bytes, public_input_bytes, verifying_key_bytes, verifying_key_id};

const CHAIN: &str = "golden-1";
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/blocks.json");

fn coins(text: &str) -> Vec<ProtoCoin> {
    Coins::parse(text).unwrap().to_proto()
}

fn send(from: &TestAccount, to: &TestAccount, amount: &str) -> Any {
    let msg =
        MsgSend { from_address: from.address.to_bech32(), to_address: to.address.to_bech32(), amount: coins(amount) };
    Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: msg.encode_to_vec() }
}

fn multi_send(from: &TestAccount, to: &[(&TestAccount, &str)]) -> Any {
    let total = to.iter().fold(Coins::empty(), |sum, (_, c)| sum.checked_add(&Coins::parse(c).unwrap()).unwrap());
    let msg = MsgMultiSend {
        inputs: vec![Input { address: from.address.to_bech32(), coins: total.to_proto() }],
        outputs: to.iter().map(|(a, c)| Output { address: a.address.to_bech32(), coins: coins(c) }).collect(),
    };
    Any { type_url: "/cosmos.bank.v1beta1.MsgMultiSend".into(), value: msg.encode_to_vec() }
}

/// Public inputs z = x · y with private x, y: the smallest circuit with an input.
#[derive(Clone)]
struct Product {
    x: Option<Fr>,
    y: Option<Fr>,
}

impl ConstraintSynthesizer<Fr> for Product {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let x = cs.new_witness_variable(|| self.x.ok_or(SynthesisError::AssignmentMissing))?;
        let y = cs.new_witness_variable(|| self.y.ok_or(SynthesisError::AssignmentMissing))?;
        let z = cs.new_input_variable(|| {
            Ok(self.x.ok_or(SynthesisError::AssignmentMissing)? * self.y.ok_or(SynthesisError::AssignmentMissing)?)
        })?;
        cs.enforce_constraint(lc!() + x, lc!() + y, lc!() + z)?;
        Ok(())
    }
}

fn setup() -> (ProvingKey<Bls12_381>, VerifyingKey<Bls12_381>) {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(42);
    Groth16::<Bls12_381>::circuit_specific_setup(Product { x: None, y: None }, &mut rng).unwrap()
}

/// A proof that `x · y` is the public input, and that input (32-byte LE).
fn prove(pk: &ProvingKey<Bls12_381>, x: u64, y: u64) -> (Vec<u8>, Vec<u8>) {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(x * 1000 + y);
    let (x, y) = (Fr::from(x), Fr::from(y));
    let proof = Groth16::<Bls12_381>::prove(pk, Product { x: Some(x), y: Some(y) }, &mut rng).unwrap();
    (proof_bytes(&proof), public_input_bytes(&(x * y)))
}

fn register(creator: &TestAccount, vk: Vec<u8>) -> Any {
    let msg = pb::MsgRegisterVerifyingKey { creator: creator.address.to_bech32(), vk, ..Default::default() };
    Any { type_url: pb::MSG_REGISTER_VERIFYING_KEY.into(), value: msg.encode_to_vec() }
}

fn verify(submitter: &TestAccount, vk_id: &str, proof: Vec<u8>, input: Vec<u8>) -> Any {
    let msg = pb::MsgVerifyProof {
        submitter: submitter.address.to_bech32(),
        vk_id: vk_id.into(),
        proof,
        public_inputs: vec![input],
        ..Default::default()
    };
    Any { type_url: pb::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() }
}

/// An ICS-20 transfer over a channel that does not exist.
fn transfer_without_channel(sender: &TestAccount) -> Any {
    let msg = ibc_proto::ibc::applications::transfer::v1::MsgTransfer {
        source_port: "transfer".into(),
        source_channel: "channel-0".into(),
        token: Some(ibc_proto::cosmos::base::v1beta1::Coin { denom: "uvrt".into(), amount: "5".into() }),
        sender: sender.address.to_bech32(),
        receiver: "cosmos1receiver".into(),
        timeout_height: None,
        timeout_timestamp: 1_900_000_000_000_000_000,
        memo: String::new(),
    };
    Any { type_url: "/ibc.applications.transfer.v1.MsgTransfer".into(), value: msg.encode_to_vec() }
}

/// What a block did, as the golden record keeps it.
fn record_block(height: i64, app_hash: &[u8], results: &[ExecTxResult]) -> Value {
    let txs: Vec<Value> = results
        .iter()
        .map(|r| {
            let events: Vec<Value> = r
                .events
                .iter()
                .map(|e| {
                    let attrs: Vec<Value> = e.attributes.iter().map(|a| json!([a.key, a.value])).collect();
                    json!({ "type": e.r#type, "attributes": attrs })
                })
                .collect();
            json!({
                "code": r.code,
                "codespace": r.codespace,
                "log": r.log,
                "gas_wanted": r.gas_wanted,
                "gas_used": r.gas_used,
                "data": hex::encode(&r.data),
                "events": events,
            })
        })
        .collect();
    json!({ "height": height, "app_hash": hex::encode_upper(app_hash), "txs": txs })
}

fn check_record(chain: &TestChain, raw: &[u8]) -> Value {
    let outcome = chain.check_tx(raw);
    json!({ "code": outcome.code, "codespace": outcome.codespace, "log": outcome.log, "gas_used": outcome.gas_used })
}

/// Runs the fixed scenario and returns its record.
fn run_scenario() -> Value {
    let mut accts = accounts(3);
    let [a, b, c] = &mut accts[..] else { unreachable!() };
    let balances = vec![
        (a.address.clone(), uvrt(10_000_000_000)),
        (b.address.clone(), uvrt(5_000_000_000)),
        (c.address.clone(), uvrt(300_000)),
    ];
    let app_state = genesis(&veritas_app::modules::module_set(), &balances);
    assign_account_numbers(&mut accts);
    let [a, b, c] = &mut accts[..] else { unreachable!() };
    let mut chain = TestChain::start(CHAIN, &app_state, 200_000_000);
    let mut record = Vec::new();
    let mut finalize = |chain: &mut TestChain, txs: Vec<Vec<u8>>| {
        let height = chain.height;
        let response = chain.finalize_full(txs.into_iter().map(Bytes::from).collect());
        record.push(record_block(height, &response.app_hash, &response.tx_results));
    };

    // Bank: a send, a multi-send, a send beyond the balance (fails, pays its fee), a
    // replayed sequence (ante refuses: nothing changes), a fee the payer cannot cover.
    let ok_send = chain.sign(a, vec![send(a, b, "1000uvrt")], 200_000, 2_000);
    let multi = chain.sign(b, vec![multi_send(b, &[(a, "7uvrt"), (c, "11uvrt")])], 200_000, 2_000);
    let too_much = chain.sign(c, vec![send(c, a, "999999999uvrt")], 200_000, 1_000);
    a.sequence -= 1;
    let replay = chain.sign(a, vec![send(a, c, "5uvrt")], 200_000, 2_000);
    let no_fee_funds = chain.sign(c, vec![send(c, a, "1uvrt")], 200_000, 10_000_000);
    c.sequence -= 1; // its ante fails: the sequence is not used
    let checks = json!({
        "valid_send": check_record(&chain, &ok_send),
        "unknown_message": check_record(&chain, &chain.sign(&mut TestAccount::new(9), vec![Any { type_url: "/no.such.Msg".into(), value: vec![] }], 200_000, 0)),
    });
    finalize(&mut chain, vec![ok_send, multi, too_much, replay, no_fee_funds]);

    // zkverify: register a key, verify a valid proof, an invalid one (fails, pays), a
    // duplicate of the valid one, and a proof for an unknown key.
    let (pk, vk) = setup();
    let vk_bytes = verifying_key_bytes(&vk);
    let vk_id = verifying_key_id(&vk_bytes);
    let reg = chain.sign(a, vec![register(a, vk_bytes)], 2_000_000, 5_000);
    finalize(&mut chain, vec![reg]);
    let (proof, input) = prove(&pk, 3, 5);
    let (other_proof, _) = prove(&pk, 4, 6);
    let valid = chain.sign(b, vec![verify(b, &vk_id, proof.clone(), input.clone())], 2_000_000, 5_000);
    let invalid = chain.sign(c, vec![verify(c, &vk_id, other_proof, input.clone())], 2_000_000, 5_000);
    let duplicate = chain.sign(a, vec![verify(a, &vk_id, proof.clone(), input.clone())], 2_000_000, 5_000);
    let unknown_key = chain.sign(b, vec![verify(b, &"00".repeat(32), proof, input)], 2_000_000, 5_000);
    finalize(&mut chain, vec![valid, invalid, duplicate, unknown_key]);

    // ibc: a valid 07-tendermint client, an update with a height-0 header (refused), and
    // an ICS-20 transfer over a channel that does not exist.
    let now = veritas_app::testkit::block_time(chain.height).seconds;
    let msgs = common::evil::create_client_then_update_at_height_zero(&a.address.to_bech32(), 0, now);
    let create = chain.sign(a, vec![msgs[0].clone()], 2_000_000, 5_000);
    let update = chain.sign(a, vec![msgs[1].clone()], 2_000_000, 5_000);
    let transfer = chain.sign(b, vec![transfer_without_channel(b)], 2_000_000, 5_000);
    finalize(&mut chain, vec![create, update, transfer]);

    // An empty block after all of it.
    finalize(&mut chain, Vec::new());
    json!({ "check_tx": checks, "blocks": record })
}

#[test]
fn fixed_blocks_give_the_golden_app_hashes_events_and_codes() {
    let actual = run_scenario();
    // Determinism first: the same scenario run again gives the same record.
    assert_eq!(actual, run_scenario(), "two runs of the scenario differ");
    if std::env::var_os("VERITAS_UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
        eprintln!("golden record written to {GOLDEN}");
        return;
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(GOLDEN).expect("tests/golden/blocks.json (VERITAS_UPDATE_GOLDEN=1 writes it)"),
    )
    .unwrap();
    assert_eq!(actual["check_tx"], expected["check_tx"], "CheckTx results changed");
    let (got, want) = (actual["blocks"].as_array().unwrap(), expected["blocks"].as_array().unwrap());
    assert_eq!(got.len(), want.len(), "number of blocks changed");
    for (got, want) in got.iter().zip(want) {
        for (i, (g, w)) in got["txs"].as_array().unwrap().iter().zip(want["txs"].as_array().unwrap()).enumerate() {
            assert_eq!(g, w, "block {} tx {i} changed", want["height"]);
        }
        assert_eq!(got, want, "block {} changed", want["height"]);
    }
}
