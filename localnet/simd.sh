#!/usr/bin/env bash
# A one-validator ibc-go `simd` chain, the Cosmos SDK counterparty of localnet/ibc.sh
# --counterparty simd.
#
#   localnet/simd.sh [--dir DIR] [--chain-id ID] [--base-port P]   start (or restart)
#   localnet/simd.sh --down [--dir DIR]                            stop
#
# Defaults: DIR localnet/.data/simd, ID simd-1, P 29650 (ports P+6 p2p, P+7 RPC, P+9 gRPC).
# The accounts of localnet/accounts.json get their cosmos1... addresses, are funded with
# `stake` and imported into DIR/node0's test keyring. Minimum gas price 0.0025stake.
# Writes DIR/endpoints.json in localnet/up.sh's shape. SIMD_BIN names a prebuilt binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

DIR="$ROOT/localnet/.data/simd"
CHAIN_ID="simd-1"
BASE_PORT=29650
DOWN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --chain-id) CHAIN_ID="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --down) DOWN=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "simd.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
NODE="$DIR/node0"
if [ "$DOWN" = 1 ]; then
  stop_pid "$NODE/simd.pid"
  echo "stopped simd"
  exit 0
fi
SIMD="${SIMD_BIN:-}"
[ -n "$SIMD" ] || SIMD="$(bash "$ROOT/scripts/install-simd.sh" | tail -n 1)"
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"; NODE="$DIR/node0"

if [ ! -f "$DIR/localnet.env" ]; then
  rm -rf "$NODE"
  LOG="$DIR/setup.log"
  : >"$LOG"
  trap 'echo "simd.sh: setting up $CHAIN_ID failed; last lines of $LOG:" >&2; tail -n 15 "$LOG" >&2' ERR
  "$SIMD" init node0 --chain-id "$CHAIN_ID" --home "$NODE" >>"$LOG" 2>&1
  "$SIMD" keys add validator --keyring-backend test --home "$NODE" >>"$LOG" 2>&1
  python3 -c 'import json,sys; [print(a["name"], a["mnemonic"]) for a in json.load(open(sys.argv[1]))]' \
    "$ROOT/localnet/accounts.json" | while read -r name mnemonic; do
    echo "$mnemonic" | "$SIMD" keys add "$name" --recover --keyring-backend test --home "$NODE" >>"$LOG" 2>&1
  done
  for name in validator $(python3 -c 'import json,sys; print(" ".join(a["name"] for a in json.load(open(sys.argv[1]))))' "$ROOT/localnet/accounts.json"); do
    "$SIMD" genesis add-genesis-account "$("$SIMD" keys show "$name" -a --keyring-backend test --home "$NODE")" \
      1000000000000stake --home "$NODE" >>"$LOG" 2>&1
  done
  "$SIMD" genesis gentx validator 100000000stake --chain-id "$CHAIN_ID" --keyring-backend test --home "$NODE" >>"$LOG" 2>&1
  "$SIMD" genesis collect-gentxs --home "$NODE" >>"$LOG" 2>&1
  sed -i -e "s|^proxy_app = .*|proxy_app = \"tcp://127.0.0.1:$(abci_port 0 "$BASE_PORT")\"|" \
    -e "s|^laddr = \"tcp://127.0.0.1:26657\"|laddr = \"tcp://127.0.0.1:$(rpc_port 0 "$BASE_PORT")\"|" \
    -e "s|^laddr = \"tcp://0.0.0.0:26656\"|laddr = \"tcp://127.0.0.1:$(p2p_port 0 "$BASE_PORT")\"|" \
    -e 's|^pprof_laddr = .*|pprof_laddr = ""|' -e 's|^timeout_commit = .*|timeout_commit = "1s"|' \
    "$NODE/config/config.toml"
  sed -i -e "s|^address = \"localhost:9090\"|address = \"127.0.0.1:$(grpc_port 0 "$BASE_PORT")\"|" \
    -e 's|^minimum-gas-prices = .*|minimum-gas-prices = "0.0025stake"|' "$NODE/config/app.toml"
  # simd's defaults would collide with a Veritas node's ports: make sure each edit took.
  for expected in "laddr = \"tcp://127.0.0.1:$(rpc_port 0 "$BASE_PORT")\"" \
    "laddr = \"tcp://127.0.0.1:$(p2p_port 0 "$BASE_PORT")\"" 'timeout_commit = "1s"'; do
    grep -qF "$expected" "$NODE/config/config.toml" || { echo "simd.sh: could not set $expected in config.toml" >&2; exit 1; }
  done
  grep -qF "address = \"127.0.0.1:$(grpc_port 0 "$BASE_PORT")\"" "$NODE/config/app.toml" \
    || { echo "simd.sh: could not set the gRPC address in app.toml" >&2; exit 1; }
  trap - ERR
  printf 'CHAIN_ID=%s\nBASE_PORT=%s\n' "$CHAIN_ID" "$BASE_PORT" >"$DIR/localnet.env"
else
  CHAIN_ID="$(read_setting "$DIR" CHAIN_ID)"
  BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
fi

if ! alive "$NODE/simd.pid"; then
  nohup "$SIMD" start --home "$NODE" >>"$NODE/simd.log" 2>&1 &
  echo $! >"$NODE/simd.pid"
fi
RPC="$(rpc_port 0 "$BASE_PORT")"
h=""
for _ in $(seq 240); do
  h="$(height "$RPC" || true)"
  [ -n "$h" ] && [ "$h" -ge 2 ] && break
  alive "$NODE/simd.pid" || { echo "simd.sh: simd stopped; see $NODE/simd.log" >&2; tail -n 5 "$NODE/simd.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$h" ] && [ "$h" -ge 2 ] || { echo "simd.sh: no blocks after 120 s; see $NODE/simd.log" >&2; exit 1; }
printf '{"chain_id": "%s", "nodes": [{"name": "node0", "rpc": "http://127.0.0.1:%s", "grpc": "http://127.0.0.1:%s", "home": "%s"}]}\n' \
  "$CHAIN_ID" "$RPC" "$(grpc_port 0 "$BASE_PORT")" "$NODE" >"$DIR/endpoints.json"
echo "simd $CHAIN_ID: making blocks (height $h); rpc http://127.0.0.1:$RPC, home $NODE"
