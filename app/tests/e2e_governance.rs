//! The chain's authority end to end (localnet/up.sh, real cometbft): carol governs a localnet.
//! Another account (alice) is refused for every governed message with the authority module's
//! error and changes nothing; params carol changes hold from the next block (zkverify's
//! `max_public_inputs` refuses a key over it); after carol hands the authority to bob, carol
//! is refused and bob governs.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::localnet::Localnet;
use serde_json::{json, Value};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../modules/zkverify/fixtures").join(path)
}

/// `code` and `codespace` of a tx report.
fn code_of(report: &Value) -> (u64, &str) {
    (report["code"].as_u64().unwrap_or(0), report["codespace"].as_str().unwrap_or_default())
}

fn assert_not_authority(report: &Value, what: &str) {
    assert_eq!(code_of(report), (2, "authority"), "{what}: {report}");
}

/// What `query zkverify params` shows (its own shape, gas as strings, derived fields too).
fn zk_params(net: &Localnet) -> Value {
    let answer = net.query(0, &["zkverify", "params"]);
    assert!(answer["params"].is_object(), "{answer}");
    answer["params"].clone()
}

fn authority(net: &Localnet) -> String {
    net.query(0, &["authority", "show"])["authority"].as_str().unwrap().to_owned()
}

#[test]
fn only_the_authority_governs_and_its_changes_hold_from_the_next_block() {
    let net = Localnet::start(1, "e2e-gov-1", &[]);
    net.wait_height(0, 2, Duration::from_secs(60));
    let (bob, carol) = (net.address("bob"), net.address("carol"));
    assert_eq!(authority(&net), carol, "localnet/up.sh makes carol the authority");

    // The params as genesis has them: what update-params takes.
    let genesis: Value =
        serde_json::from_str(&std::fs::read_to_string(net.home(0).join("cometbft/config/genesis.json")).unwrap())
            .unwrap();
    let app_state = &genesis["app_state"];
    let zk = app_state["zkverify"]["params"].clone();
    let zk_before = zk_params(&net);
    assert_eq!(zk_before["max_public_inputs"], zk["max_public_inputs"], "{zk_before} against genesis' {zk}");
    let with = |params: &Value, key: &str, value: Value| {
        let mut p = params.clone();
        p[key] = value;
        p.to_string()
    };
    // The chain's fee floor (min_gas_prices) is in auth's genesis params but not in the SDK's
    // MsgUpdateParams: the CLI takes the rest.
    let mut auth = app_state["auth"]["params"].clone();
    auth.as_object_mut().unwrap().remove("min_gas_prices");
    let bank = app_state["bank"].get("params").cloned().unwrap_or_else(|| json!({ "default_send_enabled": true }));
    // `query auth|bank params` print exactly what update-params takes.
    assert_eq!(net.query(0, &["auth", "params"])["params"], auth);
    assert_eq!(net.query(0, &["bank", "params"])["params"], bank);
    let node_key = net.home(0).join("cometbft/config/priv_validator_key.json");
    let node_key = node_key.to_str().unwrap();
    let validators_before = net.query(0, &["poa", "validators"])["validators"].clone();

    // carol schedules a far-off plan, so that a cancel has something to cancel.
    let far = (net.height(0) + 10_000).to_string();
    net.tx_ok("carol", &["upgrade", "software-upgrade", "far-off", "--height", &far]);
    let plan = net.query(0, &["upgrade", "plan"])["plan"].clone();
    assert_eq!(plan["name"], "far-off", "{plan}");

    // (b) alice is refused for every governed message, each with a change that would show.
    let soon = (net.height(0) + 20).to_string();
    let attempts: Vec<(&str, Vec<String>)> = vec![
        (
            "auth params",
            vec![
                "authority".into(),
                "update-params".into(),
                "auth".into(),
                with(&auth, "max_memo_characters", json!(4)),
            ],
        ),
        (
            "bank params",
            vec![
                "authority".into(),
                "update-params".into(),
                "bank".into(),
                with(&bank, "default_send_enabled", json!(false)),
            ],
        ),
        (
            "zkverify params",
            vec![
                "authority".into(),
                "update-params".into(),
                "zkverify".into(),
                with(&zk, "max_public_inputs", json!(3)),
            ],
        ),
        (
            "ibc params",
            vec![
                "authority".into(),
                "update-params".into(),
                "ibc".into(),
                with(&app_state["ibc"]["params"], "historical_entries", json!(5)),
            ],
        ),
        ("update-authority", vec!["authority".into(), "update-authority".into(), bob.clone()]),
        ("poa set-validator", vec!["poa".into(), "set-validator".into(), node_key.into(), "20".into()]),
        ("poa remove-validator", vec!["poa".into(), "remove-validator".into(), node_key.into()]),
        ("software-upgrade", vec!["upgrade".into(), "software-upgrade".into(), "evil".into(), "--height".into(), soon]),
        ("cancel upgrade", vec!["upgrade".into(), "cancel".into()]),
    ];
    for (what, args) in &attempts {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let report = net.tx_refused("alice", &args);
        assert_not_authority(&report, what);
        eprintln!("alice refused for {what}: {}", report["raw_log"]);
    }
    // Nothing changed.
    assert_eq!(authority(&net), carol);
    assert_eq!(zk_params(&net), zk_before);
    assert_eq!(net.query(0, &["poa", "validators"])["validators"], validators_before);
    assert_eq!(net.query(0, &["upgrade", "plan"])["plan"], plan, "alice's plan replaced carol's, or her cancel ran");
    // Sends are still enabled and memos may still be long.
    net.tx_ok("alice", &["bank", "send", "alice", &bob, "1uvrt", "--memo", "longer than four characters"]);

    // carol's cancel does cancel.
    net.tx_ok("carol", &["upgrade", "cancel"]);
    assert_eq!(net.query(0, &["upgrade", "plan"])["plan"], Value::Null);

    // (d) carol lowers max_public_inputs to 3: the next block refuses poly's 4-input key
    // (zkverify code 7) and takes multiplier's 1-input key.
    let changed =
        net.tx_ok("carol", &["authority", "update-params", "zkverify", &with(&zk, "max_public_inputs", json!(3))]);
    let changed_at = changed["height"].as_u64().or_else(|| changed["height"].as_str()?.parse().ok()).unwrap();
    let answer = net.query(0, &["zkverify", "params"]);
    assert_eq!(answer["params"]["max_public_inputs"], 3, "{answer}");
    let seen_at: u64 = answer["height"].as_str().unwrap().parse().unwrap();
    assert!(seen_at >= changed_at, "the query answered at {seen_at}, before the change's block {changed_at}");
    let register = |from: &str, fixture_dir: &str| {
        let vk = fixture(&format!("{fixture_dir}/verification_key.json"));
        net.tx(from, &["zkverify", "register-vk", vk.to_str().unwrap(), "--format", "snarkjs", "--gas", "3000000"])
    };
    let refused = register("alice", "poly");
    let report: Value = serde_json::from_slice(&refused.stdout).unwrap_or_else(|e| {
        panic!(
            "register-vk poly: {e}: {}{}",
            String::from_utf8_lossy(&refused.stdout),
            String::from_utf8_lossy(&refused.stderr)
        )
    });
    assert!(!refused.status.success());
    assert_eq!(code_of(&report), (7, "zkverify"), "poly's 4 inputs over max_public_inputs 3: {report}");
    let accepted = register("alice", "multiplier");
    let report: Value = serde_json::from_slice(&accepted.stdout).unwrap();
    assert!(accepted.status.success() && report["code"] == 0, "multiplier's 1 input: {report}");
    let registered_at = report["height"].as_u64().or_else(|| report["height"].as_str()?.parse().ok()).unwrap();
    assert!(registered_at > changed_at, "{registered_at} after {changed_at}");

    // carol hands the authority to bob: carol is refused from then on, bob governs.
    net.tx_ok("carol", &["authority", "update-authority", &bob]);
    assert_eq!(authority(&net), bob);
    let report = net.tx_refused("carol", &["authority", "update-params", "zkverify", &zk.to_string()]);
    assert_not_authority(&report, "carol after the hand-over");
    assert_eq!(zk_params(&net)["max_public_inputs"], 3);
    net.tx_ok("bob", &["authority", "update-params", "zkverify", &zk.to_string()]);
    assert_eq!(zk_params(&net), zk_before);
    let again = register("alice", "poly");
    let report: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(again.status.success() && report["code"] == 0, "poly under the restored limit: {report}");
}
