#!/usr/bin/env bash
# Stops, starts or SIGKILLs one validator (its app and its cometbft; under up.sh --cosmovisor,
# cosmovisor and the `veritasd start --with-cometbft` it runs).
#   localnet/node.sh [--dir DIR] <index> stop|start|kill
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"
VERITASD="${VERITASD_BIN:-$VERITASD}"
DIR="$ROOT/localnet/.data/veritas-local-1"
if [ "${1:-}" = "--dir" ]; then DIR="$2"; shift 2; fi
[ $# -eq 2 ] || { echo "usage: localnet/node.sh [--dir DIR] <index> stop|start|kill" >&2; exit 2; }
i="$1"; action="$2"
node="$DIR/node$i"
[ -d "$node" ] || { echo "node.sh: no node$i in $DIR" >&2; exit 1; }
BASE_PORT="$(read_setting "$DIR" BASE_PORT)"
case "$action" in
  stop) stop_node "$node"; echo "node$i stopped" ;;
  kill) stop_node "$node" KILL; echo "node$i killed" ;;
  start) start_node "$node" "$(rpc_port "$i" "$BASE_PORT")" "$(abci_port "$i" "$BASE_PORT")"; echo "node$i started" ;;
  *) echo "node.sh: unknown action $action (stop|start|kill)" >&2; exit 2 ;;
esac
