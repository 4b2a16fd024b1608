//! Helpers for end-to-end tests that drive real `veritasd` and `cometbft` processes.
#![allow(dead_code)]

pub mod evil;
pub mod ibc;
pub mod localnet;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const VERITASD: &str = env!("CARGO_BIN_EXE_veritasd");

/// The CosmJS test suites' faucet mnemonic; its first address is funded in tests.
pub const FAUCET_MNEMONIC: &str = "economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone";

/// The cometbft binary: `$COMETBFT_BIN`, else `cometbft` on PATH, else `$(go env GOPATH)/bin/cometbft`.
/// Panics with install instructions when none exists: these tests need the real thing.
pub fn cometbft() -> PathBuf {
    if let Some(bin) = std::env::var_os("COMETBFT_BIN") {
        return PathBuf::from(bin);
    }
    if Command::new("cometbft").arg("version").output().is_ok_and(|o| o.status.success()) {
        return PathBuf::from("cometbft");
    }
    if let Ok(out) = Command::new("go").args(["env", "GOPATH"]).output() {
        let candidate = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("bin/cometbft");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("cometbft not found: run scripts/install-cometbft.sh (or set COMETBFT_BIN)");
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A base port `P` in `from..from + 10 * slots` (a multiple of 10 above `from`) with
/// `P..P + width` all free, chosen at random so concurrent tests rarely collide. Stay
/// below 32768, the kernel's ephemeral range, which outgoing connections may take.
pub fn free_port_block(from: u16, slots: u16, width: u16) -> u16 {
    let mut seed = u64::from(std::process::id())
        ^ std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    for _ in 0..200 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let base = from + ((seed >> 33) % u64::from(slots)) as u16 * 10;
        if (base..base + width).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return base;
        }
    }
    panic!("no free block of {width} ports from {from}");
}

/// `N` distinct free ports (all held until every one is chosen, so none repeats).
pub fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<TcpListener> = (0..N).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    std::array::from_fn(|i| held[i].local_addr().unwrap().port())
}

/// A child process killed (SIGKILL) when dropped, with its output in a log file.
pub struct Proc {
    pub child: Child,
    pub log: PathBuf,
}

impl Proc {
    pub fn spawn(mut cmd: Command, log: &Path) -> Proc {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {cmd:?}: {e}"));
        Proc { child, log: log.to_path_buf() }
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits up to `timeout` for the process to exit by itself.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The JSON a successful command printed; fails the test with its stderr otherwise.
pub fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

pub fn veritasd(args: &[&str]) -> Output {
    Command::new(VERITASD).args(args).output().unwrap()
}

/// GET a CometBFT RPC endpoint and return its `result`.
pub fn rpc(port: u16, path_and_query: &str) -> Option<Value> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path_and_query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let body = response.split_once("\r\n\r\n")?.1;
    let json: Value = serde_json::from_str(body).ok()?;
    json.get("result").cloned()
}

pub fn latest_height(rpc_port: u16) -> Option<u64> {
    rpc(rpc_port, "/status")?["sync_info"]["latest_block_height"].as_str()?.parse().ok()
}

/// Polls until `f` returns `Some`, or panics after `timeout` with `what`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A single-validator node home with its own free ports.
pub struct Node {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub abci_port: u16,
    pub rpc_port: u16,
    pub p2p_port: u16,
    pub grpc_port: u16,
    pub chain_id: String,
}

impl Node {
    /// `veritasd init` into a fresh temp home, with short block times for tests.
    pub fn init(chain_id: &str) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let [abci_port, rpc_port, p2p_port, grpc_port] = free_ports();
        let out = Command::new(VERITASD)
            .args(["init", "e2e-node", "--chain-id", chain_id, "--home"])
            .arg(&home)
            .arg("--abci-address")
            .arg(format!("127.0.0.1:{abci_port}"))
            .arg("--rpc-laddr")
            .arg(format!("tcp://127.0.0.1:{rpc_port}"))
            .arg("--p2p-laddr")
            .arg(format!("tcp://127.0.0.1:{p2p_port}"))
            .arg("--grpc-address")
            .arg(format!("127.0.0.1:{grpc_port}"))
            .env("COMETBFT_BIN", cometbft())
            .output()
            .unwrap();
        assert!(out.status.success(), "veritasd init failed: {}", String::from_utf8_lossy(&out.stderr));
        let config = home.join("cometbft/config/config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        let text = text.replace("timeout_commit = \"1s\"", "timeout_commit = \"300ms\"");
        std::fs::write(&config, text).unwrap();
        Node { dir, home, abci_port, rpc_port, p2p_port, grpc_port, chain_id: chain_id.into() }
    }

