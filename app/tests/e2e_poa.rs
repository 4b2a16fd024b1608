//! The validator set governed by the authority, end to end (localnet/*.sh, real cometbft):
//! four validators; a fifth node joins (localnet/join.sh) and the authority (carol) makes it a
//! validator, CometBFT takes it into its set and it signs blocks; then one of the first four is
//! removed. Blocks go on throughout, every node has one app hash, and the poa module's queries
//! answer what CometBFT's /validators does.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use common::localnet::{ok, Localnet};
use common::*;
use serde_json::Value;

/// A node's CometBFT key file, and its address (upper-case hex, as CometBFT prints it).
fn validator_key(net: &Localnet, node: u16) -> (PathBuf, String) {
    let path = net.home(node).join("cometbft/config/priv_validator_key.json");
    let key: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, key["address"].as_str().unwrap().to_ascii_uppercase())
}

/// Addresses whose precommit for the previous block is in `node`'s latest block
/// (`last_commit`, block_id_flag 2: a vote for the block).
fn signers_of_latest(net: &Localnet, node: u16) -> Option<(u64, Vec<String>)> {
    let block = net.rpc(node, "/block")?;
    let height = block["block"]["header"]["height"].as_str()?.parse().ok()?;
    let signers = block["block"]["last_commit"]["signatures"]
        .as_array()?
        .iter()
        .filter(|s| s["block_id_flag"] == 2)
        .filter_map(|s| s["validator_address"].as_str().map(str::to_ascii_uppercase))
        .collect();
    Some((height, signers))
}

/// The poa module's set on `node`: address -> power.
fn poa_validators(net: &Localnet, node: u16) -> BTreeMap<String, u64> {
    let answer = net.query(node, &["poa", "validators"]);
    answer["validators"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|v| (v["address"].as_str().unwrap().to_ascii_uppercase(), v["power"].as_str().unwrap().parse().unwrap()))
        .collect()
}

fn cometbft_set(net: &Localnet, node: u16) -> Option<BTreeMap<String, u64>> {
    Some(net.cometbft_validators(node, None)?.into_iter().map(|(a, p)| (a.to_ascii_uppercase(), p)).collect())
}

#[test]
fn the_authority_adds_a_fifth_validator_that_signs_then_removes_one_of_the_first_four() {
    let net = Localnet::start(4, "e2e-poa-1", &[]);
    net.wait_height(0, 3, Duration::from_secs(60));
    let genesis_set = cometbft_set(&net, 0).expect("/validators");
    assert_eq!(genesis_set.len(), 4, "{genesis_set:?}");
    assert_eq!(poa_validators(&net, 0), genesis_set, "poa's genesis set is CometBFT's");
    let power = *genesis_set.values().next().unwrap();

    // A fifth node follows the chain as a full node.
    let joined = ok(net.script("join.sh", &["--replay", "--timeout", "180"]));
    assert!(joined.lines().last().unwrap_or_default().starts_with("joined node4 by replay"), "{joined}");
    let (key4, address4) = validator_key(&net, 4);
    assert!(!genesis_set.contains_key(&address4));

    // The authority makes it a validator with the others' power.
    let power_arg = power.to_string();
    let set = net.tx_ok("carol", &["poa", "set-validator", key4.to_str().unwrap(), &power_arg, "--moniker", "node4"]);
    assert_eq!(set["validator_address"].as_str().map(str::to_ascii_uppercase), Some(address4.clone()), "{set}");
    let set_height: u64 = set["height"].as_u64().or_else(|| set["height"].as_str()?.parse().ok()).unwrap();
    let five = net.wait(Duration::from_secs(60), "CometBFT's set of five", || {
        cometbft_set(&net, 0).filter(|s| s.len() == 5 && s.get(&address4) == Some(&power))
    });
    assert!(genesis_set.keys().all(|a| five.contains_key(a)), "{five:?}");
    let (signed_at, _) = net.wait(Duration::from_secs(60), "a block signed by node4", || {
        signers_of_latest(&net, 0).filter(|(_, signers)| signers.contains(&address4))
    });
    eprintln!("node4 set as a validator at height {set_height}, its precommit is in block {signed_at}");
    // The new validator knows it is one.
    let status = net.rpc(4, "/status").expect("node4 /status");
    assert_eq!(status["validator_info"]["voting_power"], power_arg, "{status}");
    let one = net.query(0, &["poa", "validator", &address4]);
    assert_eq!(
        (one["validator"]["moniker"].as_str(), one["validator"]["power"].as_str()),
        (Some("node4"), Some(power_arg.as_str())),
        "{one}"
    );

    // Then one of the first four goes (a fifth of the power: within the rails).
    let (key3, address3) = validator_key(&net, 3);
    net.tx_ok("carol", &["poa", "remove-validator", key3.to_str().unwrap()]);
    let four = net.wait(Duration::from_secs(60), "CometBFT's set without node3", || {
        cometbft_set(&net, 0).filter(|s| s.len() == 4 && !s.contains_key(&address3))
    });
    assert!(four.contains_key(&address4), "{four:?}");
    let removed_at = net.height(0);
    net.wait_height(0, removed_at + 5, Duration::from_secs(60));
    let (h, signers) = signers_of_latest(&net, 0).unwrap();
    assert!(!signers.contains(&address3), "node3 still signs block {h}: {signers:?}");
    assert!(signers.iter().all(|s| four.contains_key(s)), "block {h} signed by {signers:?}, set {four:?}");

    // node3 follows as a full node; all five agree on the state.
    let tip = net.height(0);
    for node in 1..5 {
        net.wait_height(node, tip, Duration::from_secs(60));
    }
    for height in [set_height + 2, removed_at, tip] {
        let hashes: Vec<Option<String>> = (0..5).map(|n| net.app_hash_at(n, height)).collect();
        assert!(hashes[0].is_some() && hashes.iter().all(|h| h == &hashes[0]), "app hashes at {height}: {hashes:?}");
    }
    for node in 0..5 {
        let failures = app_hash_failures(&net.log(node, "cometbft")).into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert!(failures.is_empty(), "node{node}: {failures:#?}");
    }

    // The module's queries agree with CometBFT.
    let poa = poa_validators(&net, 0);
    assert_eq!(Some(&poa), cometbft_set(&net, 0).as_ref(), "poa validators against CometBFT's /validators");
    assert_eq!(poa, four);
    let total = net.query(0, &["poa", "total-power"]);
    let sum: u64 = four.values().sum();
    assert_eq!(total["total_power"].as_str(), Some(sum.to_string().as_str()), "{total}");
    assert_eq!(total["validators"].as_u64(), Some(four.len() as u64), "{total}");
    let gone = veritasd(&["query", "poa", "validator", &address3, "--node", &net.rpc_url(0)]);
    let err = String::from_utf8_lossy(&gone.stderr);
    assert!(!gone.status.success() && err.contains("not found"), "node3 is still in poa: {err}");
}
