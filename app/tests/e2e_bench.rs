//! bench/e2e.sh end to end, shortened: Veritas, ibc-go simd and CometBFT's kvstore each
//! start, take the same load from `veritasd loadgen`, commit all of it, and the table and
//! the ratios line come out. (The speed targets live in docs/performance.md, measured with
//! the full-size run, not asserted here.)

mod common;

use std::process::Command;

use common::*;

#[test]
fn the_side_by_side_bench_runs_every_chain_and_reports_ratios() {
    let root = common::ibc::root();
    let out_dir = tempfile::tempdir().unwrap();
    let results = out_dir.path().join("results.json");
    // Three runs, each on ports base + 100k .. base + 100k + 39.
    let base = free_port_block(24_000, 500, 400);
    let out = Command::new("bash")
        .arg(root.join("bench/e2e.sh"))
        .args(["--txs", "300", "--accounts", "20", "--validators", "1", "--base-port", &base.to_string()])
        .arg("--out")
        .arg(&results)
        .env("VERITASD_BIN", VERITASD)
        .env("SIMD_BIN", common::ibc::simd())
        .env("COMETBFT_BIN", cometbft())
        .env("PATH", path_with_cometbft())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "bench failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));

    // The last line is the ratios, with numbers.
    let last = stdout.lines().last().unwrap();
    let ratios: Vec<f64> = last
        .strip_prefix("ratios: veritas/simd=")
        .and_then(|rest| rest.split_once(" veritas/kvstore="))
        .map(|(simd, kv)| vec![simd.parse().unwrap(), kv.parse().unwrap()])
        .unwrap_or_else(|| panic!("no ratios line: {last:?}"));
    assert!(ratios.iter().all(|r| *r > 0.0), "{last}");

    let runs: serde_json::Value = serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 3, "{runs:?}");
    for run in runs {
        let chain = run["chain"].as_str().unwrap();
        let load = &run["loadgen"];
        assert_eq!(load["committed_by_code"]["0"], 300, "{chain}: every tx committed with code 0: {load}");
        assert!(load["committed_tx_per_s"].as_f64().unwrap() > 0.0, "{chain}: {load}");
        let cpu = run["app_cpu_s"].as_f64().unwrap() + run["cometbft_cpu_s"].as_f64().unwrap();
        assert!(cpu > 0.0, "{chain}: CPU time measured: {run}");
        assert!(stdout.lines().any(|l| l.starts_with(chain)), "{chain} row missing:\n{stdout}");
        if chain != "kvstore" {
            let queries = &load["query_latency_ms"];
            assert!(queries["abci_query"]["count"].as_u64().unwrap() > 0, "{chain}: {queries}");
            assert_eq!(queries["abci_query"]["failed"], 0, "{chain}: {queries}");
            assert!(queries["grpc"]["count"].as_u64().unwrap() > 0, "{chain}: {queries}");
        }
        if chain == "veritas" {
            assert!(load["query_latency_ms"]["abci_socket"]["count"].as_u64().unwrap() > 0, "{load}");
        }
    }
}

/// PATH with the directory of the cometbft binary the tests use first, so the scripts run
/// the same one.
fn path_with_cometbft() -> std::ffi::OsString {
    let bin = cometbft();
    let mut dirs: Vec<std::path::PathBuf> =
        bin.parent().filter(|d| !d.as_os_str().is_empty()).map(|d| vec![d.to_path_buf()]).unwrap_or_default();
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(dirs).unwrap()
}
