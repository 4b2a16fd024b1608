//! A localnet of localnet/up.sh in a temp dir on free ports, driven by its scripts and
//! stopped (localnet/down.sh) when dropped, whatever the test did.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{cometbft, ok_json, rpc, VERITASD};

/// `Ok(stdout)` of a script run, or a panic with both of its streams.
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub struct Localnet {
    pub dir: tempfile::TempDir,
    pub base: u16,
    pub chain_id: String,
    root: PathBuf,
}

impl Localnet {
    /// `up.sh --validators N --chain-id ID` (plus `extra`); ports in 20000-31999 (below the
    /// ephemeral range), room for `validators + 2` nodes.
    pub fn start(validators: u16, chain_id: &str, extra: &[&str]) -> Localnet {
        let net = Localnet {
            dir: tempfile::tempdir().unwrap(),
            base: super::free_port_block(20_000, 1200, 10 * (validators + 2)),
            chain_id: chain_id.to_owned(),
            root: Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf(),
        };
        let (validators, base) = (validators.to_string(), net.base.to_string());
        let mut args = vec!["--validators", &validators, "--chain-id", chain_id, "--base-port", &base];
        args.extend(extra);
        ok(net.script("up.sh", &args));
        net
    }

    /// Runs `localnet/<name> --dir <dir> args...`.
    pub fn script(&self, name: &str, args: &[&str]) -> Output {
        Command::new("bash")
            .arg(self.root.join("localnet").join(name))
            .arg("--dir")
            .arg(self.dir.path())
            .args(args)
            .env("VERITASD_BIN", VERITASD)
            .env("COMETBFT_BIN", cometbft())
            .output()
            .unwrap()
    }

    pub fn home(&self, node: u16) -> PathBuf {
        self.dir.path().join(format!("node{node}"))
    }

    pub fn rpc_port(&self, node: u16) -> u16 {
        self.base + 10 * node + 7
    }

    pub fn abci_port(&self, node: u16) -> u16 {
        self.base + 10 * node + 8
    }

    /// A CometBFT RPC call to `node`.
    pub fn rpc(&self, node: u16, path_and_query: &str) -> Option<Value> {
        rpc(self.rpc_port(node), path_and_query)
    }

    pub fn height(&self, node: u16) -> u64 {
        super::latest_height(self.rpc_port(node)).unwrap_or(0)
    }

    pub fn log(&self, node: u16, process: &str) -> String {
        std::fs::read_to_string(self.home(node).join(format!("{process}.log"))).unwrap_or_default()
    }

    pub fn rpc_url(&self, node: u16) -> String {
        format!("http://127.0.0.1:{}", self.rpc_port(node))
    }

    /// `veritasd tx <args>` signed by `from` of node0's test keyring (the accounts of
    /// localnet/accounts.json), sent to node0 with 5000uvrt fees and waited into a block; the
    /// output as is (a refused tx exits non-zero with its JSON report on stdout).
    pub fn tx(&self, from: &str, args: &[&str]) -> Output {
        let (home, rpc) = (self.home(0), self.rpc_url(0));
        let mut all = vec!["tx"];
        all.extend(args);
        all.extend(["--from", from, "--keyring-backend", "test", "--home", home.to_str().unwrap(), "--node", &rpc]);
        all.extend(["--chain-id", &self.chain_id, "--fees", "5000uvrt", "-y", "--wait", "--output", "json"]);
        Command::new(VERITASD).args(&all).stdin(Stdio::null()).output().unwrap()
    }

    /// [`Localnet::tx`] that must succeed (code 0): its JSON report.
    pub fn tx_ok(&self, from: &str, args: &[&str]) -> Value {
        let report = ok_json(&self.tx(from, args));
        assert_eq!(report["code"], 0, "{args:?}: {report}");
        report
    }

    /// [`Localnet::tx`] that the chain must refuse: its JSON report (code, codespace, raw_log).
    pub fn tx_refused(&self, from: &str, args: &[&str]) -> Value {
        let out = self.tx(from, args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{args:?} from {from} was accepted: {stdout}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("{args:?}: no JSON report ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr))
        })
    }

    /// `veritasd query <args> --output json` against `node`.
    pub fn query(&self, node: u16, args: &[&str]) -> Value {
        let rpc = self.rpc_url(node);
        let mut all = vec!["query"];
        all.extend(args);
        all.extend(["--node", &rpc, "--output", "json"]);
        ok_json(&Command::new(VERITASD).args(&all).stdin(Stdio::null()).output().unwrap())
    }

    /// The address of `name` in node0's test keyring.
    pub fn address(&self, name: &str) -> String {
        let out = Command::new(VERITASD)
            .args(["keys", "show", name, "-a", "--keyring-backend", "test", "--home"])
            .arg(self.home(0))
            .output()
            .unwrap();
        ok(out).trim().to_owned()
    }

    /// The last `lines` lines of every node's veritasd.log and cometbft.log, for failure reports.
    pub fn log_tails(&self, lines: usize) -> String {
        let mut out = String::new();
        for node in (0..).take_while(|i| self.home(*i).is_dir()) {
            for process in ["veritasd", "cometbft"] {
                let log = self.log(node, process);
                let tail: Vec<&str> = log.lines().rev().take(lines).collect();
                out += &format!("--- node{node}/{process}.log ---\n");
                out += &tail.into_iter().rev().collect::<Vec<_>>().join("\n");
                out += "\n";
            }
        }
        out
    }

    /// Polls until `f` returns `Some`; after `timeout`, fails with `what` and every node's log tail.
    pub fn wait<T>(&self, timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(v) = f() {
                return v;
            }
            if std::time::Instant::now() > deadline {
                panic!("timed out after {timeout:?} waiting for {what}\n{}", self.log_tails(12));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until `node` has made (or seen) block `height`; returns its height.
    pub fn wait_height(&self, node: u16, height: u64, timeout: Duration) -> u64 {
        self.wait(timeout, &format!("node{node} at height {height}"), || {
            Some(self.height(node)).filter(|h| *h >= height)
        })
    }

    /// The app hash in block `height`'s header on `node` (the state after `height - 1`).
    pub fn app_hash_at(&self, node: u16, height: u64) -> Option<String> {
        let block = self.rpc(node, &format!("/block?height={height}"))?;
        block["block"]["header"]["app_hash"].as_str().map(str::to_owned)
    }

    /// CometBFT's validator set at `height` (latest if `None`) on `node`: (address, power)
    /// pairs, sorted by address.
    pub fn cometbft_validators(&self, node: u16, height: Option<u64>) -> Option<Vec<(String, u64)>> {
        let query = height.map(|h| format!("&height={h}")).unwrap_or_default();
        let result = self.rpc(node, &format!("/validators?per_page=100{query}"))?;
        let mut set: Vec<(String, u64)> = result["validators"]
            .as_array()?
            .iter()
            .map(|v| (v["address"].as_str().unwrap().to_owned(), v["voting_power"].as_str().unwrap().parse().unwrap()))
            .collect();
        set.sort();
        Some(set)
    }

    /// The pid recorded in `node<i>/<name>.pid`, if its process runs (a zombie counts as gone).
    pub fn running_pid(&self, node: u16, name: &str) -> Option<u32> {
        let pid: u32 =
            std::fs::read_to_string(self.home(node).join(format!("{name}.pid"))).ok()?.trim().parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let state = stat.rsplit(')').next().unwrap_or_default().trim_start();
        (!state.starts_with('Z')).then_some(pid)
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let _ = self.script("down.sh", &[]);
    }
}
