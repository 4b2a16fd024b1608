#!/usr/bin/env bash
# Prints each node's role, height and last app hash.
#   localnet/status.sh [--dir DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/localnet/lib.sh"
DIR="$ROOT/localnet/.data/veritas-local-1"
if [ "${1:-}" = "--dir" ]; then DIR="$2"; shift 2; fi
[ -f "$DIR/localnet.env" ] || { echo "status.sh: no localnet at $DIR" >&2; exit 1; }
VALIDATORS="$(read_setting "$DIR" VALIDATORS)"
BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
printf '%-6s %-10s %-8s %-8s %s\n' node role state height app_hash
i=0
# Validators, then full nodes that localnet/join.sh added.
while [ -d "$DIR/node$i" ]; do
  port="$(rpc_port "$i" "$BASE_PORT")"
  state=down
  node_alive "$DIR/node$i" && state=up
  role=validator
  [ "$i" -lt "$VALIDATORS" ] || role=full
  printf '%-6s %-10s %-8s %-8s %s\n' "node$i" "$role" "$state" "$(height "$port" || true)" "$(app_hash "$port" || true)"
  i=$((i + 1))
done
