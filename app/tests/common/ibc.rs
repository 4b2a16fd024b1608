//! Helpers for the Hermes tests: localnet/ibc.sh under a temp dir, and each chain's own
//! CLI (`veritasd`, or ibc-go's `simd`) to send and query.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use super::{cometbft, ok_json, wait_for, VERITASD};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `$VAR`, else the binary the install script prints (installing it if missing).
fn installed(var: &str, script: &str) -> PathBuf {
    if let Some(bin) = std::env::var_os(var) {
        return PathBuf::from(bin);
    }
    let out = Command::new("bash").arg(root().join("scripts").join(script)).output().unwrap();
    assert!(out.status.success(), "{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim())
}

/// Hermes: `$HERMES_BIN`, else the pinned one of scripts/install-hermes.sh.
pub fn hermes() -> PathBuf {
    installed("HERMES_BIN", "install-hermes.sh")
}

/// ibc-go's simd: `$SIMD_BIN`, else the pinned one of scripts/install-simd.sh.
pub fn simd() -> PathBuf {
    installed("SIMD_BIN", "install-simd.sh")
}

/// Two chains and Hermes from localnet/ibc.sh in a temp dir, stopped when dropped.
pub struct IbcNet {
    pub dir: tempfile::TempDir,
    pub hermes: PathBuf,
    pub facts: Value,
}

/// Two base ports for localnet/ibc.sh whose node ports (P+6..=P+9) are free, in
/// 10000-19999: apart from the 20000+ range the localnet test picks from, so IBC tests
/// can run beside other tests.
fn free_base_ports() -> (u16, u16) {
    let a = super::free_port_block(10_000, 999, 10);
    let b = std::iter::repeat_with(|| super::free_port_block(10_000, 999, 10)).find(|&b| b != a).unwrap();
    (a, b)
}

impl IbcNet {
    pub fn start(extra: &[&str]) -> IbcNet {
        let mut net = IbcNet { dir: tempfile::tempdir().unwrap(), hermes: hermes(), facts: Value::Null };
        let (a, b) = free_base_ports();
        let (a, b) = (a.to_string(), b.to_string());
        let mut args = vec!["--base-ports", a.as_str(), b.as_str()];
        args.extend(extra);
        let out = net.script(&args);
        assert!(
            out.status.success(),
            "ibc.sh failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let facts = std::fs::read_to_string(net.dir.path().join("ibc.json")).unwrap();
        net.facts = serde_json::from_str(&facts).unwrap();
        net
    }

    fn script(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(root().join("localnet/ibc.sh")).arg("--dir").arg(self.dir.path()).args(args);
        cmd.env("VERITASD_BIN", VERITASD).env("COMETBFT_BIN", cometbft()).env("HERMES_BIN", &self.hermes);
        if args.contains(&"simd") {
            cmd.env("SIMD_BIN", simd());
        }
        cmd.output().unwrap()
    }

    pub fn endpoints(&self, side: &str) -> (String, String) {
        let file = self.facts[side].as_str().unwrap();
        let json: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let node = &json["nodes"][0];
        (node["rpc"].as_str().unwrap().into(), node["home"].as_str().unwrap().into())
    }

    pub fn channel(&self, side: &str) -> String {
        self.facts[format!("{side}_channel")].as_str().unwrap().into()
    }

    /// `hermes health-check`: exits 0, no ERROR line, and no warning but the version
    /// check's (a chain that reports no Cosmos SDK or ibc-go Go module).
    pub fn assert_healthy_but_for_version_check(&self, chains: &[&str]) {
        let config = self.facts["hermes_config"].as_str().unwrap();
        let health = Command::new(&self.hermes).args(["--config", config, "health-check"]).output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&health.stdout), String::from_utf8_lossy(&health.stderr));
        assert!(health.status.success(), "{text}");
        assert!(text.contains("performed health check for all chains"), "{text}");
        assert!(!text.contains(" ERROR "), "{text}");
        for line in text.lines().filter(|l| l.contains(" WARN ")) {
            assert!(
                line.contains("module version not found")
                    || line.contains("health check failed for chain")
                    || line.contains("some Hermes features may not work")
                    || line.contains("chain is not healthy"),
                "unexpected warning: {line}"
            );
        }
        for chain in chains {
            assert!(text.contains(&format!("health_check{{chain={chain}}}: performing health check")), "{text}");
        }
    }
}

impl Drop for IbcNet {
    fn drop(&mut self) {
        let _ = self.script(&["--down"]);
        if std::thread::panicking() {
            // What Hermes saw is the first thing to read when a relay test fails.
            let log = std::fs::read_to_string(self.dir.path().join("hermes/hermes.log")).unwrap_or_default();
            let lines: Vec<&str> = log.lines().filter(|l| !l.contains(" INFO ")).collect();
            eprintln!("--- hermes.log, warnings and errors (last 60) ---");
            for line in &lines[lines.len().saturating_sub(60)..] {
                eprintln!("{}", line.chars().take(600).collect::<String>());
            }
        }
    }
}

