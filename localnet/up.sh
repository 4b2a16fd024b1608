#!/usr/bin/env bash
# Starts a local Veritas chain in the background: veritasd + cometbft per validator.
#
#   localnet/up.sh [--validators N] [--chain-id ID] [--dir DIR] [--base-port P]
#
# Node i listens on P+10i+6 (p2p), P+10i+7 (CometBFT RPC), P+10i+8 (ABCI).
# With the default P=26650, node0 uses CometBFT's default ports 26656/26657/26658.
# Logs and pids live under DIR/node<i>/. Stop with localnet/down.sh [--dir DIR].
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"

VALIDATORS=1
CHAIN_ID="veritas-local-1"
DIR=""
BASE_PORT=26650
while [ $# -gt 0 ]; do
  case "$1" in
    --validators) VALIDATORS="$2"; shift 2 ;;
    --chain-id) CHAIN_ID="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "up.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ "$VALIDATORS" != 1 ]; then
  echo "up.sh: only single-validator localnets are supported so far (multi-validator lands with the localnet issue)" >&2
  exit 2
fi
DIR="${DIR:-$ROOT/localnet/.data/$CHAIN_ID}"
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"

command -v cometbft >/dev/null || bash "$ROOT/scripts/install-cometbft.sh"
(cd "$ROOT" && cargo build --release --locked -q -p veritas-app)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

i=0
NODE="$DIR/node$i"
P2P=$((BASE_PORT + 10 * i + 6)); RPC=$((BASE_PORT + 10 * i + 7)); ABCI=$((BASE_PORT + 10 * i + 8))
if [ ! -f "$NODE/config/app.toml" ]; then
  "$VERITASD" init "node$i" --chain-id "$CHAIN_ID" --home "$NODE" \
    --abci-address "127.0.0.1:$ABCI" --rpc-laddr "tcp://127.0.0.1:$RPC" --p2p-laddr "tcp://127.0.0.1:$P2P" >/dev/null
fi
if alive "$NODE/veritasd.pid"; then
  echo "node$i: veritasd already running (pid $(cat "$NODE/veritasd.pid"))"
else
  nohup "$VERITASD" start --home "$NODE" >>"$NODE/veritasd.log" 2>&1 &
  echo $! >"$NODE/veritasd.pid"
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$ABCI") 2>/dev/null && break; sleep 0.2; done
fi
if alive "$NODE/cometbft.pid"; then
  echo "node$i: cometbft already running (pid $(cat "$NODE/cometbft.pid"))"
else
  nohup cometbft start --home "$NODE/cometbft" >>"$NODE/cometbft.log" 2>&1 &
  echo $! >"$NODE/cometbft.pid"
fi

height() { curl -sf "http://127.0.0.1:$RPC/status" | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p'; }
for _ in $(seq 120); do
  h="$(height || true)"
  [ -n "$h" ] && [ "$h" -ge 2 ] && break
  if ! alive "$NODE/veritasd.pid" || ! alive "$NODE/cometbft.pid"; then
    echo "up.sh: node$i stopped; last log lines:" >&2
    tail -n 5 "$NODE/veritasd.log" "$NODE/cometbft.log" >&2
    exit 1
  fi
  sleep 0.5
done
[ -n "${h:-}" ] && [ "$h" -ge 2 ] || { echo "up.sh: no blocks after 60s; see $NODE/*.log" >&2; exit 1; }

cat >"$DIR/endpoints.json" <<JSON
{"chain_id": "$CHAIN_ID", "nodes": [{"name": "node$i", "rpc": "http://127.0.0.1:$RPC", "abci": "tcp://127.0.0.1:$ABCI", "home": "$NODE"}]}
JSON
echo "Veritas localnet $CHAIN_ID is making blocks (height $h)."
echo "  node$i  rpc http://127.0.0.1:$RPC  abci 127.0.0.1:$ABCI  home $NODE"
echo "  logs    $NODE/veritasd.log $NODE/cometbft.log"
echo "  stop    localnet/down.sh --dir $DIR"
