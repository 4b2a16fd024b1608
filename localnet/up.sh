#!/usr/bin/env bash
# Starts a local Veritas chain in the background: veritasd + cometbft per validator.
#
#   localnet/up.sh [--validators N] [--chain-id ID] [--dir DIR] [--base-port P] [--minimum-gas-prices G]
#                  [--consensus-min-gas-prices C] [--max-gas M] [--cosmovisor]
#
# Defaults: 4 validators, chain id veritas-local-1, DIR localnet/.data/<chain-id>, P 26650,
# G empty (app.toml's minimum_gas_prices of every node, e.g. 0.0025uvrt), C 0.001uvrt (the
# genesis auth param min_gas_prices: every tx in a block pays at least this; "" for none), M the
# genesis block.max_gas (default: veritasd init's, 200,000,000).
# Node i listens on P+10i+6 (p2p), P+10i+7 (CometBFT RPC), P+10i+8 (ABCI), P+10i+9 (gRPC),
# P+10i+4 (CometBFT's Prometheus) and P+10i+5 (the app's Prometheus, /metrics);
# with the default P, node0 uses CometBFT's usual ports. The accounts of localnet/accounts.json are funded
# and imported into node0's test keyring; carol is the chain's authority (genesis
# app_state.authority.authority): she may update params, change validators (tx poa) and schedule
# upgrades (tx upgrade). Logs and pids live under DIR/node<i>/.
# --cosmovisor runs every node as `cosmovisor run start --home <home> --with-cometbft` (cosmovisor
# v1.5.0 of scripts/install-cosmovisor.sh, or $COSMOVISOR_BIN; one process tree per node, pid in
# cosmovisor.pid): install an upgrade's binary with localnet/upgrade.sh <name> <binary>, and at the
# plan's height cosmovisor restarts each node on it.
# Running it again on an existing DIR restarts whatever is not running (full nodes that
# localnet/join.sh added included), under cosmovisor if DIR was made with --cosmovisor.
# Stop with localnet/down.sh [--dir DIR] [--clean].
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

VALIDATORS=4
CHAIN_ID="veritas-local-1"
DIR=""
BASE_PORT=26650
MIN_GAS_PRICES=""
# The chain's consensus minimum (genesis auth param min_gas_prices): every tx in a block pays it.
CONSENSUS_MIN_GAS_PRICES="0.001uvrt"
MAX_GAS=""
USE_COSMOVISOR=0
while [ $# -gt 0 ]; do
  case "$1" in
    --validators) VALIDATORS="$2"; shift 2 ;;
    --chain-id) CHAIN_ID="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --minimum-gas-prices) MIN_GAS_PRICES="$2"; shift 2 ;;
    --consensus-min-gas-prices) CONSENSUS_MIN_GAS_PRICES="$2"; shift 2 ;;
    --max-gas) MAX_GAS="$2"; shift 2 ;;
    --cosmovisor) USE_COSMOVISOR=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "up.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$MIN_GAS_PRICES" in *[!0-9a-zA-Z./,:_-]*) echo "up.sh: --minimum-gas-prices looks like 0.0025uvrt" >&2; exit 2 ;; esac
case "$VALIDATORS" in ''|*[!0-9]*|0) echo "up.sh: --validators must be a positive number" >&2; exit 2 ;; esac
case "$MAX_GAS" in *[!0-9]*) echo "up.sh: --max-gas must be a positive number" >&2; exit 2 ;; esac
DIR="${DIR:-$ROOT/localnet/.data/$CHAIN_ID}"
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"
command -v python3 >/dev/null || { echo "up.sh: python3 is needed to read localnet/accounts.json" >&2; exit 1; }

command -v cometbft >/dev/null || bash "$ROOT/scripts/install-cometbft.sh"
# VERITASD_BIN names a prebuilt binary (the tests pass theirs); otherwise build.
if [ -n "${VERITASD_BIN:-}" ]; then
  VERITASD="$VERITASD_BIN"
else
  (cd "$ROOT" && cargo build --release --locked -q --workspace)
fi
# The cosmovisor binary under --cosmovisor (empty otherwise): $COSMOVISOR_BIN, else built once.
install_cosmovisor() { echo "${COSMOVISOR_BIN:-$(bash "$ROOT/scripts/install-cosmovisor.sh" | tail -n 1)}"; }

