#!/usr/bin/env bash
# CometBFT's built-in kvstore app as a network of N validators: the ceiling bench/e2e.sh
# compares Veritas with (the app runs inside cometbft, so this is CometBFT's own cost).
#
#   bench/kvstore.sh [--dir DIR] [--validators N] [--base-port P]   start
#   bench/kvstore.sh --down [--dir DIR]                             stop
#
# Defaults: DIR localnet/.data/kvstore, N 1, P 30650; node i uses P+10i+6 (p2p) and P+10i+7
# (RPC), with the CometBFT settings of the Veritas localnet (localnet/lib.sh tune_cometbft).
# Writes DIR/endpoints.json in localnet/up.sh's shape.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

DIR="$ROOT/localnet/.data/kvstore"
VALIDATORS=1
BASE_PORT=30650
DOWN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --validators) VALIDATORS="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --down) DOWN=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "kvstore.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$VALIDATORS" in ''|*[!0-9]*|0) echo "kvstore.sh: --validators must be a positive number" >&2; exit 2 ;; esac
if [ "$DOWN" = 1 ]; then
  for node in "$DIR"/node*; do
    [ -d "$node" ] && stop_pid "$node/cometbft.pid"
  done
  echo "stopped kvstore"
  exit 0
fi
command -v cometbft >/dev/null || bash "$ROOT/scripts/install-cometbft.sh"
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"
rm -rf "${DIR:?}"/node*
for i in $(seq 0 $((VALIDATORS - 1))); do
  cometbft init --home "$DIR/node$i" >/dev/null 2>&1
done
# One genesis naming every node's validator key.
python3 - "$DIR" "$VALIDATORS" <<'PY'
import json, sys
root, n = sys.argv[1], int(sys.argv[2])
genesis = json.load(open(f"{root}/node0/config/genesis.json"))
genesis["chain_id"] = "kvstore-bench-1"
genesis["validators"] = []
for i in range(n):
    key = json.load(open(f"{root}/node{i}/config/priv_validator_key.json"))
    genesis["validators"].append({"address": key["address"], "pub_key": key["pub_key"], "power": "10", "name": f"node{i}"})
for i in range(n):
    json.dump(genesis, open(f"{root}/node{i}/config/genesis.json", "w"), indent=2)
PY
peers=()
for i in $(seq 0 $((VALIDATORS - 1))); do
  peers+=("$(cometbft show-node-id --home "$DIR/node$i")@127.0.0.1:$(p2p_port "$i" "$BASE_PORT")")
done
for i in $(seq 0 $((VALIDATORS - 1))); do
  config="$DIR/node$i/config/config.toml"
  sed -i -e 's|^proxy_app = .*|proxy_app = "kvstore"|' \
    -e "s|^laddr = \"tcp://127.0.0.1:26657\"|laddr = \"tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")\"|" \
    -e "s|^laddr = \"tcp://0.0.0.0:26656\"|laddr = \"tcp://127.0.0.1:$(p2p_port "$i" "$BASE_PORT")\"|" "$config"
  grep -qF "laddr = \"tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")\"" "$config" \
    || { echo "kvstore.sh: could not set the RPC address in $config" >&2; exit 1; }
  others="$(peers_except "$i" "${peers[@]}")"
  tune_cometbft "$config" "$others"
  nohup cometbft start --home "$DIR/node$i" >>"$DIR/node$i/cometbft.log" 2>&1 &
  echo $! >"$DIR/node$i/cometbft.pid"
done
RPC0="$(rpc_port 0 "$BASE_PORT")"
if ! h="$(wait_for_blocks "$RPC0" "$DIR"/node*/cometbft.pid)"; then
  if [ -n "$h" ]; then
    echo "kvstore.sh: $(basename "$(dirname "$h")") stopped:" >&2
    tail -n 5 "$(dirname "$h")/cometbft.log" >&2
  else
    echo "kvstore.sh: no blocks after 120 s; see $DIR/node*/cometbft.log" >&2
  fi
  exit 1
fi
{
  printf '{"chain_id": "kvstore-bench-1", "nodes": ['
  for i in $(seq 0 $((VALIDATORS - 1))); do
    [ "$i" -gt 0 ] && printf ', '
    printf '{"name": "node%s", "rpc": "http://127.0.0.1:%s", "home": "%s"}' "$i" "$(rpc_port "$i" "$BASE_PORT")" "$DIR/node$i"
  done
  printf ']}\n'
} >"$DIR/endpoints.json"
echo "kvstore: $VALIDATORS validator(s), making blocks (height $h); rpc http://127.0.0.1:$RPC0"
