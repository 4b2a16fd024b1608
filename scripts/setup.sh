#!/usr/bin/env bash
# Installs what a fresh machine needs to build and run Veritas, then builds veritasd:
#   - libclang (RocksDB's bindings are generated with bindgen), iproute2 and curl
#   - CometBFT, pinned (scripts/install-cometbft.sh)
#   - cosmovisor v1.5.0, pinned (scripts/install-cosmovisor.sh; cached after its first build;
#     localnet/up.sh --cosmovisor and the upgrade test run nodes under it)
#   - the CosmJS test client's npm packages (clients/cosmjs)
#   - snarkjs + circom2 for the zkverify proofs (modules/zkverify/fixtures)
#   - gnark v0.14.0 (Go modules, pinned) for the gnark proofs (modules/zkverify/fixtures/gnark)
#   - with --ibc: the Hermes relayer and ibc-go's simd, pinned (scripts/install-hermes.sh,
#     scripts/install-simd.sh; cached after their first build; scripts/test.sh and
#     localnet/ibc.sh install them when missing)
#   - veritasd, release build, into $CARGO_TARGET_DIR/release/veritasd
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

for tool in cargo go; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required (see README, Prerequisites)" >&2; exit 1; }
done

# apt_install PACKAGE WHY: installs a Debian/Ubuntu package (as root or with sudo).
apt_install() {
  local SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup: $1 is missing ($2); install it (apt-get install -y $1)" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "setup: installing $1 ($2)"
  $SUDO apt-get update -qq >/dev/null && $SUDO apt-get install -y -qq "$1" >/dev/null
}
have_libclang() { ldconfig -p 2>/dev/null | grep -q 'libclang\(-[0-9.]*\)\?\.so'; }
have_libclang || apt_install libclang-dev "RocksDB's bindings are generated with bindgen"
# The multi-host test puts validators in network namespaces (ip netns) and asks them with curl.
command -v ip >/dev/null || apt_install iproute2 "ip netns for the multi-host test"
command -v curl >/dev/null || apt_install curl "the localnet scripts and tests query CometBFT's RPC"

# rustfmt and clippy run in the test command; a minimal toolchain may lack them.
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null || { echo "setup: cargo $component is missing and rustup is not available" >&2; exit 1; }
    rustup component add "$component"
  fi
done

bash scripts/install-cometbft.sh
echo "setup: cosmovisor is $(bash scripts/install-cosmovisor.sh | tail -n 1)"
# The gnark prover the zkverify tests run (`go run .`); exact versions, so no version list is needed.
(cd modules/zkverify/fixtures/gnark && go mod download)

# CosmJS client tests and the snarkjs prover (pinned versions, from package-lock.json).
if command -v npm >/dev/null; then
  (cd clients/cosmjs && npm ci --no-audit --no-fund --loglevel=error)
  (cd modules/zkverify/fixtures && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "setup: npm not found; the CosmJS and snarkjs end-to-end tests need Node.js 20 and npm" >&2
fi

BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    --ibc)
      echo "setup: hermes is $(bash scripts/install-hermes.sh | tail -n 1)"
      echo "setup: simd is $(bash scripts/install-simd.sh | tail -n 1)" ;;
    *) echo "setup: unknown argument $arg (use --no-build, --ibc)" >&2; exit 2 ;;
  esac
done

if [ "$BUILD" = 1 ]; then
  echo "setup: building veritasd (release) into $CARGO_TARGET_DIR"
  cargo build --release --locked -p veritas-app
  echo "setup: veritasd is $VERITASD"
fi
