#!/usr/bin/env bash
# Adds a full node (not a validator) to a running localnet and waits until it has caught up
# (out of block sync and within a block of node0's tip).
#
#   localnet/join.sh [--dir DIR] [--replay] [--discovery-time 5s] [--timeout SECONDS]
#
# By default the node joins by CometBFT state sync: it restores a snapshot the validators
# serve (app.toml state_sync.snapshot_interval; a localnet takes one every 10 heights), its
# light client trusting node0's latest header (trust_height/trust_hash) and checking it against
# two RPC servers (node0 and node1), then block-syncs to the tip. --replay joins by replaying
# every block from genesis instead. The node gets the next free index i (ports as up.sh gives
# node i), takes snapshots itself, and is stopped by down.sh; restart it with
# `localnet/node.sh <i> start`.
# The last line reads: joined node<i> by <state-sync|replay> in <seconds> s at height <h>.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"
VERITASD="${VERITASD_BIN:-$VERITASD}"

DIR="$ROOT/localnet/.data/veritas-local-1"
MODE="state-sync"
DISCOVERY_TIME="5s"
TIMEOUT=300
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --replay) MODE="replay"; shift ;;
    --discovery-time) DISCOVERY_TIME="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "join.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$DIR/localnet.env" ] || { echo "join.sh: no localnet at $DIR (start one with localnet/up.sh)" >&2; exit 1; }
BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
VALIDATORS="$(read_setting "$DIR" VALIDATORS)"
RPC0="$(rpc_port 0 "$BASE_PORT")"
RPC1="$(rpc_port $((VALIDATORS > 1 ? 1 : 0)) "$BASE_PORT")"
latest="$(height "$RPC0" || true)"
[ -n "$latest" ] || { echo "join.sh: node0 does not answer on port $RPC0; is the localnet running?" >&2; exit 1; }

i=0
while [ -d "$DIR/node$i" ]; do i=$((i + 1)); done
node="$DIR/node$i"
"$VERITASD" init "node$i" --chain-id "$(read_setting "$DIR" CHAIN_ID)" --home "$node" \
  --abci-address "127.0.0.1:$(abci_port "$i" "$BASE_PORT")" \
  --grpc-address "127.0.0.1:$(grpc_port "$i" "$BASE_PORT")" \
  --rpc-laddr "tcp://127.0.0.1:$(rpc_port "$i" "$BASE_PORT")" \
  --p2p-laddr "tcp://127.0.0.1:$(p2p_port "$i" "$BASE_PORT")" >/dev/null
cp "$DIR/node0/cometbft/config/genesis.json" "$node/cometbft/config/genesis.json"
# Same app settings as the validators (gas prices, snapshots, telemetry) on this node's ports.
sed -e "s|127.0.0.1:$(abci_port 0 "$BASE_PORT")|127.0.0.1:$(abci_port "$i" "$BASE_PORT")|" \
  -e "s|127.0.0.1:$(grpc_port 0 "$BASE_PORT")|127.0.0.1:$(grpc_port "$i" "$BASE_PORT")|" \
  -e "s|127.0.0.1:$(app_metrics_port 0 "$BASE_PORT")|127.0.0.1:$(app_metrics_port "$i" "$BASE_PORT")|" \
  "$DIR/node0/config/app.toml" >"$node/config/app.toml"
peers=()
for v in $(seq 0 $((VALIDATORS - 1))); do
  peers+=("$(cometbft show-node-id --home "$DIR/node$v/cometbft")@127.0.0.1:$(p2p_port "$v" "$BASE_PORT")")
done
config="$node/cometbft/config/config.toml"
tune_cometbft "$config" "$(IFS=,; echo "${peers[*]}")"

if [ "$MODE" = "state-sync" ]; then
  "$VERITASD" state-sync enable --home "$node" --rpc-servers "http://127.0.0.1:$RPC0,http://127.0.0.1:$RPC1" \
    --trust-height "$latest" --discovery-time "$DISCOVERY_TIME" >/dev/null
fi

started="$(date +%s.%N)"
start_node "$node" "$(rpc_port "$i" "$BASE_PORT")" "$(abci_port "$i" "$BASE_PORT")"
RPC="$(rpc_port "$i" "$BASE_PORT")"
deadline=$(( $(date +%s) + TIMEOUT ))
while :; do
  status="$(curl -sf "http://127.0.0.1:$RPC/status" || true)"
  h="$(printf '%s' "$status" | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p')"
  # Caught up: out of block sync and within a block of node0's tip now.
  tip="$(height "$RPC0" || true)"
  if [ -n "$h" ] && [ "$h" -ge "$latest" ] && [ "$h" -ge $(( ${tip:-1} - 1 )) ] \
    && printf '%s' "$status" | grep -q '"catching_up":false'; then break; fi
  if ! node_alive "$node"; then
    echo "join.sh: node$i stopped; last log lines:" >&2
    tail -n 5 "$node/veritasd.log" "$node/cometbft.log" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "join.sh: node$i did not catch up within $TIMEOUT s (height ${h:-none} of $latest); see $node/*.log" >&2
    exit 1
  fi
  sleep 0.2
done
seconds="$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)")"
echo "  home $node  rpc http://127.0.0.1:$RPC  abci 127.0.0.1:$(abci_port "$i" "$BASE_PORT")"
echo "joined node$i by $MODE in $seconds s at height $h"
