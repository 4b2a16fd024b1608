//! `veritasd start --with-cometbft`: one process to run. The child CometBFT makes blocks,
//! is started again after a SIGKILL, goes away when veritasd is SIGKILLed (and a new start
//! carries on from the same chain), and SIGTERM stops the pair cleanly.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

/// Child processes of `pid` (every thread's children), from /proc.
fn children(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        found.extend(text.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
    }
    found
}

fn alive(pid: u32) -> bool {
    // A zombie (exited, not yet reaped) counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.rsplit(')').next().unwrap_or_default().trim_start().starts_with('Z'))
        .unwrap_or(false)
}

fn signal(pid: u32, name: &str) {
    let out = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).output().unwrap();
    assert!(out.status.success(), "kill -{name} {pid}: {}", String::from_utf8_lossy(&out.stderr));
}

fn start_one(node: &Node, log: &str) -> Proc {
    let mut cmd = Command::new(VERITASD);
    cmd.args(["start", "--with-cometbft", "--home"])
        .arg(&node.home)
        .arg("--cometbft-log")
        .arg(node.dir.path().join("cometbft-child.log"))
        .env("COMETBFT_BIN", cometbft());
    Proc::spawn(cmd, &node.dir.path().join(log))
}

fn the_child(app: u32) -> u32 {
    wait_for(Duration::from_secs(20), "the cometbft child", || children(app).into_iter().next())
}

#[test]
fn one_process_runs_the_pair_and_survives_crashes() {
    let node = Node::init("with-cometbft-1");
    let mut app = start_one(&node, "veritasd-1.log");
    let h = node.wait_height(3, Duration::from_secs(60));
    let first_child = the_child(app.child.id());

    // The child dies: it is started again and blocks go on.
    signal(first_child, "KILL");
    let second_child = wait_for(Duration::from_secs(20), "a new cometbft child", || {
        children(app.child.id()).into_iter().find(|p| *p != first_child)
    });
    let h = node.wait_height(h + 3, Duration::from_secs(60));
    assert!(app.log_text().contains("cometbft exited unexpectedly"), "{}", app.log_text());

    // veritasd dies: the kernel kills its child with it (no CometBFT left hanging in its
    // own shutdown); a new start carries on.
    app.kill9();
    wait_for(Duration::from_secs(5), "the orphaned cometbft to stop", || (!alive(second_child)).then_some(()));
    let mut app = start_one(&node, "veritasd-2.log");
    node.wait_height(h + 3, Duration::from_secs(60));

    // SIGTERM stops both, cleanly.
    let child = the_child(app.child.id());
    signal(app.child.id(), "TERM");
    let status = app.wait_exit(Duration::from_secs(40)).expect("veritasd stops on SIGTERM");
    assert!(status.success(), "exit status {status:?}\n{}", app.log_text());
    assert!(!alive(child), "the cometbft child outlived veritasd");
    let log = app.log_text();
    assert!(log.contains("cometbft stopped") && log.contains("stopped"), "{log}");
}

#[test]
fn a_missing_cometbft_binary_is_reported_before_anything_starts() {
    let node = Node::init("with-cometbft-2");
    let out = Command::new(VERITASD)
        .args(["start", "--with-cometbft", "--cometbft-bin", "/nonexistent/cometbft", "--home"])
        .arg(&node.home)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nonexistent/cometbft") && stderr.contains("install-cometbft.sh"), "{stderr}");
}

#[test]
fn halt_height_stops_the_node_after_that_block_and_a_restart_without_it_carries_on() {
    let node = Node::init("with-cometbft-3");
    let app_toml = node.home.join("config/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    assert!(text.contains("halt_height = 0"), "init writes the setting: {text}");
    std::fs::write(&app_toml, text.replace("halt_height = 0", "halt_height = 4")).unwrap();

    let mut app = start_one(&node, "veritasd-halt.log");
    let status = app.wait_exit(Duration::from_secs(90)).expect("veritasd stops at its halt height");
    assert!(status.success(), "a halt is a clean exit (cosmovisor does not restart it): {status:?}");
    let log = app.log_text();
    assert!(log.contains("halt height reached"), "{log}");
    assert!(log.contains("stopping before block 5"), "block 4 was the last one executed: {log}");

    // Without the halt height it goes on from block 4.
    let text = std::fs::read_to_string(&app_toml).unwrap();
    std::fs::write(&app_toml, text.replace("halt_height = 4", "halt_height = 0")).unwrap();
    let mut app = start_one(&node, "veritasd-after-halt.log");
    node.wait_height(7, Duration::from_secs(60));
    let block5 = rpc(node.rpc_port, "/block?height=5").expect("block 5 exists after the restart");
    assert_eq!(block5["block"]["header"]["height"], "5");
    assert!(!app.log_text().contains("halt height reached"));
    signal(app.child.id(), "TERM");
    app.wait_exit(Duration::from_secs(40));
}
