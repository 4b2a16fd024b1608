//! zkverify through the whole tx path (ante, routing, gas, events, state), with
//! Groth16 proofs made here by ark-groth16: every refusal has its own code, and the
//! block batch gives each tx exactly the result it gets alone.

use ark_bls12_381::{Bls12_381, Fq, Fr, G1Affine, G2Affine};
use ark_bn254::Bn254;
use ark_ec::short_weierstrass::Affine;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_relations::lc;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use ark_std::rand::{Rng, SeedableRng};
use veritas_proto::zkverify::v1 as pb;
use veritas_zkverify::encoding::{proof_bytes, proof_id, public_input_bytes, verifying_key_bytes, verifying_key_id};
use veritas_zkverify::key::{AnyKey, Key as VerifyingKeyOf};
use veritas_zkverify::{Curve, CurveId};

use super::*;

/// k public inputs z_j = x_j · y with private x_j, y.
#[derive(Clone)]
struct Products<F> {
    xs: Vec<Option<F>>,
    y: Option<F>,
}

impl<F: PrimeField> ConstraintSynthesizer<F> for Products<F> {
    fn generate_constraints(self, cs: ConstraintSystemRef<F>) -> Result<(), SynthesisError> {
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

struct Circuit<E: Curve = Bls12_381> {
    pk: ProvingKey<E>,
    vk: VerifyingKey<E>,
    k: usize,
}

impl<E: Curve> Circuit<E> {
    fn setup(k: usize, seed: u64) -> Self {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(seed);
        let (pk, vk) =
            Groth16::<E>::circuit_specific_setup(Products::<E::ScalarField> { xs: vec![None; k], y: None }, &mut rng)
                .unwrap();
        Self { pk, vk, k }
    }

    fn vk_bytes(&self) -> Vec<u8> {
        verifying_key_bytes(&self.vk)
    }

    fn vk_id(&self) -> String {
        verifying_key_id(&VerifyingKeyOf::<E> { vk: self.vk.clone(), bsb22: None }.id_bytes())
    }

    /// A valid proof and its inputs (32-byte LE) for witness `seed`.
    fn prove(&self, seed: u64) -> (Proof<E>, Vec<Vec<u8>>) {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(seed ^ 0xA5A5);
        let xs: Vec<E::ScalarField> = (0..self.k as u64).map(|j| E::ScalarField::from(seed * 31 + j + 2)).collect();
        let y = E::ScalarField::from(seed + 5);
        let circuit = Products { xs: xs.iter().map(|x| Some(*x)).collect(), y: Some(y) };
        let proof = Groth16::<E>::prove(&self.pk, circuit, &mut rng).unwrap();
        (proof, xs.iter().map(|x| public_input_bytes(&(*x * y))).collect())
    }

    fn register(&self, creator: &Address) -> Any {
        let msg = pb::MsgRegisterVerifyingKey {
            creator: creator.to_bech32(),
            vk: self.vk_bytes(),
            curve: E::ID.to_proto(),
            commitments: None,
        };
        Any { type_url: pb::MSG_REGISTER_VERIFYING_KEY.into(), value: msg.encode_to_vec() }
    }

    fn verify(&self, submitter: &Address, proof: Vec<u8>, inputs: Vec<Vec<u8>>) -> Any {
        verify_on(E::ID, submitter, &self.vk_id(), proof, inputs)
    }

    fn genesis_key(&self) -> serde_json::Value {
        json!({ "vk": hex::encode(self.vk_bytes()), "curve": E::ID.name() })
    }
}

fn register(creator: &Address, vk: Vec<u8>) -> Any {
    let msg = pb::MsgRegisterVerifyingKey { creator: creator.to_bech32(), vk, ..Default::default() };
    Any { type_url: pb::MSG_REGISTER_VERIFYING_KEY.into(), value: msg.encode_to_vec() }
}

fn verify(submitter: &Address, vk_id: &str, proof: Vec<u8>, inputs: Vec<Vec<u8>>) -> Any {
    verify_on(CurveId::Bls12_381, submitter, vk_id, proof, inputs)
}

fn verify_on(curve: CurveId, submitter: &Address, vk_id: &str, proof: Vec<u8>, inputs: Vec<Vec<u8>>) -> Any {
    let msg = pb::MsgVerifyProof {
        submitter: submitter.to_bech32(),
        vk_id: vk_id.into(),
        proof,
        public_inputs: inputs,
        curve: curve.to_proto(),
        ..Default::default()
    };
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

fn uncompressed<E: Curve>(proof: &Proof<E>) -> Vec<u8> {
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

/// A G2 point on `E`'s curve but outside the prime-order subgroup.
fn g2_outside<E: Curve>() -> Affine<E::G2Config> {
    (1u64..)
        .filter_map(|x| {
            let x = <E::G2Config as ark_ec::CurveConfig>::BaseField::from_base_prime_field_elems(
                (0..2).map(|i| <<E::G2Config as ark_ec::CurveConfig>::BaseField as Field>::BasePrimeField::from(x + i)),
            )?;
            Affine::<E::G2Config>::get_point_from_x_unchecked(x, false)
        })
        .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        .unwrap()
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
    let one = Circuit::<Bls12_381>::setup(1, 1);
    let two = Circuit::<Bls12_381>::setup(2, 2);

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
        .find(|b| veritas_zkverify::encoding::decode_proof::<Bls12_381>(b).is_err_and(|e| e.code() == 3))
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
    let small = Circuit::<Bls12_381>::setup(1, 3);
    let big = Circuit::<Bls12_381>::setup(3, 4);
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

/// A submission against `circuit`, valid or broken at random in one of the ways a
/// stranger could send.
fn random_submission<E: Curve>(circuit: &Circuit<E>, seed: u64, rng: &mut impl Rng, submitter: &Address) -> Any {
    let (proof, mut inputs) = circuit.prove(seed);
    let mut bytes = if rng.gen_bool(0.5) { proof_bytes(&proof) } else { uncompressed(&proof) };
    let mut curve = E::ID;
    match rng.gen_range(0..10) {
        0 => inputs[0][1] ^= 1, // wrong statement
        1 => {
            // A off the curve: uncompressed, its y changed.
            bytes = uncompressed(&proof);
            let (_, g1) = E::ID.g1_lengths();
            bytes[g1 - 8] ^= 1;
        }
        4 => bytes = proof_bytes(&Proof { b: g2_outside::<E>(), ..proof.clone() }), // bad B
        2 => inputs.push(public_input_bytes(&E::ScalarField::from(1u64))),          // wrong count
        3 if seed > 0 => bytes = proof_bytes(&circuit.prove(seed - 1).0),           // other proof
        5 => {
            // Sent as the other curve's (refused statelessly, or by the key's curve).
            curve = if E::ID == CurveId::Bn254 { CurveId::Bls12_381 } else { CurveId::Bn254 };
        }
        _ => {}
    }
    verify_on(curve, submitter, &circuit.vk_id(), bytes, inputs)
}

/// One block's worth of mixed submissions on both curves, executed with the block
/// batch (one per curve) on one chain and one by one (fresh caches, no batch) on
/// another: same codes, logs, gas, state.
#[test]
fn the_block_batch_gives_every_tx_its_alone_result_on_both_curves() {
    let bls = [Circuit::<Bls12_381>::setup(1, 11), Circuit::<Bls12_381>::setup(3, 12)];
    let bn = [Circuit::<Bn254>::setup(1, 13), Circuit::<Bn254>::setup(2, 14)];
    let keys: Vec<serde_json::Value> =
        bls.iter().map(Circuit::genesis_key).chain(bn.iter().map(Circuit::genesis_key)).collect();
    let genesis = json!({ "verifying_keys": keys });
    let alice = key(1);
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(99);
    for round in 0..4u64 {
        let mut batched = chain_with("", genesis.clone());
        let mut alone = chain_with("", genesis.clone());
        let mut txs = Vec::new();
        for i in 0..(8 + round as usize * 6) {
            let seed = round * 100 + i as u64;
            let which = rng.gen_range(0..4);
            let msg = if which < 2 {
                random_submission(&bls[which], seed, &mut rng, &alice.address)
            } else {
                random_submission(&bn[which - 2], seed, &mut rng, &alice.address)
            };
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

/// A BN254 key and proof through the whole tx path: registered with its curve (record,
/// event, query), verified and recorded, then every refusal with its code.
#[test]
fn bn254_keys_and_proofs_have_their_curve_and_their_own_refusals() {
    let mut c = chain("");
    let alice = key(1).address;
    let bn = Circuit::<Bn254>::setup(2, 21);
    let out = c.run_msg(bn.register(&alice));
    assert_eq!(out.code, 0, "{}", out.log);
    assert_eq!(event_attr(&out, "register_verifying_key", "curve").as_deref(), Some("bn254"));
    assert_eq!(event_attr(&out, "register_verifying_key", "vk_id"), Some(bn.vk_id()));
    // The same key bytes read as BLS12-381 are refused (they are no BLS12-381 key).
    refused(&mut c, register(&alice, bn.vk_bytes()), 2);
    let r: pb::QueryVerifyingKeyResponse =
        c.query(veritas_zkverify::VERIFYING_KEY, pb::QueryVerifyingKeyRequest { vk_id: bn.vk_id() }).unwrap();
    let record = r.verifying_key.unwrap();
    assert_eq!((record.curve, record.public_inputs, record.vk.clone()), (CurveId::Bn254.to_proto(), 2, bn.vk_bytes()));

    let (proof, inputs) = bn.prove(5);
    let out = c.run_msg(bn.verify(&alice, uncompressed(&proof), inputs.clone()));
    assert_eq!(out.code, 0, "{}", out.log);
    let id = hex::encode(proof_id(&bn.vk_id(), &proof_bytes(&proof), &inputs));
    assert_eq!(event_attr(&out, "proof_verified", "proof_id"), Some(id));
    fee_kept(&mut c, bn.verify(&alice, proof_bytes(&proof), inputs.clone()), 11);
    let mut changed = inputs.clone();
    changed[1][0] ^= 1;
    fee_kept(&mut c, bn.verify(&alice, proof_bytes(&proof), changed), 10);
    // B outside G2's subgroup (BN254's G2 has a cofactor; its G1 has none).
    let bad = Proof { b: g2_outside::<Bn254>(), ..proof.clone() };
    let log = fee_kept(&mut c, bn.verify(&alice, proof_bytes(&bad), inputs.clone()), 4);
    assert!(log.contains("proof B"), "{log}");
    // An input below BLS12-381's r but not BN254's: refused before any fee.
    let modulus = ark_bn254::Fr::MODULUS.to_bytes_le();
    refused(&mut c, bn.verify(&alice, proof_bytes(&proof), vec![modulus, inputs[1].clone()]), 5);
    // A BLS12-381-length proof sent as BN254, and a BN254 proof sent as BLS12-381.
    refused(&mut c, bn.verify(&alice, vec![0; 192], inputs.clone()), 2);
    refused(&mut c, verify(&alice, &bn.vk_id(), proof_bytes(&proof), inputs.clone()), 2);
    // A BLS12-381 proof's bytes, sent as BLS12-381 against the BN254 key: the key's curve decides.
    let bls = Circuit::<Bls12_381>::setup(2, 22);
    let (bls_proof, bls_inputs) = bls.prove(1);
    let log = fee_kept(&mut c, verify(&alice, &bn.vk_id(), proof_bytes(&bls_proof), bls_inputs), 15);
    assert!(log.contains("bn254"), "{log}");
    // An unknown curve value is refused before any fee.
    let msg = pb::MsgVerifyProof {
        submitter: alice.to_bech32(),
        vk_id: bn.vk_id(),
        proof: proof_bytes(&proof),
        public_inputs: inputs.clone(),
        curve: 7,
        ..Default::default()
    };
    refused(&mut c, Any { type_url: pb::MSG_VERIFY_PROOF.into(), value: msg.encode_to_vec() }, 15);
    // BN254 proofs cost less gas than BLS12-381 ones with as many inputs.
    let (fresh, fresh_inputs) = bn.prove(6);
    let bn_gas = c.run_msg(bn.verify(&alice, uncompressed(&fresh), fresh_inputs)).gas_used;
    assert!(c.run_msg(bls.register(&alice)).is_ok());
    let (p, i) = bls.prove(2);
    let bls_gas = c.run_msg(bls.verify(&alice, uncompressed(&p), i)).gas_used;
    assert!(bn_gas < bls_gas, "BN254 {bn_gas} gas, BLS12-381 {bls_gas}");

    // Genesis exports the curve and imports it again.
    let ctx = QueryContext::new(5, CHAIN, &c.state);
    let exported = c.env.modules.export_genesis(&ctx).unwrap();
    let keys = exported["zkverify"]["verifying_keys"].as_array().unwrap();
    let bn_key = keys.iter().find(|k| k["vk_id"] == bn.vk_id()).unwrap();
    assert_eq!(bn_key["curve"], "bn254");
    let again = chain_with("", exported["zkverify"].clone());
    let ctx2 = QueryContext::new(5, CHAIN, &again.state);
    assert_eq!(again.env.modules.export_genesis(&ctx2).unwrap()["zkverify"], exported["zkverify"]);
    // The AnyKey id equals the id registration computed.
    let any = AnyKey::decode(CurveId::Bn254, &bn.vk_bytes(), None).unwrap();
    assert_eq!(any.id(), bn.vk_id());
}

/// CheckTx does no pairing: a proof whose points are sound but which does not verify
/// passes CheckTx (so a sender cannot make every node it reaches pair for free), then
/// fails in the block with code 10, where its fee is charged. Bad points are still
/// refused by CheckTx.
#[test]
fn check_tx_skips_the_pairing_which_the_block_charges_for() {
    let circuit = Circuit::<Bls12_381>::setup(1, 77);
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
