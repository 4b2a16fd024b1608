//! zkverify end to end: proofs made live by `snarkjs groth16 prove` (circom2 circuits,
//! BLS12-381 and BN254) and by stock gnark v0.14.0 (BN254 and BLS12-381, plain and with
//! an `api.Commit` commitment) go to a recorded verification on a real chain (real
//! cometbft, real RocksDB) with only `veritasd` commands, then are queried back.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use common::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../modules/zkverify/fixtures")
}

/// A fresh proof of a·b for random a, b, made by snarkjs with the committed zkey of
/// `fixture` (`multiplier`: BLS12-381, `multiplier_bn128`: BN254).
fn snarkjs_prove(dir: &Path, fixture: &str) -> (PathBuf, PathBuf, u128) {
    assert!(
        fixtures().join("node_modules/.bin/snarkjs").exists(),
        "snarkjs is not installed: run `npm ci` in modules/zkverify/fixtures (scripts/setup.sh does)"
    );
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
    let (a, b) = (1_000 + nanos % 1_000_000_007, 3 + (nanos / 7) % 999_983);
    let input = dir.join(format!("{fixture}.input.json"));
    std::fs::write(&input, format!("{{\"a\": \"{a}\", \"b\": \"{b}\"}}")).unwrap();
    let out_dir = dir.join(format!("{fixture}.proof"));
    let out = Command::new("bash")
        .arg(fixtures().join("prove.sh"))
        .args([fixture.as_ref(), input.as_os_str(), out_dir.as_os_str()])
        .output()
        .unwrap();
    assert!(out.status.success(), "snarkjs prove failed: {}", String::from_utf8_lossy(&out.stderr));
    (out_dir.join("proof.json"), out_dir.join("public.json"), a * b)
}