/// A chain as its own command line sees it.
pub struct Chain {
    pub bin: PathBuf,
    pub rpc: String,
    pub home: String,
    pub chain_id: String,
    /// `veritasd` or `simd`: flags and output shapes differ a little.
    pub simd: bool,
}

impl Chain {
    pub fn veritas(net: &IbcNet, side: &str, chain_id: &str) -> Chain {
        let (rpc, home) = net.endpoints(side);
        Chain { bin: VERITASD.into(), rpc, home, chain_id: chain_id.into(), simd: false }
    }

    pub fn simd(net: &IbcNet, side: &str, chain_id: &str) -> Chain {
        let (rpc, home) = net.endpoints(side);
        let rpc = rpc.replace("http://", "tcp://");
        Chain { bin: simd(), rpc, home, chain_id: chain_id.into(), simd: true }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.bin).args(args).output().unwrap()
    }

    pub fn query(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--node", &self.rpc]);
        all.extend(if self.simd { ["-o", "json"] } else { ["--output", "json"] });
        ok_json(&self.run(&all))
    }

    pub fn rpc_port(&self) -> u16 {
        self.rpc.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn balance(&self, address: &str, denom: &str) -> u128 {
        self.query(&["q", "bank", "balances", address])["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["denom"] == denom)
            .map_or(0, |c| c["amount"].as_str().unwrap().parse().unwrap())
    }

    /// Whether `path/base` is among the chain's denom traces.
    pub fn has_trace(&self, full: &str) -> bool {
        let traces = self.query(&["q", "ibc-transfer", "denom-traces"]);
        traces["denom_traces"].as_array().unwrap().iter().any(|t| {
            format!("{}/{}", t["path"].as_str().unwrap_or_default(), t["base_denom"].as_str().unwrap_or_default())
                == full
        })
    }

    /// `tx ibc-transfer transfer transfer CHANNEL RECEIVER AMOUNT` from a localnet account;
    /// the command's output (in a block for veritasd, accepted by CheckTx for simd).
    pub fn transfer(&self, from: &str, channel: &str, receiver: &str, amount: &str, extra: &[&str]) -> Output {
        let mut args = vec!["tx", "ibc-transfer", "transfer", "transfer", channel, receiver, amount];
        args.extend(extra);
        args.extend(["--from", from, "--keyring-backend", "test", "--home", &self.home, "--node", &self.rpc]);
        args.extend(["--chain-id", &self.chain_id, "-y"]);
        if self.simd {
            args.extend(["--fees", "5000stake", "-o", "json"]);
        } else {
            args.extend(["--fees", "5000uvrt", "--wait", "--output", "json"]);
        }
        self.run(&args)
    }

    /// `veritasd tx <args>` from a localnet account of node0's keyring, waited into a block.
    pub fn tx(&self, from: &str, args: &[&str]) -> Value {
        let mut all = vec!["tx"];
        all.extend(args);
        all.extend(["--from", from, "--keyring-backend", "test", "--home", &self.home, "--node", &self.rpc]);
        all.extend(["--chain-id", &self.chain_id, "-y", "--fees", "5000uvrt", "--wait", "--output", "json"]);
        ok_json(&self.run(&all))
    }

    /// The latest height of this chain's light client of the other (the only client).
    pub fn client_latest_height(&self) -> u64 {
        let states = self.query(&["q", "ibc", "client", "states"]);
        let latest = states["client_states"][0]["latest_height"].as_str().unwrap().to_owned();
        latest.split_once('-').unwrap().1.parse().unwrap()
    }

    pub fn wait_balance(&self, address: &str, denom: &str, expected: u128, what: &str) {
        wait_for(Duration::from_secs(180), what, || (self.balance(address, denom) == expected).then_some(()));
    }
}

/// Sends `amount` from `a` (a Veritas chain) to `receiver` on `b` with a timeout height on
/// `b` that `b` has already passed but `a`'s client of `b` has not seen: `a` accepts it,
/// `b` can never receive it. Retries when Hermes updates the client meanwhile.
pub fn send_already_timed_out(a: &Chain, b: &Chain, channel: &str, receiver: &str, amount: &str) -> Value {
    wait_for(Duration::from_secs(60), "a transfer A accepts with a passed timeout", || {
        let timeout_height = a.client_latest_height() + 1;
        let b_height = super::latest_height(b.rpc_port())?;
        if b_height <= timeout_height {
            return None;
        }
        let timeout = format!("{}-{timeout_height}", revision(&b.chain_id));
        let out = a.transfer("alice", channel, receiver, amount, &["--packet-timeout-height", &timeout]);
        out.status.success().then(|| ok_json(&out))
    })
}

/// The revision number of a chain id (`veritas-b-1` → 1).
fn revision(chain_id: &str) -> u64 {
    chain_id.rsplit('-').next().and_then(|r| r.parse().ok()).unwrap_or(0)
}
