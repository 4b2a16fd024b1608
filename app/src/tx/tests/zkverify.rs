//! zkverify through the whole tx path (ante, routing, gas, events, state), with
//! Groth16 proofs made here by ark-groth16: every refusal has its own code, and the
//! block batch gives each tx exactly the result it gets alone.

use ark_bls12_381::{Bls12_381, Fq, Fr, G1Affine, G2Affine};
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use ark_std::rand::{Rng, SeedableRng};
use veritas_proto::zkverify::v1 as pb;
use veritas_zkverify::encoding::{proof_bytes, proof_id, public_input_bytes, verifying_key_bytes, verifying_key_id};

use super::*;

/// k public inputs z_j = x_j · y with private x_j, y.
#[derive(Clone)]
struct Products {
    xs: Vec<Option<Fr>>,
    y: Option<Fr>,
}

impl ConstraintSynthesizer<Fr> for Products {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let y = cs.new_witness_variable(|| self.y.ok_or(SynthesisError::AssignmentMissing))?;
        for x in self.xs {
            let xv = cs.new_witness_variable(|| x.ok_or(SynthesisError::AssignmentMissing))?;
            let z = cs.new_input_variable(|| {
                Ok(x.ok_or(SynthesisError::AssignmentMissing)? * self.y.ok_or(SynthesisError::AssignmentMissing)?)
            })?;
            cs.enforce_constraint(lc!() + xv, lc!() + y, lc!() + z)?;
        }
        Ok(())
    }
}

struct Circuit {
    pk: ProvingKey<Bls12_381>,
    vk: VerifyingKey<Bls12_381>,
    k: usize,
}

impl Circuit {
    fn setup(k: usize, seed: u64) -> Self {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(seed);
        let (pk, vk) =
            Groth16::<Bls12_381>::circuit_specific_setup(Products { xs: vec![None; k], y: None }, &mut rng).unwrap();
        Self { pk, vk, k }
    }

    fn vk_bytes(&self) -> Vec<u8> {
        verifying_key_bytes(&self.vk)
    }

    fn vk_id(&self) -> String {
        verifying_key_id(&self.vk_bytes())
    }

    /// A valid proof and its inputs (32-byte LE) for witness `seed`.
    fn prove(&self, seed: u64) -> (Proof<Bls12_381>, Vec<Vec<u8>>) {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(seed ^ 0xA5A5);
        let xs: Vec<Fr> = (0..self.k as u64).map(|j| Fr::from(seed * 31 + j + 2)).collect();
        let y = Fr::from(seed + 5);
        let circuit = Products { xs: xs.iter().map(|x| Some(*x)).collect(), y: Some(y) };
        let proof = Groth16::<Bls12_381>::prove(&self.pk, circuit, &mut rng).unwrap();
        (proof, xs.iter().map(|x| public_input_bytes(&(*x * y))).collect())
    }
}

fn register(creator: &Address, vk: Vec<u8>) -> Any {
    let msg = pb::MsgRegisterVerifyingKey { creator: creator.to_bech32(), vk };
    Any { type_url: pb::MSG_REGISTER_VERIFYING_KEY.into(), value: msg.encode_to_vec() }
}

fn verify(submitter: &Address, vk_id: &str, proof: Vec<u8>, inputs: Vec<Vec<u8>>) -> Any {
    let msg =
        pb::MsgVerifyProof { submitter: submitter.to_bech32(), vk_id: vk_id.into(), proof, public_inputs: inputs };
    Any { type_url: pb::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() }
}

impl Chain {
    /// Signs `msg` by key(1) with its current sequence.
    fn tx(&self, msg: Any) -> Vec<u8> {
        let alice = key(1);
        TxSpec { msgs: vec![msg], sequence: self.sequence(&alice.address), gas: 3_000_000, ..TxSpec::send("1") }
            .build(&alice)
    }

