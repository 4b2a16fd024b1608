//! A network of hosts without loopback shortcuts: `veritasd testnet init-files` writes four
//! validator homes for four addresses; each validator runs (`veritasd start
//! --with-cometbft`) in its own Linux network namespace with its own address on a bridge,
//! and the nodes peer over those addresses and agree on every block. Needs root (`ip netns`);
//! CI runs as root.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

const VALIDATORS: usize = 4;

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("the `ip` command (iproute2) is needed");
    assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

/// A bridge and one namespace per validator (veth into the bridge), removed when dropped.
struct Network {
    bridge: String,
    namespaces: Vec<String>,
    hosts: Vec<String>,
}

impl Network {
    fn create(validators: usize) -> Network {
        let tag = std::process::id() % 100_000;
        let subnet = format!("10.{}.{}", 100 + tag % 100, tag / 100 % 250);
        let bridge = format!("vtb{tag}");
        let mut net = Network { bridge: bridge.clone(), namespaces: Vec::new(), hosts: Vec::new() };
        ip(&["link", "add", &bridge, "type", "bridge"]);
        ip(&["addr", "add", &format!("{subnet}.1/24"), "dev", &bridge]);
        ip(&["link", "set", &bridge, "up"]);
        for i in 0..validators {
            let (ns, host_end, ns_end) = (format!("vtn{tag}-{i}"), format!("vth{tag}{i}"), format!("vtp{tag}{i}"));
            let address = format!("{subnet}.{}", i + 2);
            ip(&["netns", "add", &ns]);
            net.namespaces.push(ns.clone());
            ip(&["link", "add", &host_end, "type", "veth", "peer", "name", &ns_end]);
            ip(&["link", "set", &ns_end, "netns", &ns]);
            ip(&["link", "set", &host_end, "master", &bridge]);
            ip(&["link", "set", &host_end, "up"]);
            ip(&["netns", "exec", &ns, "ip", "addr", "add", &format!("{address}/24"), "dev", &ns_end]);
            ip(&["netns", "exec", &ns, "ip", "link", "set", &ns_end, "up"]);
            ip(&["netns", "exec", &ns, "ip", "link", "set", "lo", "up"]);
            net.hosts.push(address);
        }
        net
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for ns in &self.namespaces {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
        let _ = Command::new("ip").args(["link", "del", &self.bridge]).output();
    }
}

fn status(host: &str) -> Option<serde_json::Value> {
    let url = format!("http://{host}:26657/status");
    let out = Command::new("curl").args(["-sf", "--max-time", "2", &url]).output().ok()?;
    serde_json::from_slice::<serde_json::Value>(&out.stdout).ok().map(|v| v["result"].clone())
}

fn rpc_json(host: &str, path: &str) -> serde_json::Value {
    let out =
        Command::new("curl").args(["-sf", "--max-time", "5", &format!("http://{host}:26657{path}")]).output().unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()["result"].clone()
}

#[test]
fn four_validators_in_their_own_namespaces_make_blocks_over_their_addresses() {
    let uid = Command::new("id").arg("-u").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "this test creates network namespaces: run it as root"
    );
    let net = Network::create(VALIDATORS);
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(VERITASD)
        .args(["testnet", "init-files", "--validators", &VALIDATORS.to_string(), "--hosts", &net.hosts.join(",")])
        .arg("--output-dir")
        .arg(dir.path())
        .env("COMETBFT_BIN", cometbft())
        .output()
        .unwrap();
    assert!(out.status.success(), "init-files: {}", String::from_utf8_lossy(&out.stderr));

    let mut nodes = Vec::new();
    for (i, ns) in net.namespaces.iter().enumerate() {
        let home = dir.path().join(format!("node{i}"));
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns, VERITASD, "start", "--with-cometbft", "--home"])
            .arg(&home)
            .arg("--cometbft-log")
            .arg(dir.path().join(format!("cometbft-{i}.log")))
            .env("COMETBFT_BIN", cometbft());
        nodes.push(Proc::spawn(cmd, &dir.path().join(format!("veritasd-{i}.log"))));
    }

    // Every node reaches height 5, through peers found at the namespace addresses.
    for host in &net.hosts {
        wait_for(Duration::from_secs(120), &format!("{host} at height 5"), || {
            let height: u64 = status(host)?["sync_info"]["latest_block_height"].as_str()?.parse().ok()?;
            (height >= 5).then_some(())
        });
    }
    for (i, host) in net.hosts.iter().enumerate() {
        let info = rpc_json(host, "/net_info");
        assert_eq!(info["n_peers"], (VALIDATORS - 1).to_string(), "node{i} peers: {info}");
        for peer in info["peers"].as_array().unwrap() {
            let remote = peer["remote_ip"].as_str().unwrap();
            assert!(
                net.hosts.iter().any(|h| h == remote) && remote != host,
                "node{i} peer at {remote}, not a namespace address"
            );
        }
    }
    // One chain: every node has the same block 4 (and so the same app hash after block 3).
    let headers: Vec<serde_json::Value> =
        net.hosts.iter().map(|h| rpc_json(h, "/block?height=4")["block"]["header"].clone()).collect();
    assert!(headers[0]["app_hash"].as_str().is_some_and(|h| !h.is_empty()), "{}", headers[0]);
    assert!(headers.iter().all(|h| h == &headers[0]), "block 4 differs between nodes: {headers:?}");
    // Each validator signed: block 5's last commit has a signature from all four.
    let commit = &rpc_json(&net.hosts[0], "/commit?height=4")["signed_header"]["commit"];
    let signed = commit["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["signature"].as_str().is_some_and(|s| !s.is_empty()))
        .count();
    assert!(signed >= 3, "signatures of block 4: {commit}");

    // SIGTERM stops each pair (CometBFT first) before the namespaces go.
    for node in &mut nodes {
        let _ = Command::new("kill").args(["-TERM", &node.child.id().to_string()]).output();
    }
    for (i, node) in nodes.iter_mut().enumerate() {
        let status = node.wait_exit(Duration::from_secs(40));
        assert!(status.is_some_and(|s| s.success()), "node{i} did not stop cleanly: {status:?}");
    }
}
