//! Two Veritas chains relayed by stock Hermes (localnet/ibc.sh: real cometbft, real
//! RocksDB, the real `hermes` binary): ICS-20 there and back, a refund on timeout,
//! and Hermes' own health check. Only `veritasd` and `hermes` commands drive it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use common::*;
use serde_json::Value;

const ALICE: &str = "veritas1chnaqaa42nu23057g97czl7e0l7yk8l9gk6uap";
const BOB: &str = "veritas1khzgr7a4jm3rvj6vfnrkekzu584dptnelzsahs";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `$HERMES_BIN`, else the pinned Hermes from scripts/install-hermes.sh (built if missing).
fn hermes() -> PathBuf {
    if let Some(bin) = std::env::var_os("HERMES_BIN") {
        return PathBuf::from(bin);
    }
    let out = Command::new("bash").arg(root().join("scripts/install-hermes.sh")).output().unwrap();
    assert!(out.status.success(), "cannot install Hermes: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim())
}

fn ibc_script(dir: &Path, hermes: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(root().join("localnet/ibc.sh"))
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("VERITASD_BIN", VERITASD)
        .env("COMETBFT_BIN", cometbft())
        .env("HERMES_BIN", hermes)
        .output()
        .unwrap()
}

/// Stops Hermes and both chains however the test ends.
struct Down<'a>(&'a Path, &'a Path);

impl Drop for Down<'_> {
    fn drop(&mut self) {
        let _ = ibc_script(self.0, self.1, &["--down"]);
    }
}

/// One side of the link: its node's RPC URL and home (with the localnet keyring).
struct Side {
    rpc: String,
    home: String,
}

impl Side {
    fn read(endpoints: &str) -> Side {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(endpoints).unwrap()).unwrap();
        let node = &json["nodes"][0];
        Side { rpc: node["rpc"].as_str().unwrap().into(), home: node["home"].as_str().unwrap().into() }
    }

    fn query(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--node", &self.rpc, "--output", "json"]);
        ok_json(&veritasd(&all))
    }

    fn balance(&self, address: &str, denom: &str) -> u128 {
        self.query(&["q", "bank", "balances", address])["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["denom"] == denom)
            .map_or(0, |c| c["amount"].as_str().unwrap().parse().unwrap())
    }

    /// `tx ibc-transfer transfer transfer CHANNEL ...` from a localnet account; the result.
    fn transfer(&self, from: &str, channel: &str, receiver: &str, amount: &str, extra: &[&str]) -> Output {
        let mut args = vec!["tx", "ibc-transfer", "transfer", "transfer", channel, receiver, amount];
        args.extend(extra);
        args.extend(["--from", from, "--keyring-backend", "test", "--home", &self.home, "--node", &self.rpc]);
        args.extend(["--fees", "5000uvrt", "-y", "--wait", "--output", "json"]);
        veritasd(&args)
    }

    /// The latest height of the light client of the other chain (the only client here).
    fn client_latest_height(&self) -> u64 {
        let states = self.query(&["q", "ibc", "client", "states"]);
        let latest = states["client_states"][0]["latest_height"].as_str().unwrap().to_owned();
        latest.split_once('-').unwrap().1.parse().unwrap()
    }
}

fn wait_balance(side: &Side, address: &str, denom: &str, expected: u128, what: &str) {
    wait_for(Duration::from_secs(90), what, || (side.balance(address, denom) == expected).then_some(()));
}