    /// Funds `address_or_key` in genesis (`veritasd genesis add-account`).
    pub fn fund(&self, address: &str, coins: &str) {
        let out = Command::new(VERITASD)
            .args(["genesis", "add-account", address, coins, "--keyring-backend", "test", "--home"])
            .arg(&self.home)
            .output()
            .unwrap();
        assert!(out.status.success(), "add-account failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Restores `mnemonic` as key `name` in the test keyring; returns its address.
    pub fn add_key(&self, name: &str, mnemonic: &str) -> String {
        use std::io::Write;
        let mut child = Command::new(VERITASD)
            .args(["keys", "add", name, "--recover", "--keyring-backend", "test", "--output", "json", "--home"])
            .arg(&self.home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{mnemonic}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "keys add failed: {}", String::from_utf8_lossy(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        json["address"].as_str().unwrap().to_owned()
    }

    /// Sets `minimum_gas_prices` in app.toml.
    pub fn set_min_gas_prices(&self, prices: &str) {
        let path = self.home.join("config/app.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("minimum_gas_prices = \"\"", &format!("minimum_gas_prices = \"{prices}\""));
        std::fs::write(&path, text).unwrap();
    }

    pub fn rpc_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rpc_port)
    }

    /// Runs `veritasd <args>` against this node's home.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(VERITASD).args(args).arg("--home").arg(&self.home).stdin(Stdio::null()).output().unwrap()
    }

    /// `veritasd tx <args>` signed from the test keyring, 5000uvrt fees, waiting for the block.
    pub fn tx(&self, args: &[&str]) -> Output {
        let rpc = self.rpc_url();
        let mut all = vec!["tx"];
        all.extend(args);
        all.extend([
            "--keyring-backend",
            "test",
            "--node",
            &rpc,
            "--fees",
            "5000uvrt",
            "-y",
            "--wait",
            "--output",
            "json",
        ]);
        self.cli(&all)
    }

    /// Turns the app's Prometheus endpoint on (app.toml `[telemetry]`) at a free port.
    pub fn enable_telemetry(&self) -> u16 {
        let port = free_port();
        let app_toml = self.home.join("config/app.toml");
        let text = std::fs::read_to_string(&app_toml).unwrap().replace(
            "enable = false\naddress = \"127.0.0.1:26661\"",
            &format!("enable = true\naddress = \"127.0.0.1:{port}\""),
        );
        assert!(text.contains(&format!("127.0.0.1:{port}")), "telemetry section not found:\n{text}");
        std::fs::write(&app_toml, text).unwrap();
        port
    }

    pub fn start_app(&self, log_name: &str) -> Proc {
        let mut cmd = Command::new(VERITASD);
        cmd.arg("start").arg("--home").arg(&self.home);
        Proc::spawn(cmd, &self.dir.path().join(log_name))
    }

    pub fn start_cometbft(&self, log_name: &str) -> Proc {
        let mut cmd = Command::new(cometbft());
        cmd.arg("start").arg("--home").arg(self.home.join("cometbft"));
        Proc::spawn(cmd, &self.dir.path().join(log_name))
    }

    pub fn wait_abci_listening(&self) {
        wait_for(Duration::from_secs(30), "the ABCI server to listen", || {
            TcpStream::connect(("127.0.0.1", self.abci_port)).ok().map(|_| ())
        });
    }

    /// Waits for `height`; on a timeout, fails with the tail of every log in the node's dir.
    pub fn wait_height(&self, height: u64, timeout: Duration) -> u64 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(h) = latest_height(self.rpc_port).filter(|h| *h >= height) {
                return h;
            }
            if Instant::now() > deadline {
                let mut logs = String::new();
                for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "log") {
                        let text = std::fs::read_to_string(&path).unwrap_or_default();
                        let tail: Vec<&str> = text.lines().rev().take(15).collect();
                        logs += &format!("--- {} ---\n", path.display());
                        logs += &tail.into_iter().rev().collect::<Vec<_>>().join("\n");
                        logs += "\n";
                    }
                }
                panic!("timed out after {timeout:?} waiting for height {height}\n{logs}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Lines of a CometBFT log that signal diverging state or a failed replay
/// (the messages of cometbft's state/validation.go, consensus/replay.go, node/setup.go).
pub fn app_hash_failures(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("wrong Block.Header.AppHash")
                || l.contains("does not match AppHash")
                || l.contains("error on replay")
                || l.contains("error during handshake")
        })
        .collect()
}

/// `CONSENSUS FAILURE` lines: fine while the app is being killed, never otherwise.
pub fn consensus_failures(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains("CONSENSUS FAILURE")).collect()
}

/// The bank module's store key of `address`'s balance in `denom`
/// (`bal/<address length><address bytes><denom>`), for proven `store/bank/key` queries.
pub fn bank_balance_key(address: &str, denom: &str) -> Vec<u8> {
    let (_, bytes) = bech32::decode(address).expect("a bech32 address");
    let mut key = b"bal/".to_vec();
    key.push(bytes.len() as u8);
    key.extend(bytes);
    key.extend(denom.as_bytes());
    key
}

/// The app's Prometheus text at `port`.
pub fn scrape(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text
}

/// The value of the sample line `name` (exactly, labels included).
pub fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}
