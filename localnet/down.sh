#!/usr/bin/env bash
# Stops what localnet/up.sh started, by recorded pid (never by process name).
#   localnet/down.sh [--dir DIR] [--clean]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
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

stop() {
  local pidfile="$1" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    echo "stopped $(basename "$pidfile" .pid) (pid $pid)"
  fi
  rm -f "$pidfile"
}
for node in "$DIR"/node*; do
  [ -d "$node" ] || continue
  stop "$node/cometbft.pid"   # consensus first, so the app is not killed mid-block
  stop "$node/veritasd.pid"
done
if [ "$CLEAN" = 1 ]; then rm -rf "$DIR"; echo "removed $DIR"; fi
