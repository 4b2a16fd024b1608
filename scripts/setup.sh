#!/usr/bin/env bash
# Installs what a fresh machine needs to build and run Veritas, then builds veritasd:
#   - libclang (RocksDB's bindings are generated with bindgen)
#   - CometBFT, pinned (scripts/install-cometbft.sh)
#   - the CosmJS test client's npm packages (clients/cosmjs)
#   - snarkjs + circom2 for the zkverify proofs (modules/zkverify/fixtures)
#   - the Hermes relayer, pinned (scripts/install-hermes.sh; cached after its first build)
#   - ibc-go's simd, pinned, the Cosmos SDK counterparty of the IBC tests (scripts/install-simd.sh)
#   - veritasd, release build, into $CARGO_TARGET_DIR/release/veritasd
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

for tool in cargo go; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required (see README, Prerequisites)" >&2; exit 1; }
done

have_libclang() { ldconfig -p 2>/dev/null | grep -q 'libclang\(-[0-9.]*\)\?\.so'; }
if ! have_libclang; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: libclang is missing; install it (Debian/Ubuntu: apt-get install -y libclang-dev)" >&2; exit 1
  fi
  echo "setup: installing libclang-dev"
  $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq libclang-dev >/dev/null
fi

bash scripts/install-cometbft.sh

# CosmJS client tests and the snarkjs prover (pinned versions, from package-lock.json).
if command -v npm >/dev/null; then
  (cd clients/cosmjs && npm ci --no-audit --no-fund --loglevel=error)
  (cd modules/zkverify/fixtures && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "setup: npm not found; the CosmJS and snarkjs end-to-end tests need Node.js 20 and npm" >&2
fi

HERMES="$(bash scripts/install-hermes.sh | tail -n 1)"
echo "setup: hermes is $HERMES"
SIMD="$(bash scripts/install-simd.sh | tail -n 1)"
echo "setup: simd is $SIMD"

if [ "${1:-}" != "--no-build" ]; then
  echo "setup: building veritasd (release) into $CARGO_TARGET_DIR"
  cargo build --release --locked -p veritas-app
  echo "setup: veritasd is $VERITASD"
fi