if [ ! -f "$DIR/localnet.env" ]; then
  rm -rf "${DIR:?}"/node*
  for i in $(seq 0 $((VALIDATORS - 1))); do
    "$VERITASD" init "node$i" --chain-id "$CHAIN_ID" --home "$DIR/node$i" \
      --abci-address "127.0.0.1:$(abci_port "$i" "$BASE_PORT")" \
      --grpc-address "127.0.0.1:$(grpc_port "$i" "$BASE_PORT")" \
      --rpc-laddr "tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")" \
      --p2p-laddr "tcp://127.0.0.1:$(p2p_port "$i" "$BASE_PORT")" >/dev/null
    sed -i "s|^minimum_gas_prices = .*|minimum_gas_prices = \"$MIN_GAS_PRICES\"|" "$DIR/node$i/config/app.toml"
    # Prometheus: the app's metrics and CometBFT's own.
    python3 - "$DIR/node$i/config/app.toml" "127.0.0.1:$(app_metrics_port "$i" "$BASE_PORT")" <<'PY'
import sys
path, address = sys.argv[1], sys.argv[2]
text = open(path).read()
old = 'enable = false\naddress = "127.0.0.1:26661"'
assert old in text, "no [telemetry] section in " + path
open(path, "w").write(text.replace(old, f'enable = true\naddress = "{address}"'))
PY
    # Snapshots for state sync every 10 heights (nodes joining later can use them).
    sed -i 's|^snapshot_interval = 0$|snapshot_interval = 10|' "$DIR/node$i/config/app.toml"
    sed -i -e 's|^prometheus = false|prometheus = true|' \
      -e "s|^prometheus_listen_addr = .*|prometheus_listen_addr = \"127.0.0.1:$(cometbft_metrics_port "$i" "$BASE_PORT")\"|" \
      "$DIR/node$i/cometbft/config/config.toml"
  done
  # One genesis: every validator, the funded accounts; then copied to every node.
  for i in $(seq 1 $((VALIDATORS - 1))); do
    "$VERITASD" genesis add-validator "$DIR/node$i/cometbft/config/priv_validator_key.json" --name "node$i" --home "$DIR/node0" >/dev/null
  done
  python3 - "$ROOT/localnet/accounts.json" >"$DIR/accounts.tsv" <<'PY'
import json, sys
for a in json.load(open(sys.argv[1])):
    print(f"{a['name']}\t{a['address']}\t{a['mnemonic']}")
PY
  while IFS=$'\t' read -r name address mnemonic; do
    "$VERITASD" genesis add-account "$address" 1000000000000uvrt,1000000000stake --home "$DIR/node0" >/dev/null
    echo "$mnemonic" | "$VERITASD" keys add "$name" --recover --keyring-backend test --home "$DIR/node0" >/dev/null
  done <"$DIR/accounts.tsv"
  rm -f "$DIR/accounts.tsv"
  python3 - "$DIR/node0/cometbft/config/genesis.json" "$CONSENSUS_MIN_GAS_PRICES" "$MAX_GAS" "$ROOT/localnet/accounts.json" <<'PY'
import json, sys
path, prices, max_gas, accounts = sys.argv[1:5]
genesis = json.load(open(path))
genesis["app_state"]["auth"]["params"]["min_gas_prices"] = prices
# carol governs the chain (params, validators, upgrades).
carol = next(a["address"] for a in json.load(open(accounts)) if a["name"] == "carol")
genesis["app_state"]["authority"]["authority"] = carol
if max_gas:
    genesis["consensus_params"]["block"]["max_gas"] = max_gas
json.dump(genesis, open(path, "w"), indent=2)
PY
  "$VERITASD" genesis validate --home "$DIR/node0" >/dev/null
  peers=()
  for i in $(seq 0 $((VALIDATORS - 1))); do
    peers+=("$(cometbft show-node-id --home "$DIR/node$i/cometbft")@127.0.0.1:$(p2p_port "$i" "$BASE_PORT")")
  done
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" -eq 0 ] || cp "$DIR/node0/cometbft/config/genesis.json" "$DIR/node$i/cometbft/config/genesis.json"
    others="$(peers_except "$i" "${peers[@]}")"
    tune_cometbft "$DIR/node$i/cometbft/config/config.toml" "$others"
  done
  COSMOVISOR=""
  [ "$USE_COSMOVISOR" = 0 ] || COSMOVISOR="$(install_cosmovisor)"
  printf 'CHAIN_ID=%s\nVALIDATORS=%s\nBASE_PORT=%s\nCOSMOVISOR=%s\n' "$CHAIN_ID" "$VALIDATORS" "$BASE_PORT" "$COSMOVISOR" \
    >"$DIR/localnet.env"
