#!/usr/bin/env bash
# Builds the fuzz targets and runs them.
#
#   bash fuzz/run.sh                      # every target for 5 s on its corpus (CI's smoke run)
#   bash fuzz/run.sh --seconds 1800       # a campaign: every target 30 minutes, one after the other
#   bash fuzz/run.sh --seconds 600 tx_pipeline queries    # some targets
#   bash fuzz/run.sh --runs 10000000 --seconds 1800       # stop at 10 M executions or 30 min
#
# cargo-fuzz (pinned) is installed if missing. The targets build into
# $CARGO_TARGET_DIR/../fuzz-target with libFuzzer's coverage flags and debug assertions
# (overflow checks everywhere), no sanitizer (stable Rust; the code is safe Rust), and
# link the RocksDB library the main build already compiled (ROCKSDB_LIB_DIR), so its C++
# is not built twice. Run scripts/setup.sh (or any release build) first.
# Findings (and each target's last-run.log) go to fuzz/artifacts/<target>/; the grown corpus to $FUZZ_CORPUS_DIR
# (default ~/.cache/veritas/fuzz-corpus/<target>), seeded from fuzz/corpus/<target>.
# Exits non-zero if any target finds a crash, a timeout or runs out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

CARGO_FUZZ_VERSION=0.13.2
SECONDS_EACH=5
RUNS=-1
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(tx_pipeline module_msgs zk_decoders queries genesis)

if [[ "$(cargo fuzz --version 2>/dev/null || true)" != *"$CARGO_FUZZ_VERSION"* ]]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked >&2
fi

rocksdb_lib="$(find "$CARGO_TARGET_DIR/release/build" -path '*librocksdb-sys-*/out/librocksdb.a' 2>/dev/null | head -n 1)"
[ -n "$rocksdb_lib" ] || { echo "fuzz: no librocksdb.a under $CARGO_TARGET_DIR/release; build veritasd first (scripts/setup.sh)" >&2; exit 1; }
export ROCKSDB_LIB_DIR="$(dirname "$rocksdb_lib")" ROCKSDB_STATIC=1
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$(dirname "$CARGO_TARGET_DIR")/fuzz-target}"
(cd fuzz && cargo fuzz build -s none --debug-assertions --target-dir "$FUZZ_TARGET_DIR" "${TARGETS[@]:0:1}" >&2)
for target in "${TARGETS[@]:1}"; do
  (cd fuzz && cargo fuzz build -s none --debug-assertions --target-dir "$FUZZ_TARGET_DIR" "$target" >&2)
done

BIN_DIR="$FUZZ_TARGET_DIR/x86_64-unknown-linux-gnu/release"
CORPUS_ROOT="${FUZZ_CORPUS_DIR:-$HOME/.cache/veritas/fuzz-corpus}"
failed=0
passed=0
for target in "${TARGETS[@]}"; do
  mkdir -p "$CORPUS_ROOT/$target" "fuzz/artifacts/$target"
  log="fuzz/artifacts/$target/last-run.log"
  # -timeout: one input over 10 s is a finding; -rss_limit_mb: so is more than 4 GiB.
  if "$BIN_DIR/$target" "$CORPUS_ROOT/$target" "fuzz/corpus/$target" \
      -max_total_time="$SECONDS_EACH" -runs="$RUNS" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="fuzz/artifacts/$target/" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo '?')
    took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*' || echo '?')
    echo "fuzz: $target: $runs runs in ${took}s, coverage $cov edges, no finding"
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz: $target FOUND A PROBLEM (input in fuzz/artifacts/$target/):" >&2
    grep -E 'panicked at|ERROR|SUMMARY|Test unit written' "$log" | head -n 10 >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
