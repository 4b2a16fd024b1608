#!/usr/bin/env bash
# Runs every test: unit, store (real RocksDB), CLI and end-to-end (real cometbft,
# CosmJS, snarkjs, Hermes, ibc-go's simd, cosmovisor), then every fuzz target for a few seconds on
# its corpus (fuzz/run.sh).
# Everything builds with the release profile, so dependencies compile once.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

command -v cometbft >/dev/null || { echo "test: cometbft missing; run scripts/setup.sh" >&2; exit 1; }
export COMETBFT_BIN="$(command -v cometbft)"
# The IBC end-to-end tests relay with Hermes, against Veritas and ibc-go's simd
# (built once, then cached; a cold Hermes build takes about 12 minutes).
HERMES_BIN="$(bash scripts/install-hermes.sh | tail -n 1)"
SIMD_BIN="$(bash scripts/install-simd.sh | tail -n 1)"
# The upgrade end-to-end test runs every node under cosmovisor (built once, then cached).
COSMOVISOR_BIN="$(bash scripts/install-cosmovisor.sh | tail -n 1)"
export HERMES_BIN SIMD_BIN COSMOVISOR_BIN

cargo fmt --all -- --check
# The upgrade test's v2: the same code with a `v2` upgrade handler (feature upgrade-test-v2),
# kept aside; the normal build below then puts this build's veritasd (v1) back in release/.
cargo build --release --locked --workspace --features veritas-app/upgrade-test-v2 --bin veritasd
mkdir -p "$CARGO_TARGET_DIR/upgrade-test-v2"
export VERITASD_UPGRADE_V2="$CARGO_TARGET_DIR/upgrade-test-v2/veritasd"
cp "$CARGO_TARGET_DIR/release/veritasd" "$VERITASD_UPGRADE_V2.tmp"
mv -f "$VERITASD_UPGRADE_V2.tmp" "$VERITASD_UPGRADE_V2"
cargo build --release --locked --workspace --all-targets
# The workspace's lint set ([workspace.lints] in Cargo.toml), warnings as errors.
cargo clippy --release --locked --workspace --all-targets -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --release --locked --workspace --no-fail-fast
else
  cargo test --release --locked --workspace --no-fail-fast
fi
# Every fuzz target for a few seconds on its seeds (a long campaign: fuzz/README.md).
bash fuzz/run.sh --seconds 5