else
  CHAIN_ID="$(read_setting "$DIR" CHAIN_ID)"
  VALIDATORS="$(read_setting "$DIR" VALIDATORS)"
  BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
  COSMOVISOR="$(read_setting "$DIR" COSMOVISOR)"
  if [ "$USE_COSMOVISOR" = 1 ] && [ -z "$COSMOVISOR" ]; then
    echo "up.sh: $DIR was made without --cosmovisor; start it without, or remove it first (down.sh --clean)" >&2
    exit 2
  fi
  if [ -n "$COSMOVISOR" ] && [ ! -x "$COSMOVISOR" ]; then   # e.g. its cache was cleared: build it again
    COSMOVISOR="$(install_cosmovisor)"
    sed -i "s|^COSMOVISOR=.*|COSMOVISOR=$COSMOVISOR|" "$DIR/localnet.env"
  fi
fi

for i in $(seq 0 $((VALIDATORS - 1))); do
  start_node "$DIR/node$i" "$(rpc_port "$i" "$BASE_PORT")" "$(abci_port "$i" "$BASE_PORT")"
done
# Full nodes added by localnet/join.sh (node<VALIDATORS> on) restart too.
i="$VALIDATORS"
while [ -d "$DIR/node$i" ]; do
  start_node "$DIR/node$i" "$(rpc_port "$i" "$BASE_PORT")" "$(abci_port "$i" "$BASE_PORT")"
  i=$((i + 1))
done

RPC0="$(rpc_port 0 "$BASE_PORT")"
pidfiles=()
for i in $(seq 0 $((VALIDATORS - 1))); do
  for pidfile in $(node_pidfiles "$DIR/node$i"); do pidfiles+=("$pidfile"); done
done
if ! h="$(wait_for_blocks "$RPC0" "${pidfiles[@]}")"; then
  if [ -n "$h" ]; then
    echo "up.sh: $(basename "$(dirname "$h")") stopped; last log lines:" >&2
    tail -n 5 "$(dirname "$h")/veritasd.log" "$(dirname "$h")/cometbft.log" >&2
  else
    echo "up.sh: no blocks after 120 s; see $DIR/node*/cometbft.log" >&2
  fi
  bash "$ROOT/localnet/down.sh" --dir "$DIR" >/dev/null   # leave nothing half-running
  exit 1
fi

{
  printf '{"chain_id": "%s", "nodes": [' "$CHAIN_ID"
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" -gt 0 ] && printf ', '
    printf '{"name": "node%s", "rpc": "http://127.0.0.1:%s", "grpc": "http://127.0.0.1:%s", "abci": "tcp://127.0.0.1:%s", "metrics": "http://127.0.0.1:%s/metrics", "cometbft_metrics": "http://127.0.0.1:%s/metrics", "home": "%s"}' \
      "$i" "$(rpc_port "$i" "$BASE_PORT")" "$(grpc_port "$i" "$BASE_PORT")" "$(abci_port "$i" "$BASE_PORT")" \
      "$(app_metrics_port "$i" "$BASE_PORT")" "$(cometbft_metrics_port "$i" "$BASE_PORT")" "$DIR/node$i"
  done
  printf ']}\n'
} >"$DIR/endpoints.json"
# Wallet and explorer metadata (Keplr, chain-registry) beside endpoints.json.
"$VERITASD" chain-info --node "http://127.0.0.1:$(rpc_port 0 "$BASE_PORT")" \
  --grpc "http://127.0.0.1:$(grpc_port 0 "$BASE_PORT")" --output-dir "$DIR" >/dev/null

echo "Veritas localnet $CHAIN_ID: $VALIDATORS validator(s)${COSMOVISOR:+ under cosmovisor}, making blocks (height $h)."
for i in $(seq 0 $((VALIDATORS - 1))); do
  echo "  node$i  rpc http://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")  grpc 127.0.0.1:$(grpc_port "$i" "$BASE_PORT")  abci 127.0.0.1:$(abci_port "$i" "$BASE_PORT")  home $DIR/node$i"
done
echo "  accounts (node0 test keyring): alice bob carol relayer, see localnet/accounts.json; carol is the authority"
[ -z "$COSMOVISOR" ] || echo "  upgrade localnet/upgrade.sh <name> <binary> --dir $DIR, then tx upgrade software-upgrade <name> --height H --from carol"
echo "  try     $VERITASD q bank balances $(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[0]["address"])' "$ROOT/localnet/accounts.json") --node http://127.0.0.1:$RPC0"
echo "  status  localnet/status.sh --dir $DIR"
echo "  stop    localnet/down.sh --dir $DIR"
