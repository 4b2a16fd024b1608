//! A 4-validator localnet (localnet/*.sh, real cometbft) under mixed load and faults:
//! every node agrees on state, a killed validator catches up, two of four stopped
//! halt the chain, and one of them back resumes it.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::localnet::{ok, Localnet};
use common::*;
use cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest;
use prost::Message;

/// The raw answer of `node` to a Balance query at `height`.
fn balance_at(rpc_port: u16, address: &str, height: u64) -> String {
    let data = hex::encode(QueryBalanceRequest { address: address.into(), denom: "uvrt".into() }.encode_to_vec());
    let path = format!("/abci_query?path=%22/cosmos.bank.v1beta1.Query/Balance%22&data=0x{data}&height={height}");
    let result = rpc(rpc_port, &path).expect("abci_query");
    assert_eq!(result["response"]["code"], 0, "{result}");
    result["response"]["value"].as_str().unwrap().to_owned()
}

#[test]
fn four_validators_agree_under_load_and_faults() {
    let net = Localnet::start(4, "e2e-local-1", &[]);
    let rpc_of = |i: u16| net.rpc_port(i);
    let height = |i: u16| net.height(i);

    // Mixed load over all four nodes, with node2 SIGKILLed in the middle of it.
    let nodes: Vec<String> = (0..4).map(|i| format!("http://127.0.0.1:{}", rpc_of(i))).collect();
    let home0 = net.home(0);
    let load = Command::new(VERITASD)
        .args([
            "loadgen",
            "--from",
            "alice",
            "--keyring-backend",
            "test",
            "--txs",
            "2000",
            "--accounts",
            "40",
            "--mixed",
            "--output",
            "json",
            "--timeout",
            "90",
        ])
        .arg("--node")
        .arg(nodes.join(","))
        .arg("--home")
        .arg(&home0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(4));
    ok(net.script("node.sh", &["2", "kill"]));
    let at_kill = height(0);
    wait_for(Duration::from_secs(30), "blocks without node2", || (height(0) >= at_kill + 3).then_some(()));
    ok(net.script("node.sh", &["2", "start"]));

    let out = load.wait_with_output().unwrap();
    assert!(out.status.success(), "loadgen failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("loadgen: {report}");
    // Transactions sent to node2 while it was down fail, and so do the later ones of
    // the same accounts (their sequence is then ahead); the rest must land.
    let committed_ok = report["committed_by_code"]["0"].as_u64().unwrap_or(0);
    assert!(committed_ok >= 800, "{report}");
    let rejected = &report["rejected_by_check_tx"];
    for code in ["sdk/4", "sdk/32", "sdk/5"] {
        assert!(rejected[code].as_u64().unwrap_or(0) > 0, "no {code} rejection in {report}");
    }

    // node2 catches up, and every node answers the same balances at the same height.
    let target = height(0);
    wait_for(Duration::from_secs(60), "node2 to catch up", || (height(2) >= target).then_some(()));
    let faucet = ok(Command::new(VERITASD)
        .args(["keys", "show", "alice", "-a", "--keyring-backend", "test", "--home"])
        .arg(&home0)
        .output()
        .unwrap());
    let common_height = (0..4).map(height).min().unwrap();
    let answers: Vec<String> = (0..4).map(|i| balance_at(rpc_of(i), faucet.trim(), common_height)).collect();
    assert!(answers.iter().all(|a| a == &answers[0]), "balances differ at {common_height}: {answers:?}");
    let spread = (0..4).map(height).max().unwrap() - (0..4).map(height).min().unwrap();
    assert!(spread <= 3, "nodes are {spread} blocks apart");
    for i in 0..4 {
        let log = net.log(i, "cometbft");
        let failures = app_hash_failures(&log);
        assert!(failures.is_empty(), "node{i}: {failures:#?}");
    }

    // Two of four validators (half the power) stopped: no more blocks.
    ok(net.script("node.sh", &["2", "stop"]));
    ok(net.script("node.sh", &["3", "stop"]));
    std::thread::sleep(Duration::from_secs(2));
    let halted = height(0);
    std::thread::sleep(Duration::from_secs(6));
    assert!(height(0) <= halted + 1, "blocks were made with half the validators down");
    // One back (three of four): blocks resume.
    ok(net.script("node.sh", &["2", "start"]));
    let started = Instant::now();
    wait_for(Duration::from_secs(60), "blocks to resume", || (height(0) >= halted + 3).then_some(()));
    eprintln!("blocks resumed {:?} after restarting node2", started.elapsed());
}
