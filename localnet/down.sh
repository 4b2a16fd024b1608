#!/usr/bin/env bash
# Stops what localnet/up.sh started, by recorded pid (never by process name).
#   localnet/down.sh [--dir DIR] [--clean]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/localnet/lib.sh"
DIR="$ROOT/localnet/.data/veritas-local-1"
CLEAN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --clean) CLEAN=1; shift ;;
    *) echo "down.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$DIR" ] || { echo "down.sh: no localnet at $DIR"; exit 0; }
for node in "$DIR"/node*; do
  [ -d "$node" ] || continue
  # Consensus first, so the app is not stopped under a running CometBFT (under cosmovisor:
  # its process tree, see stop_node in lib.sh).
  stop_node "$node"
  echo "stopped $(basename "$node")"
done
if [ "$CLEAN" = 1 ]; then rm -rf "$DIR"; echo "removed $DIR"; fi
