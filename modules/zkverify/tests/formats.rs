//! `--format snarkjs` on the files snarkjs 0.7.6 wrote (fixtures/, made by
//! fixtures/generate.sh) on BLS12-381 (`bls12381`) and BN254 (`bn128`), and its
//! strictness: every malformed value is refused with a message naming the field.

use std::path::PathBuf;

use serde_json::{json, Value};
use veritas_framework::Address;
use veritas_zkverify::formats::{read_proof, read_public_inputs, read_verifying_key, Format};
use veritas_zkverify::{verdict_alone, CurveId, VerifyRequest};

fn fixture(path: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

fn fixture_json(path: &str) -> Value {
    serde_json::from_slice(&fixture(path)).unwrap()
}

/// The verdict the chain would give (proof id, valid) for snarkjs files.
fn verdict(vk: &[u8], proof: &[u8], public: &[u8]) -> (String, bool) {
    let key = read_verifying_key(vk, Format::Snarkjs, None).unwrap();
    let proof = read_proof(proof, Format::Snarkjs, None).unwrap();
    assert_eq!(proof.curve, key.curve());
    let request = VerifyRequest::plain(
        Address::from_bytes(&[1; 20]).unwrap(),
        key.id(),
        proof.curve,
        proof.proof,
        read_public_inputs(public, Format::Snarkjs, key.curve()).unwrap(),
    );
    let (id, valid) = verdict_alone(&request, &key.prepare()).unwrap();
    (hex::encode(id), valid)
}

#[test]
fn snarkjs_proofs_of_both_circuits_verify_on_both_curves() {
    for (suffix, curve) in [("", CurveId::Bls12_381), ("_bn128", CurveId::Bn254)] {
        for (circuit, proofs, inputs) in [("multiplier", 2, 1), ("poly", 1, 4)] {
            let dir = format!("{circuit}{suffix}");
            let vk = fixture(&format!("{dir}/verification_key.json"));
            let key = read_verifying_key(&vk, Format::Snarkjs, None).unwrap();
            assert_eq!((key.curve(), key.public_inputs()), (curve, inputs), "{dir}");
            for n in 1..=proofs {
                let proof = fixture(&format!("{dir}/proof_{n}.json"));
                let public = fixture(&format!("{dir}/public_{n}.json"));
                assert_eq!(read_public_inputs(&public, Format::Snarkjs, curve).unwrap().len(), inputs);
                assert!(verdict(&vk, &proof, &public).1, "{dir} proof {n}");
            }
        }
    }
    // The same circuit on the two curves: two keys, two ids.
    let bls = read_verifying_key(&fixture("multiplier/verification_key.json"), Format::Snarkjs, None).unwrap();
    let bn = read_verifying_key(&fixture("multiplier_bn128/verification_key.json"), Format::Snarkjs, None).unwrap();
    assert_ne!(bls.id(), bn.id());
    // A --curve that contradicts the file is refused.
    let err = read_verifying_key(
        &fixture("multiplier_bn128/verification_key.json"),
        Format::Snarkjs,
        Some(CurveId::Bls12_381),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--curve"), "{err}");
}

#[test]
fn a_changed_public_signal_or_another_circuits_proof_does_not_verify() {
    let vk = fixture("multiplier/verification_key.json");
    let proof = fixture("multiplier/proof_1.json");
    let mut public = fixture_json("multiplier/public_1.json");
    let value: u128 = public[0].as_str().unwrap().parse().unwrap();
    public[0] = json!((value + 1).to_string());
    assert!(!verdict(&vk, &proof, public.to_string().as_bytes()).1);
    // proof 2 with proof 1's inputs
    assert!(!verdict(&vk, &fixture("multiplier/proof_2.json"), &fixture("multiplier/public_1.json")).1);
}

/// Applies `change` to a copy of `file` and returns the error of reading it.
fn refusal(file: &str, read: fn(&[u8]) -> Result<(), String>, change: impl FnOnce(&mut Value)) -> String {
    let mut value = fixture_json(file);
    change(&mut value);
    read(value.to_string().as_bytes()).expect_err(&format!("must be refused: {file}: {value}"))
}

fn read_vk(b: &[u8]) -> Result<(), String> {
    read_verifying_key(b, Format::Snarkjs, None).map(|_| ()).map_err(|e| e.to_string())
}
fn read_pf(b: &[u8]) -> Result<(), String> {
    read_proof(b, Format::Snarkjs, None).map(|_| ()).map_err(|e| e.to_string())
}
fn read_pub(b: &[u8]) -> Result<(), String> {
    read_public_inputs(b, Format::Snarkjs, CurveId::Bls12_381).map(|_| ()).map_err(|e| e.to_string())
}
fn read_pub_bn254(b: &[u8]) -> Result<(), String> {
    read_public_inputs(b, Format::Snarkjs, CurveId::Bn254).map(|_| ()).map_err(|e| e.to_string())
}

const P: &str =
    "4002409555221667393417789825735904156556882819939007885332058136124031650490837864442687629129015664037894272559787";
const R: &str = "52435875175126190479447740508185965837690552500527637822603658699938581184513";
const R_PLUS_1: &str = "52435875175126190479447740508185965837690552500527637822603658699938581184514";
const BN254_P: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
const BN254_R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";

#[test]
fn malformed_snarkjs_values_are_refused_naming_the_field() {
    let vk = "multiplier/verification_key.json";
    let pf = "multiplier/proof_1.json";
    let cases: Vec<(String, &str)> = vec![
        (refusal(vk, read_vk, |v| v["curve"] = json!("bls12377")), "curve"),
        (refusal(vk, read_vk, |v| v["protocol"] = json!("plonk")), "protocol"),
        (refusal(pf, read_pf, |v| v["curve"] = json!("secp256k1")), "curve"),
        // BLS12-381 points read as BN254 ones: coordinates above BN254's p.
        (refusal(vk, read_vk, |v| v["curve"] = json!("bn128")), "is not below the base field modulus"),
        (
            refusal("multiplier_bn128/verification_key.json", read_vk, |v| v["vk_alpha_1"][0] = json!(BN254_P)),
            "vk_alpha_1[0]: is not below the base field modulus",
        ),
        (
            refusal("multiplier_bn128/proof_1.json", read_pf, |v| v["pi_b"][1][1] = json!("7")),
            "pi_b: point is not on the curve",
        ),
        // BN254's r is below BLS12-381's: a value valid on one curve is refused on the other.
        (refusal("multiplier/public_1.json", read_pub_bn254, |v| v[0] = json!(BN254_R)), "public input 0"),
        (refusal(vk, read_vk, |v| v["vk_alpha_1"][0] = json!(P)), "vk_alpha_1[0]: is not below the base field modulus"),
        (
            refusal(vk, read_vk, |v| v["vk_alpha_1"][0] = json!(12345)),
            "vk_alpha_1[0]: must be a decimal string, not a JSON number",
        ),
        (refusal(vk, read_vk, |v| v["IC"][1][1] = json!("-5")), "IC[1][1]"),
        (
            refusal(vk, read_vk, |v| {
                let x = v["vk_beta_2"][0][0].as_str().unwrap().to_owned();
                v["vk_beta_2"][0][0] = json!(format!("0{x}"));
            }),
            "vk_beta_2[0][0]: \"0",
        ),
        (refusal(vk, read_vk, |v| v["nPublic"] = json!(3)), "nPublic"),
        (refusal(vk, read_vk, |v| v["vk_delta_2"][2] = json!(["0", "1"])), "vk_delta_2"),
        (refusal(pf, read_pf, |v| v["pi_a"][1] = json!("7")), "pi_a: point is not on the curve"),
        (refusal(pf, read_pf, |v| v["pi_b"][1][0] = json!("7")), "pi_b: point is not on the curve"),
        (refusal(pf, read_pf, |v| v["pi_c"][2] = json!("2")), "pi_c"),
        (refusal(pf, read_pf, |v| v.as_object_mut().unwrap().remove("pi_c").map(|_| ()).unwrap()), "pi_c: missing"),
        (
            refusal("multiplier/public_1.json", read_pub, |v| v[0] = json!(R)),
            "public input 0: is not below the scalar field modulus r",
        ),
        (refusal("multiplier/public_1.json", read_pub, |v| v[0] = json!(R_PLUS_1)), "public input 0"),
        (refusal("multiplier/public_1.json", read_pub, |v| v[0] = json!(33)), "not a JSON number"),
        (refusal("multiplier/public_1.json", read_pub, |v| v[0] = json!("033")), "leading zero"),
    ];
    for (error, expected) in cases {
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
    }
}

#[test]
fn a_snarkjs_point_outside_the_subgroup_is_refused() {
    use ark_bls12_381::{Fq, G1Affine};
    let outside = (1u64..)
        .filter_map(|x| G1Affine::get_point_from_x_unchecked(Fq::from(x), false))
        .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
        .unwrap();
    let error = refusal("multiplier/proof_1.json", read_pf, |v| {
        v["pi_a"] = json!([outside.x.to_string(), outside.y.to_string(), "1"]);
    });
    assert!(error.contains("pi_a: point is not in the prime-order subgroup"), "{error}");
}

#[test]
fn arkworks_files_binary_hex_and_json_read_the_same_on_both_curves() {
    for (dir, curve) in [("poly", CurveId::Bls12_381), ("poly_bn128", CurveId::Bn254)] {
        let key = read_verifying_key(&fixture(&format!("{dir}/verification_key.json")), Format::Snarkjs, None).unwrap();
        let vk_bytes = key.vk_bytes();
        let proof = read_proof(&fixture(&format!("{dir}/proof_1.json")), Format::Snarkjs, None).unwrap().proof;
        let inputs = read_public_inputs(&fixture(&format!("{dir}/public_1.json")), Format::Snarkjs, curve).unwrap();
        let ark = |bytes: &[u8]| read_verifying_key(bytes, Format::Arkworks, Some(curve)).unwrap();
        assert_eq!(ark(&vk_bytes), key);
        assert_eq!(ark(hex::encode(&vk_bytes).as_bytes()), key);
        let read =
            read_proof(format!("0x{}\n", hex::encode(&proof)).as_bytes(), Format::Arkworks, Some(curve)).unwrap();
        assert_eq!((read.curve, read.proof.clone()), (curve, proof.clone()));
        let joined: Vec<u8> = inputs.concat();
        assert_eq!(read_public_inputs(&joined, Format::Arkworks, curve).unwrap(), inputs);
        let as_json = serde_json::to_vec(&inputs.iter().map(hex::encode).collect::<Vec<_>>()).unwrap();
        assert_eq!(read_public_inputs(&as_json, Format::Arkworks, curve).unwrap(), inputs);
        assert!(read_public_inputs(&joined[..40], Format::Arkworks, curve)
            .unwrap_err()
            .to_string()
            .contains("32-byte"));
        assert!(read_proof(&proof[..100], Format::Arkworks, Some(curve)).is_err());
        // Without --curve, arkworks bytes are BLS12-381: a BN254 key does not read as one.
        if curve == CurveId::Bn254 {
            assert!(read_verifying_key(&vk_bytes, Format::Arkworks, None).is_err());
        }
    }
}

/// Fuzzing regressions (fuzz/regressions/zk_decoders): each input, first byte dropped
/// (the fuzz target's decoder selector), is refused without a panic.
#[test]
fn fuzzing_regressions_are_refused_not_panics() {
    // An arkworks key file shorter than an uncompressed key's fixed part: the length
    // arithmetic underflowed.
    let input = include_bytes!("../../../fuzz/regressions/zk_decoders/arkworks-key-shorter-than-fixed-part");
    for curve in CurveId::ALL {
        assert!(veritas_zkverify::formats::arkworks::verifying_key(&input[1..], curve).is_err());
    }
}
