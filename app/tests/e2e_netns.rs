//! A network of hosts without loopback shortcuts: `veritasd testnet init-files` writes four
//! validator homes for four addresses; each validator runs (`veritasd start
//! --with-cometbft`) in its own Linux network namespace with its own address on a bridge,
//! and the nodes peer over those addresses and agree on every block. A fifth node, in a
//! namespace of its own, joins later by CometBFT state sync from the validators' snapshots.
//! Needs root (`ip netns`); CI runs as root.

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

/// A full node's home at `<dir>/node<index>` on `hosts[index]`: the validators' genesis and
/// peers, and state sync trusting node0's latest header (checked against node1).
fn join_by_state_sync(dir: &std::path::Path, hosts: &[String], index: usize) {
    let home = dir.join(format!("node{index}"));
    let genesis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("node0/cometbft/config/genesis.json")).unwrap())
            .unwrap();
    let host = &hosts[index];
    let init = Command::new(VERITASD)
        .args(["init", &format!("node{index}"), "--chain-id", genesis["chain_id"].as_str().unwrap(), "--home"])
        .arg(&home)
        .args(["--rpc-laddr", &format!("tcp://{host}:26657"), "--p2p-laddr", &format!("tcp://{host}:26656")])
        .env("COMETBFT_BIN", cometbft())
        .output()
        .unwrap();
    assert!(init.status.success(), "init: {}", String::from_utf8_lossy(&init.stderr));
    std::fs::copy(dir.join("node0/cometbft/config/genesis.json"), home.join("cometbft/config/genesis.json")).unwrap();
    let peers: Vec<String> = (0..VALIDATORS)
        .map(|i| {
            let out = Command::new(cometbft())
                .args(["show-node-id", "--home"])
                .arg(dir.join(format!("node{i}/cometbft")))
                .output()
                .unwrap();
            format!("{}@{}:26656", String::from_utf8_lossy(&out.stdout).trim(), hosts[i])
        })
        .collect();
    let config = home.join("cometbft/config/config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("persistent_peers = \"\"", &format!("persistent_peers = \"{}\"", peers.join(",")))
        .replace("addr_book_strict = true", "addr_book_strict = false");
    assert!(text.contains(&peers[0]) && text.contains("addr_book_strict = false"), "{text}");
    std::fs::write(&config, text).unwrap();
    let servers = format!("http://{}:26657,http://{}:26657", hosts[0], hosts[1]);
    let out = Command::new(VERITASD)
        .args(["state-sync", "enable", "--rpc-servers", &servers, "--discovery-time", "5s", "--home"])
        .arg(&home)
        .output()
        .unwrap();
    assert!(out.status.success(), "state-sync enable: {}", String::from_utf8_lossy(&out.stderr));
    let one = Command::new(VERITASD)
        .args(["state-sync", "enable", "--rpc-servers", &format!("http://{}:26657", hosts[0]), "--home"])
        .arg(&home)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&one.stderr).contains("needs two RPC servers"), "{one:?}");
}

#[test]
fn four_validators_in_namespaces_make_blocks_and_a_fifth_joins_by_state_sync() {
    let uid = Command::new("id").arg("-u").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "this test creates network namespaces: run it as root"
    );
    let net = Network::create(VALIDATORS + 1);
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(VERITASD)
        .args(["testnet", "init-files", "--validators", &VALIDATORS.to_string()])
        .args(["--hosts", &net.hosts[..VALIDATORS].join(",")])
        .arg("--output-dir")
        .arg(dir.path())
        .env("COMETBFT_BIN", cometbft())
        .output()
        .unwrap();
    assert!(out.status.success(), "init-files: {}", String::from_utf8_lossy(&out.stderr));

    let start = |i: usize| {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &net.namespaces[i], VERITASD, "start", "--with-cometbft", "--home"])
            .arg(dir.path().join(format!("node{i}")))
            .arg("--cometbft-log")
            .arg(dir.path().join(format!("cometbft-{i}.log")))
            .env("COMETBFT_BIN", cometbft());
        Proc::spawn(cmd, &dir.path().join(format!("veritasd-{i}.log")))
    };
    let mut nodes = Vec::new();
    for i in 0..VALIDATORS {
        // Snapshots every 5 heights, for the node that joins later.
        let app_toml = dir.path().join(format!("node{i}/config/app.toml"));
        let text =
            std::fs::read_to_string(&app_toml).unwrap().replace("snapshot_interval = 0", "snapshot_interval = 5");
        std::fs::write(&app_toml, text).unwrap();
        nodes.push(start(i));
    }

    // Every node reaches height 5, through peers found at the namespace addresses.
    for host in &net.hosts[..VALIDATORS] {
        wait_for(Duration::from_secs(120), &format!("{host} at height 5"), || {
            let height: u64 = status(host)?["sync_info"]["latest_block_height"].as_str()?.parse().ok()?;
            (height >= 5).then_some(())
        });
    }
    for (i, host) in net.hosts[..VALIDATORS].iter().enumerate() {
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
        net.hosts[..VALIDATORS].iter().map(|h| rpc_json(h, "/block?height=4")["block"]["header"].clone()).collect();
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

    // A fifth node joins by state sync over the namespace addresses.
    let snapshot = wait_for(Duration::from_secs(60), "a snapshot on node0", || {
        let out = Command::new(VERITASD)
            .args(["snapshots", "list", "--output", "json", "--home"])
            .arg(dir.path().join("node0"))
            .output()
            .ok()?;
        serde_json::from_slice::<serde_json::Value>(&out.stdout).ok()?["snapshots"][0]["height"].as_u64()
    });
    let joiner = VALIDATORS;
    join_by_state_sync(dir.path(), &net.hosts, joiner);
    nodes.push(start(joiner));
    let host = &net.hosts[joiner];
    let caught_up = wait_for(Duration::from_secs(120), "the fifth node to catch up", || {
        let sync = status(host)?["sync_info"].clone();
        let height: u64 = sync["latest_block_height"].as_str()?.parse().ok()?;
        (sync["catching_up"] == false && height > snapshot + 2).then_some(height)
    });
    let sync = &status(host).unwrap()["sync_info"];
    let earliest: u64 = sync["earliest_block_height"].as_str().unwrap().parse().unwrap();
    assert!(earliest > snapshot, "the fifth node replayed from genesis instead of restoring: {sync}");
    let header = |h: &str| rpc_json(h, &format!("/block?height={caught_up}"))["block"]["header"].clone();
    assert_eq!(header(host), header(&net.hosts[0]), "the fifth node's block {caught_up}");
    let log = std::fs::read_to_string(dir.path().join(format!("veritasd-{joiner}.log"))).unwrap();
    assert!(log.contains("restored the snapshot"), "{log}");

    // SIGTERM stops each pair (CometBFT first) before the namespaces go.
    for node in &mut nodes {
        let _ = Command::new("kill").args(["-TERM", &node.child.id().to_string()]).output();
    }
    for (i, node) in nodes.iter_mut().enumerate() {
        let status = node.wait_exit(Duration::from_secs(40));
        assert!(status.is_some_and(|s| s.success()), "node{i} did not stop cleanly: {status:?}");
    }
}
