#!/usr/bin/env bash
# An ibc-go `simd` chain: the Cosmos SDK counterparty of localnet/ibc.sh --counterparty simd,
# and the Cosmos SDK side of bench/e2e.sh.
#
#   localnet/simd.sh [--dir DIR] [--chain-id ID] [--base-port P] [--validators N]   start (or restart)
#   localnet/simd.sh --down [--dir DIR]                                             stop
#
# Defaults: DIR localnet/.data/simd, ID simd-1, P 29650, N 1. Node i uses ports P+10i+6 (p2p),
# P+10i+7 (RPC), P+10i+9 (gRPC), with the CometBFT settings of localnet/up.sh (lib.sh's
# tune_cometbft). The accounts of localnet/accounts.json get their cosmos1... addresses, are
# funded with `stake` and imported into DIR/node0's test keyring. Minimum gas price
# 0.0025stake. Writes DIR/endpoints.json in localnet/up.sh's shape. SIMD_BIN names a prebuilt
# binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

DIR="$ROOT/localnet/.data/simd"
CHAIN_ID="simd-1"
BASE_PORT=29650
VALIDATORS=1
DOWN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --chain-id) CHAIN_ID="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --validators) VALIDATORS="$2"; shift 2 ;;
    --down) DOWN=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "simd.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$VALIDATORS" in ''|*[!0-9]*|0) echo "simd.sh: --validators must be a positive number" >&2; exit 2 ;; esac
if [ "$DOWN" = 1 ]; then
  for node in "$DIR"/node*; do
    [ -d "$node" ] && stop_pid "$node/simd.pid"
  done
  echo "stopped simd"
  exit 0
fi
SIMD="${SIMD_BIN:-}"
[ -n "$SIMD" ] || SIMD="$(bash "$ROOT/scripts/install-simd.sh" | tail -n 1)"
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"