#[test]
fn hermes_relays_ics20_between_two_veritas_chains() {
    let hermes = hermes();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let _down = Down(dir, &hermes);
    let out = ibc_script(dir, &hermes, &[]);
    assert!(
        out.status.success(),
        "ibc.sh failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let facts: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("ibc.json")).unwrap()).unwrap();
    let (a, b) = (Side::read(facts["a"].as_str().unwrap()), Side::read(facts["b"].as_str().unwrap()));
    let a_channel = facts["a_channel"].as_str().unwrap();
    let b_channel = facts["b_channel"].as_str().unwrap();
    let escrow = a.query(&["q", "ibc-transfer", "escrow-address", "transfer", a_channel])["escrow_address"]
        .as_str()
        .unwrap()
        .to_owned();

    // A -> B: 1000uvrt, escrowed on A, a voucher on B whose trace names B's channel.
    let sent = ok_json(&a.transfer("alice", a_channel, BOB, "1000uvrt", &[]));
    assert_eq!(sent["code"], 0, "{sent}");
    let trace = format!("transfer/{b_channel}/uvrt");
    let voucher = wait_for(Duration::from_secs(90), "the voucher's trace on B", || {
        let traces = b.query(&["q", "ibc-transfer", "denom-traces"]);
        traces["denom_traces"].as_array().unwrap().iter().find_map(|t| {
            (format!("{}/{}", t["path"].as_str()?, t["base_denom"].as_str()?) == trace)
                .then(|| t["denom"].as_str().unwrap().to_owned())
        })
    });
    assert!(voucher.starts_with("ibc/") && voucher.len() == 68, "{voucher}");
    wait_balance(&b, BOB, &voucher, 1000, "bob's 1000 vouchers on B");
    assert_eq!(a.balance(&escrow, "uvrt"), 1000);

    // B -> A: 400 vouchers back; burned on B, released from A's escrow to alice.
    let alice_before = a.balance(ALICE, "uvrt");
    let back = ok_json(&b.transfer("bob", b_channel, ALICE, &format!("400{voucher}"), &[]));
    assert_eq!(back["code"], 0, "{back}");
    wait_balance(&a, &escrow, "uvrt", 600, "A's escrow down by 400");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_before + 400);
    assert_eq!(b.balance(BOB, &voucher), 600);

    // A packet whose timeout height (on B) is already behind B when Hermes relays it:
    // A accepts it (its client of B is older than that height), B never receives it,
    // and Hermes proves that on A, which refunds alice.
    let alice_before = a.balance(ALICE, "uvrt");
    let timed_out = wait_for(Duration::from_secs(60), "a transfer A accepts with a passed timeout", || {
        let timeout_height = a.client_latest_height() + 1;
        let b_height = latest_height(b.rpc.rsplit(':').next().unwrap().parse().unwrap())?;
        if b_height <= timeout_height {
            return None; // B is not past that height yet
        }
        let timeout = format!("1-{timeout_height}");
        let out = a.transfer("alice", a_channel, BOB, "77uvrt", &["--packet-timeout-height", &timeout]);
        // Refused if Hermes updated the client meanwhile; try again with the new height.
        out.status.success().then(|| ok_json(&out))
    });
    assert_eq!(timed_out["code"], 0, "{timed_out}");
    assert_eq!(a.balance(&escrow, "uvrt"), 677);
    wait_balance(&a, &escrow, "uvrt", 600, "the timed-out 77uvrt back out of escrow");
    assert_eq!(a.balance(ALICE, "uvrt"), alice_before - 5000, "only the fee is gone");
    assert_eq!(b.balance(BOB, &voucher), 600, "nothing arrived on B");

    // Hermes' health check: no error for either chain. Its only complaint is its
    // Cosmos SDK version check (Veritas has no Cosmos SDK module to report).
    let config = facts["hermes_config"].as_str().unwrap();
    let health = Command::new(&hermes).args(["--config", config, "health-check"]).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&health.stdout), String::from_utf8_lossy(&health.stderr));
    assert!(health.status.success(), "{text}");
    assert!(text.contains("performed health check for all chains"), "{text}");
    assert!(!text.contains(" ERROR "), "{text}");
    for line in text.lines().filter(|l| l.contains(" WARN ")) {
        assert!(
            line.contains("SDK module version not found")
                || line.contains("health check failed for chain")
                || line.contains("some Hermes features may not work")
                || line.contains("chain is not healthy"),
            "unexpected warning: {line}"
        );
    }
    for chain in ["veritas-a-1", "veritas-b-1"] {
        assert!(text.contains(&format!("health_check{{chain={chain}}}: performing health check")), "{text}");
    }
}
