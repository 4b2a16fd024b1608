//! A localnet of localnet/up.sh in a temp dir on free ports, driven by its scripts and
//! stopped (localnet/down.sh) when dropped, whatever the test did.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{cometbft, rpc, VERITASD};

/// `Ok(stdout)` of a script run, or a panic with both of its streams.
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub struct Localnet {
    pub dir: tempfile::TempDir,
    pub base: u16,
    root: PathBuf,
}

impl Localnet {
    /// `up.sh --validators N --chain-id ID` (plus `extra`); ports in 20000-31999 (below the
    /// ephemeral range), room for `validators + 2` nodes.
    pub fn start(validators: u16, chain_id: &str, extra: &[&str]) -> Localnet {
        let net = Localnet {
            dir: tempfile::tempdir().unwrap(),
            base: super::free_port_block(20_000, 1200, 10 * (validators + 2)),
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
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let _ = self.script("down.sh", &[]);
    }
}