if [ ! -f "$DIR/localnet.env" ]; then
  rm -rf "${DIR:?}"/node*
  LOG="$DIR/setup.log"
  : >"$LOG"
  trap 'echo "simd.sh: setting up $CHAIN_ID failed; last lines of $LOG:" >&2; tail -n 15 "$LOG" >&2' ERR
  NODE0="$DIR/node0"
  for i in $(seq 0 $((VALIDATORS - 1))); do
    "$SIMD" init "node$i" --chain-id "$CHAIN_ID" --home "$DIR/node$i" >>"$LOG" 2>&1
    "$SIMD" keys add validator --keyring-backend test --home "$DIR/node$i" >>"$LOG" 2>&1
    "$SIMD" genesis add-genesis-account "$("$SIMD" keys show validator -a --keyring-backend test --home "$DIR/node$i")" \
      1000000000000stake --home "$NODE0" >>"$LOG" 2>&1
  done
  python3 -c 'import json,sys; [print(a["name"], a["mnemonic"]) for a in json.load(open(sys.argv[1]))]' \
    "$ROOT/localnet/accounts.json" | while read -r name mnemonic; do
    echo "$mnemonic" | "$SIMD" keys add "$name" --recover --keyring-backend test --home "$NODE0" >>"$LOG" 2>&1
    "$SIMD" genesis add-genesis-account "$("$SIMD" keys show "$name" -a --keyring-backend test --home "$NODE0")" \
      1000000000000stake --home "$NODE0" >>"$LOG" 2>&1
  done
  # Every validator signs its gentx against the funded genesis; node0 collects them all.
  mkdir -p "$NODE0/config/gentx"
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" -eq 0 ] || cp "$NODE0/config/genesis.json" "$DIR/node$i/config/genesis.json"
    "$SIMD" genesis gentx validator 100000000stake --chain-id "$CHAIN_ID" --keyring-backend test \
      --home "$DIR/node$i" --output-document "$NODE0/config/gentx/gentx-node$i.json" >>"$LOG" 2>&1
  done
  "$SIMD" genesis collect-gentxs --home "$NODE0" >>"$LOG" 2>&1
  peers=()
  for i in $(seq 0 $((VALIDATORS - 1))); do
    peers+=("$("$SIMD" comet show-node-id --home "$DIR/node$i")@127.0.0.1:$(p2p_port "$i" "$BASE_PORT")")
  done
  for i in $(seq 0 $((VALIDATORS - 1))); do
    NODE="$DIR/node$i"
    [ "$i" -eq 0 ] || cp "$NODE0/config/genesis.json" "$NODE/config/genesis.json"
    sed -i -e "s|^proxy_app = .*|proxy_app = \"tcp://127.0.0.1:$(abci_port "$i" "$BASE_PORT")\"|" \
      -e "s|^laddr = \"tcp://127.0.0.1:26657\"|laddr = \"tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")\"|" \
      -e "s|^laddr = \"tcp://0.0.0.0:26656\"|laddr = \"tcp://127.0.0.1:$(p2p_port "$i" "$BASE_PORT")\"|" \
      -e 's|^pprof_laddr = .*|pprof_laddr = ""|' "$NODE/config/config.toml"
    others="$(peers_except "$i" "${peers[@]}")"
    tune_cometbft "$NODE/config/config.toml" "$others"
    sed -i -e "s|^address = \"localhost:9090\"|address = \"127.0.0.1:$(grpc_port "$i" "$BASE_PORT")\"|" \
      -e 's|^minimum-gas-prices = .*|minimum-gas-prices = "0.0025stake"|' "$NODE/config/app.toml"
    # simd's defaults would collide with a Veritas node's ports: make sure each edit took.
    for expected in "laddr = \"tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")\"" \
      "laddr = \"tcp://127.0.0.1:$(p2p_port "$i" "$BASE_PORT")\""; do
      grep -qF "$expected" "$NODE/config/config.toml" || { echo "simd.sh: could not set $expected in config.toml" >&2; exit 1; }
    done
    grep -qF "address = \"127.0.0.1:$(grpc_port "$i" "$BASE_PORT")\"" "$NODE/config/app.toml" \
      || { echo "simd.sh: could not set the gRPC address in app.toml" >&2; exit 1; }
  done
  trap - ERR
  printf 'CHAIN_ID=%s\nBASE_PORT=%s\nVALIDATORS=%s\n' "$CHAIN_ID" "$BASE_PORT" "$VALIDATORS" >"$DIR/localnet.env"
else
  CHAIN_ID="$(read_setting "$DIR" CHAIN_ID)"
  BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
  VALIDATORS="$(read_setting "$DIR" VALIDATORS)"
  VALIDATORS="${VALIDATORS:-1}"
fi

for i in $(seq 0 $((VALIDATORS - 1))); do
  NODE="$DIR/node$i"
  if ! alive "$NODE/simd.pid"; then
    nohup "$SIMD" start --home "$NODE" >>"$NODE/simd.log" 2>&1 &
    echo $! >"$NODE/simd.pid"
  fi
done
RPC="$(rpc_port 0 "$BASE_PORT")"
if ! h="$(wait_for_blocks "$RPC" "$DIR"/node*/simd.pid)"; then
  if [ -n "$h" ]; then
    echo "simd.sh: $(basename "$(dirname "$h")") stopped; see $(dirname "$h")/simd.log" >&2
    tail -n 5 "$(dirname "$h")/simd.log" >&2
  else
    echo "simd.sh: no blocks after 120 s; see $DIR/node*/simd.log" >&2
  fi
  exit 1
fi
{
  printf '{"chain_id": "%s", "nodes": [' "$CHAIN_ID"
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" -gt 0 ] && printf ', '
    printf '{"name": "node%s", "rpc": "http://127.0.0.1:%s", "grpc": "http://127.0.0.1:%s", "home": "%s"}' \
      "$i" "$(rpc_port "$i" "$BASE_PORT")" "$(grpc_port "$i" "$BASE_PORT")" "$DIR/node$i"
  done
  printf ']}\n'
} >"$DIR/endpoints.json"
echo "simd $CHAIN_ID: $VALIDATORS validator(s), making blocks (height $h); rpc http://127.0.0.1:$RPC, home $DIR/node0"