    fn run_msg(&mut self, msg: Any) -> TxOutcome {
        let raw = self.tx(msg);
        self.run(ExecMode::Finalize, &raw)
    }

    fn query<R: Message + Default>(&self, path: &str, request: impl Message) -> Result<R, Error> {
        let ctx = QueryContext::new(5, CHAIN, &self.state);
        let raw = self.env.modules.query(&ctx, path, &request.encode_to_vec())?;
        Ok(R::decode(raw.as_slice()).unwrap())
    }
}

/// The message fails in FinalizeBlock with (zkverify, code); only the fee is charged.
fn fee_kept(c: &mut Chain, msg: Any, code: u32) -> String {
    let raw = c.tx(msg);
    failed_with_fee(c, &raw, ZK, code)
}

/// The message is refused before any fee (stateless), changing nothing.
fn refused(c: &mut Chain, msg: Any, code: u32) -> String {
    let raw = c.tx(msg);
    rejected_without_fee(c, ExecMode::Finalize, &raw, ZK, code)
}

fn uncompressed(proof: &Proof<Bls12_381>) -> Vec<u8> {
    let mut bytes = Vec::new();
    proof.serialize_uncompressed(&mut bytes).unwrap();
    bytes
}

fn event_attr(out: &TxOutcome, kind: &str, key: &str) -> Option<String> {
    out.events
        .iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// A G1 point on the curve but outside the prime-order subgroup.
fn g1_outside_subgroup() -> G1Affine {
    (1u64..)
        .filter_map(|x| G1Affine::get_point_from_x_unchecked(Fq::from(x), false))
        .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        .unwrap()
}

fn g2_outside_subgroup() -> G2Affine {
    (1u64..)
        .filter_map(|x| {
            G2Affine::get_point_from_x_unchecked(ark_bls12_381::Fq2::new(Fq::from(x), Fq::from(1u64)), false)
        })
        .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        .unwrap()
}

const ZK: &str = "zkverify";

#[test]
fn register_verify_query_and_every_refusal_with_its_own_code() {
    let mut c = chain("");
    let alice = key(1).address;
    let one = Circuit::setup(1, 1);
    let two = Circuit::setup(2, 2);

    // Register both keys; the id is the hash clients compute offline.
    for circuit in [&one, &two] {
        let out = c.run_msg(register(&alice, circuit.vk_bytes()));
        assert_eq!(out.code, 0, "{}", out.log);
        assert_eq!(event_attr(&out, "register_verifying_key", "vk_id"), Some(circuit.vk_id()));
    }
    let r: pb::QueryVerifyingKeyResponse =
        c.query(veritas_zkverify::VERIFYING_KEY, pb::QueryVerifyingKeyRequest { vk_id: one.vk_id() }).unwrap();
    let record = r.verifying_key.unwrap();
    assert_eq!(
        (record.public_inputs, record.vk.clone(), record.creator.clone()),
        (1, one.vk_bytes(), alice.to_bech32())
    );
    let all: pb::QueryVerifyingKeysResponse =
        c.query(veritas_zkverify::VERIFYING_KEYS, pb::QueryVerifyingKeysRequest { pagination: None }).unwrap();
    assert_eq!(all.verifying_keys.len(), 2);

    // A duplicate key is refused; the fee is kept.
    let log = fee_kept(&mut c, register(&alice, one.vk_bytes()), 8);
    assert!(log.contains("already registered"), "{log}");

    // A valid proof is recorded under verified/<proof_id>.
    let (proof, inputs) = one.prove(7);
    let out = c.run_msg(verify(&alice, &one.vk_id(), proof_bytes(&proof), inputs.clone()));
    assert_eq!(out.code, 0, "{}", out.log);
    let expected_id = hex::encode(proof_id(&one.vk_id(), &proof_bytes(&proof), &inputs));
    assert_eq!(event_attr(&out, "proof_verified", "proof_id"), Some(expected_id.clone()));
    let r: pb::QueryVerifiedProofResponse = c
        .query(veritas_zkverify::VERIFIED_PROOF, pb::QueryVerifiedProofRequest { proof_id: expected_id.clone() })
        .unwrap();
    let stored = r.proof.unwrap();
    assert_eq!((stored.vk_id, stored.public_inputs, stored.height), (one.vk_id(), inputs.clone(), 5));
    assert_eq!(stored.submitter, alice.to_bech32());

    // Resubmitting it, even in uncompressed form, is refused.
    fee_kept(&mut c, verify(&alice, &one.vk_id(), proof_bytes(&proof), inputs.clone()), 11);
    fee_kept(&mut c, verify(&alice, &one.vk_id(), uncompressed(&proof), inputs.clone()), 11);

    // Altered A, B, C or input: well-formed, but it does not verify (code 10, fee kept).
    let (other, _) = one.prove(8);
    for altered in [
        Proof { a: other.a, ..proof.clone() },
        Proof { b: other.b, ..proof.clone() },
        Proof { c: other.c, ..proof.clone() },
    ] {
        fee_kept(&mut c, verify(&alice, &one.vk_id(), proof_bytes(&altered), inputs.clone()), 10);
    }
    let (fresh, fresh_inputs) = one.prove(9);
    let mut altered_input = fresh_inputs.clone();
    altered_input[0][0] ^= 1;
    fee_kept(&mut c, verify(&alice, &one.vk_id(), proof_bytes(&fresh), altered_input), 10);

    // An input >= r is refused before any fee (stateless), and never reduced.
    let modulus = Fr::MODULUS.to_bytes_le();
    let log = refused(&mut c, verify(&alice, &one.vk_id(), proof_bytes(&fresh), vec![modulus]), 5);
    assert!(log.contains("public input 0"), "{log}");

    // A point off the curve: uncompressed A with a changed y; compressed x with no y.
    let mut off_curve = uncompressed(&fresh);
    off_curve[95] ^= 1;
    let log = fee_kept(&mut c, verify(&alice, &one.vk_id(), off_curve, fresh_inputs.clone()), 3);
    assert!(log.contains("proof A"), "{log}");
    let no_point = (0u8..)
        .map(|i| {
            let mut bytes = proof_bytes(&fresh);
            bytes[47] = bytes[47].wrapping_add(i + 1);
            bytes
        })
        .find(|b| veritas_zkverify::encoding::decode_proof(b).is_err_and(|e| e.code() == 3))
        .unwrap();
    fee_kept(&mut c, verify(&alice, &one.vk_id(), no_point, fresh_inputs.clone()), 3);

    // Points on the curve but outside the subgroup, in A and in B.
    for bad in
        [Proof { a: g1_outside_subgroup(), ..fresh.clone() }, Proof { b: g2_outside_subgroup(), ..fresh.clone() }]
    {
        let log = fee_kept(&mut c, verify(&alice, &one.vk_id(), proof_bytes(&bad), fresh_inputs.clone()), 4);
        assert!(log.contains("subgroup"), "{log}");
    }

    // Wrong input count; unknown key; malformed key id; proof of the wrong length.
    fee_kept(&mut c, verify(&alice, &two.vk_id(), proof_bytes(&fresh), fresh_inputs.clone()), 6);
    fee_kept(&mut c, verify(&alice, &"ab".repeat(32), proof_bytes(&fresh), fresh_inputs.clone()), 9);
    refused(&mut c, verify(&alice, "ABC", proof_bytes(&fresh), fresh_inputs.clone()), 12);
    refused(&mut c, verify(&alice, &one.vk_id(), vec![0; 100], fresh_inputs.clone()), 2);

    // A key with a point outside the subgroup is refused.
    let bad_key = VerifyingKey { alpha_g1: g1_outside_subgroup(), ..one.vk.clone() };
    let mut bad_bytes = Vec::new();
    bad_key.serialize_compressed(&mut bad_bytes).unwrap();
    fee_kept(&mut c, register(&alice, bad_bytes), 4);
    // A truncated key, and a key whose count prefix claims a huge Vec: refused before any allocation.
    let mut truncated = one.vk_bytes();
    truncated.truncate(200);
    refused(&mut c, register(&alice, truncated), 2);
    let mut huge = one.vk_bytes();
    huge[336..344].copy_from_slice(&u64::MAX.to_le_bytes());
    refused(&mut c, register(&alice, huge), 7);

    // The fresh proof still verifies after all that.
    let out = c.run_msg(verify(&alice, &one.vk_id(), uncompressed(&fresh), fresh_inputs));
    assert_eq!(out.code, 0, "{}", out.log);
}

#[test]
fn max_public_inputs_is_enforced_and_genesis_round_trips() {
    let small = Circuit::setup(1, 3);
    let big = Circuit::setup(3, 4);
    let genesis = json!({
        "params": { "max_public_inputs": 2, "register_gas_per_byte": 40, "verify_gas_base": 36000, "verify_gas_per_input": 3400 },
        "verifying_keys": [{ "vk": hex::encode(small.vk_bytes()), "creator": "" }],
    });
    let mut c = chain_with("", genesis);
    let alice = key(1).address;
    let log = fee_kept(&mut c, register(&alice, big.vk_bytes()), 7);
    assert!(log.contains("max_public_inputs is 2"), "{log}");
    let (proof, inputs) = small.prove(1);
    let out = c.run_msg(verify(&alice, &small.vk_id(), proof_bytes(&proof), inputs));
    assert_eq!(out.code, 0, "{}", out.log);

    // Export → validate → init gives the same state.
    let ctx = QueryContext::new(5, CHAIN, &c.state);
    let exported = c.env.modules.export_genesis(&ctx).unwrap();
    assert_eq!(exported["zkverify"]["verifying_keys"][0]["vk_id"], small.vk_id());
    assert_eq!(exported["zkverify"]["verified_proofs"].as_array().unwrap().len(), 1);
    let again = chain_with("", exported["zkverify"].clone());
    let ctx2 = QueryContext::new(5, CHAIN, &again.state);
    assert_eq!(again.env.modules.export_genesis(&ctx2).unwrap()["zkverify"], exported["zkverify"]);

    // A genesis key whose stated id does not match is refused.
    let mut wrong = exported["zkverify"].clone();
    wrong["verifying_keys"][0]["vk_id"] = json!("00".repeat(32));
    assert!(c.env.modules.modules().find(|m| m.name() == ZK).unwrap().validate_genesis(&wrong).is_err());
}

/// One block's worth of mixed submissions, executed with the block batch on one chain
/// and one by one (fresh caches, no batch) on another: same codes, logs, gas, state.
#[test]
fn the_block_batch_gives_every_tx_its_alone_result() {
    let circuits = [Circuit::setup(1, 11), Circuit::setup(3, 12)];
    let genesis = json!({
        "verifying_keys": circuits.iter().map(|c| json!({ "vk": hex::encode(c.vk_bytes()) })).collect::<Vec<_>>(),
    });
    let alice = key(1);
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(99);
    for round in 0..4u64 {
        let mut batched = chain_with("", genesis.clone());
        let mut alone = chain_with("", genesis.clone());
        let mut txs = Vec::new();
        for i in 0..(6 + round as usize * 5) {
            let circuit = &circuits[rng.gen_range(0..2)];
            let (proof, mut inputs) = circuit.prove(round * 100 + i as u64);
            let mut bytes = if rng.gen_bool(0.5) { proof_bytes(&proof) } else { uncompressed(&proof) };
            match rng.gen_range(0..9) {
                0 => inputs[0][1] ^= 1,                                                 // wrong statement
                1 => bytes = proof_bytes(&Proof { a: g1_outside_subgroup(), ..proof }), // bad point
                4 => bytes = proof_bytes(&Proof { b: g2_outside_subgroup(), ..proof }), // bad B
                2 => inputs.push(public_input_bytes(&Fr::from(1u64))),                  // wrong count
                3 if i > 0 => bytes = proof_bytes(&circuit.prove(round * 100 + i as u64 - 1).0), // other proof
                _ => {}
            }
            let msg = verify(&alice.address, &circuit.vk_id(), bytes, inputs);
            txs.push(TxSpec { msgs: vec![msg], sequence: i as u64, gas: 3_000_000, ..TxSpec::send("1") }.build(&alice));
        }
        // The same proof twice in one block: the second is a resubmission.
        txs.push(txs[0].clone());

        let (checked, preverified) = batched.env.prepare_block(&txs, &batched.state, &batched.block);
        let with_batch: Vec<TxOutcome> = checked
            .into_iter()
            .map(|tx| batched.env.execute(&mut batched.state, &batched.block, ExecMode::Finalize, tx, &preverified))
            .collect();
        let one_by_one: Vec<TxOutcome> = txs.iter().map(|raw| alone.run(ExecMode::Finalize, raw)).collect();
        let summary = |outs: &[TxOutcome]| -> Vec<(u32, String, u64, String)> {
            outs.iter().map(|o| (o.code, o.codespace.clone(), o.gas_used, o.log.clone())).collect()
        };
        assert_eq!(summary(&with_batch), summary(&one_by_one), "round {round}");
        assert_eq!(batched.snapshot(), alone.snapshot(), "round {round}");
        let codes: Vec<u32> = with_batch.iter().map(|o| o.code).collect();
        assert!(codes.contains(&0) && codes.iter().any(|&c| c != 0), "round {round}: no mix: {codes:?}");
        assert!(veritas_zkverify::batch::verdicts_from_batches() > 0, "the block batch judged nothing");
    }
}

/// CheckTx does no pairing: a proof whose points are sound but which does not verify
/// passes CheckTx (so a sender cannot make every node it reaches pair for free), then
/// fails in the block with code 10, where its fee is charged. Bad points are still
/// refused by CheckTx.
#[test]
fn check_tx_skips_the_pairing_which_the_block_charges_for() {
    let circuit = Circuit::setup(1, 77);
    let alice = key(1).address;
    let mut c = chain("");
    assert!(c.run_msg(register(&alice, circuit.vk_bytes())).is_ok());
    let (proof, mut inputs) = circuit.prove(3);
    inputs[0] = public_input_bytes(&Fr::from(12345u64)); // a wrong statement
    let wrong = verify(&alice, &circuit.vk_id(), uncompressed(&proof), inputs.clone());

    let raw = c.tx(wrong.clone());
    let mut mempool =
        Chain { env: tx_env(MinGasPrices::default()), state: Overlay::new(Empty), block: c.block.clone() };
    mempool.state.apply(c.snapshot());
    let checked = mempool.run(ExecMode::CheckTx, &raw);
    assert!(checked.is_ok(), "CheckTx must not pair: {checked:?}");
    let log = fee_kept(&mut c, wrong, 10);
    assert!(log.contains("does not verify"), "{log}");

    // A B outside G2's subgroup is refused already in CheckTx.
    let mut bad = proof.clone();
    bad.b = g2_outside_subgroup();
    let raw = c.tx(verify(&alice, &circuit.vk_id(), uncompressed(&bad), inputs));
    let mut mempool =
        Chain { env: tx_env(MinGasPrices::default()), state: Overlay::new(Empty), block: c.block.clone() };
    mempool.state.apply(c.snapshot());
    let refused = mempool.run(ExecMode::CheckTx, &raw);
    assert_eq!((refused.codespace.as_str(), refused.code), (ZK, 4), "{}", refused.log);
}
