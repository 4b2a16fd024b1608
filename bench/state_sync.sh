#!/usr/bin/env bash
# Joining a running chain: CometBFT state sync from the validators' snapshots against
# replaying every block from genesis, on the same chain.
#
#   bench/state_sync.sh [--validators 3] [--txs 20000] [--accounts 500] [--min-height 150]
#                       [--base-port 30000] [--out FILE] [--keep]
#
# Starts a localnet (localnet/up.sh; snapshots every 10 heights), sends --txs bank sends from
# --accounts accounts (`veritasd loadgen`), lets the chain reach --min-height, then joins one
# full node by state sync and one by replay (localnet/join.sh, one after the other) and times
# each until it has caught up with the tip. The last line reads
# `state-sync=<s> replay=<s> ratio=<replay/state-sync> height=<h>`.
# Ports: P+10i+4 to P+10i+9 for node i (five nodes); keep them below 32768, where the
# kernel's ephemeral ports begin. JSON goes to --out (default: DIR/results.json).
# VERITASD_BIN names a prebuilt binary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

VALIDATORS=3
TXS=20000
ACCOUNTS=500
MIN_HEIGHT=150
BASE_PORT=30000
OUT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --validators) VALIDATORS="$2"; shift 2 ;;
    --txs) TXS="$2"; shift 2 ;;
    --accounts) ACCOUNTS="$2"; shift 2 ;;
    --min-height) MIN_HEIGHT="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "state_sync.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -n "${VERITASD_BIN:-}" ]; then
  VERITASD="$VERITASD_BIN"
else
  (cd "$ROOT" && cargo build --release --locked -q -p veritas-app)
  VERITASD="$CARGO_TARGET_DIR/release/veritasd"
fi
export VERITASD_BIN="$VERITASD"
DIR="$(mktemp -d)"
OUT="${OUT:-$DIR/results.json}"
cleanup() {
  bash "$ROOT/localnet/down.sh" --dir "$DIR/net" >/dev/null 2>&1 || true
  [ "$KEEP" = 1 ] || rm -rf "$DIR/net"
}
trap cleanup EXIT

bash "$ROOT/localnet/up.sh" --validators "$VALIDATORS" --chain-id bench-sync-1 --dir "$DIR/net" \
  --base-port "$BASE_PORT" >/dev/null
nodes="$(for i in $(seq 0 $((VALIDATORS - 1))); do printf 'http://127.0.0.1:%s,' "$(rpc_port "$i" "$BASE_PORT")"; done)"
"$VERITASD" loadgen --from alice --keyring-backend test --home "$DIR/net/node0" --node "${nodes%,}" \
  --txs "$TXS" --accounts "$ACCOUNTS" --output json >"$DIR/loadgen.json"
RPC0="$(rpc_port 0 "$BASE_PORT")"
while h="$(height "$RPC0" || true)"; [ "${h:-0}" -lt "$MIN_HEIGHT" ]; do sleep 1; done

join() {
  local line
  line="$(bash "$ROOT/localnet/join.sh" --dir "$DIR/net" "$@" --timeout 1800 | tail -n 1)"
  echo "$line" >&2
  # joined node<i> by <mode> in <s> s at height <h>
  printf '%s\n' "$line" | sed -n 's/.* in \([0-9.]*\) s at height \([0-9]*\)$/\1 \2/p'
}
read -r sync_s sync_h < <(join)
read -r replay_s replay_h < <(join --replay)
committed="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get("committed_by_code",{}).get("0",0))' "$DIR/loadgen.json")"
ratio="$(python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.1f}')" "$sync_s" "$replay_s")"
printf '{"validators": %s, "txs_committed": %s, "state_sync_s": %s, "state_sync_height": %s, "replay_s": %s, "replay_height": %s, "ratio": %s}\n' \
  "$VALIDATORS" "$committed" "$sync_s" "$sync_h" "$replay_s" "$replay_h" "$ratio" >"$OUT"
echo "join a chain of $VALIDATORS validators ($committed txs committed) at height ~$replay_h:"
echo "  state sync  $sync_s s"
echo "  replay      $replay_s s"
echo "results: $OUT"
echo "state-sync=$sync_s replay=$replay_s ratio=$ratio height=$replay_h"