#[test]
fn a_snarkjs_proof_is_registered_verified_recorded_and_queried() {
    let node = Node::init("e2e-zk-1");
    let faucet = node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "100000000uvrt");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    node.wait_height(2, Duration::from_secs(60));
    let rpc = node.rpc_url();
    let s = |p: &Path| p.to_str().unwrap().to_owned();

    let (proof, public, product) = snarkjs_prove(node.dir.path(), "multiplier");
    let vk = fixtures().join("multiplier/verification_key.json");
    let tx = |args: &[&str]| {
        let mut all = vec!["tx", "zkverify"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--from",
            "faucet",
            "--keyring-backend",
            "test",
            "--node",
            &rpc,
            "--fees",
            "50000uvrt",
            "-y",
            "--wait",
            "--output",
            "json",
        ]);
        node.cli(&all)
    };

    // Offline: the key's id and a local verification, exactly as the chain will.
    let vk_id = String::from_utf8(veritasd(&["zkverify", "vk-id", &s(&vk), "--format", "snarkjs"]).stdout).unwrap();
    let vk_id = vk_id.trim().to_owned();
    assert_eq!(vk_id.len(), 64, "{vk_id:?}");
    let local = ok_json(&veritasd(&[
        "zkverify",
        "verify-local",
        &s(&vk),
        &s(&proof),
        &s(&public),
        "--format",
        "snarkjs",
        "--output",
        "json",
    ]));
    assert_eq!(local["valid"], true);

    // Register (gas from simulation), then verify with the snarkjs files.
    let registered = ok_json(&tx(&["register-vk", &s(&vk), "--format", "snarkjs", "--gas", "auto"]));
    assert_eq!((registered["code"].as_u64(), registered["vk_id"].as_str()), (Some(0), Some(vk_id.as_str())));
    let verified = ok_json(&tx(&["verify", &vk_id, &s(&proof), &s(&public), "--format", "snarkjs", "--gas", "auto"]));
    assert_eq!(verified["code"], 0, "{verified}");
    let proof_id = verified["proof_id"].as_str().unwrap().to_owned();
    assert_eq!(proof_id, local["proof_id"], "the chain and verify-local agree on the proof id");

    // The record, under verified/<proof_id>.
    let record = ok_json(&veritasd(&["q", "zkverify", "proof", &proof_id, "--node", &rpc, "--output", "json"]));
    assert_eq!(record["vk_id"], vk_id.as_str());
    assert_eq!(record["submitter"], faucet.as_str());
    assert_eq!(record["height"], verified["height"].to_string().as_str());
    let mut expected_input = [0u8; 32];
    expected_input[..16].copy_from_slice(&product.to_le_bytes());
    assert_eq!(record["public_inputs"][0], hex::encode(expected_input), "the public input is a·b");

    // Resubmitting is refused with its own code; so is a changed public signal.
    let again = tx(&["verify", &vk_id, &s(&proof), &s(&public), "--format", "snarkjs", "--gas", "500000"]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("code 11") && err.contains("already recorded"), "{err}");
    let wrong = node.dir.path().join("wrong.json");
    std::fs::write(&wrong, format!("[\"{}\"]", product + 1)).unwrap();
    // CheckTx does no pairing: the invalid proof enters a block, fails there with code 10,
    // and its sender pays the fee for the pairing it caused.
    let balance = || -> u128 {
        let out = ok_json(&veritasd(&[
            "q", "bank", "balances", &faucet, "--denom", "uvrt", "--node", &rpc, "--output", "json",
        ]));
        out["amount"].as_str().or(out["balance"]["amount"].as_str()).unwrap().parse().unwrap()
    };
    let before = balance();
    let bad = tx(&["verify", &vk_id, &s(&proof), &s(&wrong), "--format", "snarkjs", "--gas", "500000"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("code 10") && err.contains("does not verify"), "{err}");
    assert_eq!(balance(), before - 50_000, "the fee of the failed proof was charged in its block");

    // A second circuit with 4 public inputs, from the committed snarkjs files.
    let poly = fixtures().join("poly");
    let poly_vk =
        ok_json(&tx(&["register-vk", &s(&poly.join("verification_key.json")), "--format", "snarkjs", "--gas", "auto"]));
    let poly_id = poly_vk["vk_id"].as_str().unwrap().to_owned();
    let poly_proof = ok_json(&tx(&[
        "verify",
        &poly_id,
        &s(&poly.join("proof_1.json")),
        &s(&poly.join("public_1.json")),
        "--format",
        "snarkjs",
        "--gas",
        "auto",
    ]));
    assert_eq!(poly_proof["code"], 0);

    // Queries: keys, one key, params.
    let keys = ok_json(&veritasd(&["q", "zkverify", "vks", "--node", &rpc, "--output", "json"]));
    let ids: Vec<&str> =
        keys["verifying_keys"].as_array().unwrap().iter().map(|k| k["vk_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&vk_id.as_str()) && ids.contains(&poly_id.as_str()) && ids.len() == 2, "{keys}");
    let key = ok_json(&veritasd(&["q", "zkverify", "vk", &poly_id, "--node", &rpc, "--output", "json"]));
    assert_eq!(key["verifying_key"]["public_inputs"], 4);
    let params = ok_json(&veritasd(&["q", "zkverify", "params", "--node", &rpc, "--output", "json"]));
    assert_eq!(params["params"]["max_public_inputs"], 64);
    let missing = veritasd(&["q", "zkverify", "proof", &"0".repeat(64), "--node", &rpc]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("NotFound"));

    // The same circuit compiled with circom's default prime (bn128, BN254): its own key
    // and id, a fresh proof verified and recorded, a changed signal and a resubmission refused.
    let (bn_proof, bn_public, bn_product) = snarkjs_prove(node.dir.path(), "multiplier_bn128");
    let bn_vk = fixtures().join("multiplier_bn128/verification_key.json");
    let bn_registered = ok_json(&tx(&["register-vk", &s(&bn_vk), "--format", "snarkjs", "--gas", "auto"]));
    assert_eq!(bn_registered["curve"], "bn254", "{bn_registered}");
    let bn_id = bn_registered["vk_id"].as_str().unwrap().to_owned();
    assert_ne!(bn_id, vk_id, "one circuit on two curves: two keys");
    let bn_key = ok_json(&veritasd(&["q", "zkverify", "vk", &bn_id, "--node", &rpc, "--output", "json"]));
    assert_eq!(
        (bn_key["verifying_key"]["curve"].as_str(), bn_key["verifying_key"]["public_inputs"].as_u64()),
        (Some("bn254"), Some(1))
    );
    let bn_verified =
        ok_json(&tx(&["verify", &bn_id, &s(&bn_proof), &s(&bn_public), "--format", "snarkjs", "--gas", "auto"]));
    assert_eq!(bn_verified["code"], 0, "{bn_verified}");
    let bn_record = ok_json(&veritasd(&[
        "q",
        "zkverify",
        "proof",
        bn_verified["proof_id"].as_str().unwrap(),
        "--node",
        &rpc,
        "--output",
        "json",
    ]));
    let mut expected_input = [0u8; 32];
    expected_input[..16].copy_from_slice(&bn_product.to_le_bytes());
    assert_eq!(
        (bn_record["vk_id"].as_str(), bn_record["public_inputs"][0].as_str()),
        (Some(bn_id.as_str()), Some(hex::encode(expected_input).as_str()))
    );
    let bn_wrong = node.dir.path().join("bn-wrong.json");
    std::fs::write(&bn_wrong, format!("[\"{}\"]", bn_product + 1)).unwrap();
    let bad = tx(&["verify", &bn_id, &s(&bn_proof), &s(&bn_wrong), "--format", "snarkjs", "--gas", "500000"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("code 10"), "{err}");
    let again = tx(&["verify", &bn_id, &s(&bn_proof), &s(&bn_public), "--format", "snarkjs", "--gas", "500000"]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success() && err.contains("code 11"), "{err}");
}

/// Fresh gnark v0.14.0 keys, proofs and witnesses (modules/zkverify/fixtures/gnark).
fn gnark_fixtures(out: &Path) {
    let out_arg = out.to_str().unwrap();
    let made = Command::new("go")
        .args(["run", ".", "--out", out_arg, "--seed", &(std::process::id() % 997 + 2).to_string()])
        .current_dir(fixtures().join("gnark"))
        .output()
        .expect("Go is needed to make gnark fixtures");
    assert!(made.status.success(), "gnark fixtures: {}", String::from_utf8_lossy(&made.stderr));
}

/// gnark's files of one circuit on one curve, from register to a recorded proof, then a
/// changed input (code 10) and a resubmission (code 11) refused.
fn gnark_round_trip(node: &Node, gnark: &Path, prefix: &str, changed: &Path, expect_commitments: u64) {
    let rpc = node.rpc_url();
    let file = |name: &str| gnark.join(format!("{prefix}.{name}")).to_str().unwrap().to_owned();
    let tx = |args: &[&str]| {
        let mut all = vec!["tx", "zkverify"];
        all.extend_from_slice(args);
        let flags = ["--from", "faucet", "--keyring-backend", "test", "--node", &rpc, "--fees", "50000uvrt"];
        all.extend_from_slice(&flags);
        all.extend_from_slice(&["-y", "--wait", "--output", "json", "--format", "gnark", "--gas", "auto"]);
        node.cli(&all)
    };
    // gnark's compressed and raw key are one key, one id.
    let id_of = |vk: &str| {
        let out = veritasd(&["zkverify", "vk-id", &file(vk), "--format", "gnark", "--output", "json"]);
        ok_json(&out)
    };
    let info = id_of("vk.bin");
    assert_eq!(id_of("vk.raw"), info, "{prefix}");
    assert_eq!(info["commitments"], expect_commitments, "{prefix}: {info}");
    let vk_id = info["vk_id"].as_str().unwrap().to_owned();
    let local = ok_json(&veritasd(&[
        "zkverify",
        "verify-local",
        &file("vk.raw"),
        &file("proof.raw"),
        &file("public.bin"),
        "--format",
        "gnark",
        "--output",
        "json",
    ]));
    assert_eq!(local["valid"], true, "{prefix}: {local}");
    let registered = ok_json(&tx(&["register-vk", &file("vk.raw")]));
    assert_eq!(registered["vk_id"], vk_id.as_str(), "{prefix}: {registered}");
    let key = ok_json(&veritasd(&["q", "zkverify", "vk", &vk_id, "--node", &rpc, "--output", "json"]));
    assert_eq!(key["verifying_key"]["curve"], info["curve"], "{prefix}: {key}");
    assert_eq!(key["verifying_key"]["commitments"], expect_commitments, "{prefix}: {key}");
    let verified = ok_json(&tx(&["verify", &vk_id, &file("proof.bin"), &file("public.bin")]));
    assert_eq!(verified["code"], 0, "{prefix}: {verified}");
    let proof_id = verified["proof_id"].as_str().unwrap();
    assert_eq!(proof_id, local["proof_id"], "{prefix}: the chain and verify-local agree");
    let record = ok_json(&veritasd(&["q", "zkverify", "proof", proof_id, "--node", &rpc, "--output", "json"]));
    assert_eq!(record["vk_id"], vk_id.as_str(), "{prefix}");

    let refused = tx(&["verify", &vk_id, &file("proof.raw"), changed.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("code 10") && err.contains("does not verify"), "{prefix}: {err}");
    let again = tx(&["verify", &vk_id, &file("proof.raw"), &file("public.bin")]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success() && err.contains("code 11") && err.contains("already recorded"), "{prefix}: {err}");
}

#[test]
fn gnark_proofs_with_and_without_a_commitment_are_registered_verified_and_queried_on_both_curves() {
    let node = Node::init("e2e-zk-2");
    node.add_key("faucet", FAUCET_MNEMONIC);
    node.fund("faucet", "100000000uvrt");
    let _app = node.start_app("app.log");
    node.wait_abci_listening();
    let _comet = node.start_cometbft("cometbft.log");
    let gnark = node.dir.path().join("gnark");
    gnark_fixtures(&gnark);
    node.wait_height(2, Duration::from_secs(60));

    // Plain BLS12-381: its last public input changed.
    let mut changed = std::fs::read(gnark.join("bls12-381-plain.public.bin")).unwrap();
    *changed.last_mut().unwrap() ^= 1;
    let changed_path = gnark.join("changed.public.bin");
    std::fs::write(&changed_path, changed).unwrap();
    gnark_round_trip(&node, &gnark, "bls12-381-plain", &changed_path, 0);
    // With an api.Commit commitment, on BN254 and on BLS12-381: gnark's own changed input.
    for curve in ["bn254", "bls12-381"] {
        let prefix = format!("{curve}-committed");
        gnark_round_trip(&node, &gnark, &prefix, &gnark.join(format!("{prefix}.bad-public.bin")), 1);
    }

    // The forged commitment stock gnark v0.14.0 accepts for a key without commitments
    // is refused by the chain (code 16, fee kept).
    let rpc = node.rpc_url();
    let path = |name: &str| gnark.join(name).to_str().unwrap().to_owned();
    let (plain_vk, forged, public) =
        (path("bn254-plain.vk.bin"), path("bn254-plain.forged-commitment.proof.bin"), path("bn254-plain.public.bin"));
    let flags =
        ["--from", "faucet", "--keyring-backend", "test", "--node", &rpc, "--fees", "50000uvrt", "-y", "--wait"];
    let with_flags = |args: &[&str]| node.cli(&[args, &flags[..]].concat());
    let registered = with_flags(&[
        "tx",
        "zkverify",
        "register-vk",
        &plain_vk,
        "--format",
        "gnark",
        "--gas",
        "auto",
        "--output",
        "json",
    ]);
    let plain_id = ok_json(&registered)["vk_id"].as_str().unwrap().to_owned();
    let out =
        with_flags(&["tx", "zkverify", "verify", &plain_id, &forged, &public, "--format", "gnark", "--gas", "900000"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("code 16"), "{err}");
}
