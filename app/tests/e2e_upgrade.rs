//! A coordinated software upgrade under cosmovisor, end to end (localnet/up.sh --cosmovisor,
//! real cometbft, real cosmovisor v1.5.0): four validators on v1 (this build); v2 (the same
//! code built with the `upgrade-test-v2` feature: a `v2` handler whose migration sets zkverify's
//! max_public_inputs to 77) installed for three of them with localnet/upgrade.sh. The authority
//! schedules `v2`; at its height every node stops and writes data/upgrade-info.json; cosmovisor
//! restarts the three on v2, which apply the migration and go on with one app hash (3/4 of the
//! power); node3, without the binary, stays stopped with the reason in its log.
//!
//! v2 comes from `$VERITASD_UPGRADE_V2` (scripts/test.sh builds it).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::localnet::{ok, Localnet};
use common::*;
use serde_json::Value;

fn v2_binary() -> PathBuf {
    let path = std::env::var_os("VERITASD_UPGRADE_V2").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "VERITASD_UPGRADE_V2 is not set: build v2 with `cargo build --release --locked --workspace --features \
             veritas-app/upgrade-test-v2 --bin veritasd`, copy $CARGO_TARGET_DIR/release/veritasd aside, set \
             VERITASD_UPGRADE_V2 to the copy and build normally again (scripts/test.sh does all this)"
        )
    });
    assert!(path.is_file(), "VERITASD_UPGRADE_V2={} is not a file (scripts/test.sh builds it)", path.display());
    path
}

fn upgrade_info(net: &Localnet, node: u16) -> Option<Value> {
    let text = std::fs::read_to_string(net.home(node).join("data/upgrade-info.json")).ok()?;
    serde_json::from_str(&text).ok()
}

#[test]
fn cosmovisor_switches_three_validators_to_v2_at_the_plan_height_and_the_fourth_stays_stopped() {
    let v2 = v2_binary();
    let v2 = v2.to_str().unwrap();
    let net = Localnet::start(4, "e2e-upgrade-1", &["--cosmovisor"]);
    for node in 0..4 {
        assert!(net.running_pid(node, "cosmovisor").is_some(), "node{node} is not under cosmovisor");
        let current = std::fs::read_link(net.home(node).join("cosmovisor/current")).unwrap();
        assert!(current.ends_with("genesis"), "node{node} starts on {}", current.display());
    }
    assert_eq!(net.query(0, &["zkverify", "params"])["params"]["max_public_inputs"], 64);

    // v2 for node0..node2 only.
    let installed = ok(net.script("upgrade.sh", &["v2", v2, "--nodes", "0,1,2"]));
    assert_eq!(installed.lines().count(), 3, "{installed}");
    assert!(!net.home(3).join("cosmovisor/upgrades/v2").exists());

    let upgrade_height = net.height(0) + 8;
    let h = upgrade_height.to_string();
    let scheduled = net.tx_ok("carol", &["upgrade", "software-upgrade", "v2", "--height", &h, "--info", "e2e upgrade"]);
    let scheduled_at = scheduled["height"].as_u64().or_else(|| scheduled["height"].as_str()?.parse().ok()).unwrap();
    assert!(scheduled_at < upgrade_height, "the plan landed at {scheduled_at}, not before {upgrade_height}");
    let plan = net.query(0, &["upgrade", "plan"])["plan"].clone();
    assert_eq!((plan["name"].as_str(), plan["height"].as_str()), (Some("v2"), Some(h.as_str())), "{plan}");

    // Every node stops at the height and writes upgrade-info.json for cosmovisor.
    for node in 0..4 {
        let info =
            net.wait(Duration::from_secs(120), &format!("node{node}'s upgrade-info.json"), || upgrade_info(&net, node));
        assert_eq!(
            (info["name"].as_str(), info["height"].as_u64()),
            (Some("v2"), Some(upgrade_height)),
            "node{node}: {info}"
        );
    }
    let needed = format!("UPGRADE \"v2\" NEEDED at height: {upgrade_height}");

    // node3 has no v2: it stays stopped, and its log says why.
    net.wait(Duration::from_secs(60), "node3's cosmovisor to give up", || {
        net.running_pid(3, "cosmovisor").is_none().then_some(())
    });
    let log3 = net.log(3, "veritasd");
    assert!(log3.contains(&needed), "node3's log lacks {needed:?}:\n{}", net.log_tails(20));
    assert!(
        log3.contains("binary not present"),
        "node3's cosmovisor did not report the missing binary:\n{}",
        net.log_tails(20)
    );

    // The other three go on, on v2, past the height with 3 of 4 validators.
    net.wait_height(0, upgrade_height + 3, Duration::from_secs(180));
    for node in 0..3 {
        net.wait_height(node, upgrade_height + 3, Duration::from_secs(60));
        let current = std::fs::read_link(net.home(node).join("cosmovisor/current")).unwrap();
        assert!(current.ends_with("upgrades/v2"), "node{node} runs {}", current.display());
        let log = net.log(node, "veritasd");
        assert!(log.contains(&needed), "node{node} (v1) did not stop for the plan");
        assert!(log.contains("upgrade detected, relaunching"), "cosmovisor did not relaunch node{node}");
        assert!(net.running_pid(node, "cosmovisor").is_some(), "node{node}'s cosmovisor is gone");
    }
    for height in [upgrade_height + 1, upgrade_height + 3] {
        let hashes: Vec<Option<String>> = (0..3).map(|n| net.app_hash_at(n, height)).collect();
        assert!(hashes[0].is_some() && hashes.iter().all(|h| h == &hashes[0]), "app hashes at {height}: {hashes:?}");
    }
    for node in 0..3 {
        let log = net.log(node, "cometbft");
        let failures = app_hash_failures(&log);
        assert!(failures.is_empty(), "node{node}: {failures:#?}");
        let applied = net.query(node, &["upgrade", "applied", "v2"]);
        assert_eq!(
            (applied["applied"].as_bool(), applied["height"].as_str()),
            (Some(true), Some(h.as_str())),
            "node{node}: {applied}"
        );
        assert_eq!(
            net.query(node, &["zkverify", "params"])["params"]["max_public_inputs"],
            77,
            "v2's migration on node{node}"
        );
    }
    assert_eq!(net.query(0, &["upgrade", "plan"])["plan"], Value::Null, "the applied plan is cleared");
    // node3 is still down.
    assert!(net.running_pid(3, "cosmovisor").is_none() && net.rpc(3, "/status").is_none(), "node3 came back");
}
