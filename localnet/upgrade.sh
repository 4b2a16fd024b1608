#!/usr/bin/env bash
# Installs an upgrade's binary for cosmovisor on a localnet started with `up.sh --cosmovisor`.
#
#   localnet/upgrade.sh <name> <binary> [--dir DIR] [--nodes I,J,...]
#
# Copies <binary> to DIR/node<i>/cosmovisor/upgrades/<name>/bin/veritasd on every node (or on
# those of --nodes), where cosmovisor v1.5 looks for it (<name> lowercased, as cosmovisor
# lowercases the plan name it reads). Then the authority schedules the plan:
#   veritasd tx upgrade software-upgrade <name> --height H --from carol --keyring-backend test \
#     --home DIR/node0 --node <node0 rpc> --fees 5000uvrt -y --wait
# At H every node stops and writes data/upgrade-info.json; cosmovisor restarts the nodes that
# have the binary on it, and a node without it stays stopped ("binary not present" in its
# veritasd.log).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/localnet/lib.sh"
DIR="$ROOT/localnet/.data/veritas-local-1"
NODES=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "upgrade.sh: unknown argument $1" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ "${#args[@]}" -eq 2 ] || { echo "usage: localnet/upgrade.sh <name> <binary> [--dir DIR] [--nodes I,J,...]" >&2; exit 2; }
name="${args[0],,}"
binary="${args[1]}"
case "$name" in ''|*[!a-z0-9._-]*|.|..) echo "upgrade.sh: an upgrade name is letters, digits, '.', '_' or '-' (got ${args[0]})" >&2; exit 2 ;; esac
[ -f "$DIR/localnet.env" ] || { echo "upgrade.sh: no localnet at $DIR" >&2; exit 1; }
[ -n "$(read_setting "$DIR" COSMOVISOR)" ] || { echo "upgrade.sh: $DIR does not run under cosmovisor (start it with up.sh --cosmovisor)" >&2; exit 1; }
[ -f "$binary" ] && [ -x "$binary" ] || { echo "upgrade.sh: $binary is not an executable file" >&2; exit 1; }
"$binary" version >/dev/null || { echo "upgrade.sh: $binary version failed; is it a veritasd?" >&2; exit 1; }

if [ -n "$NODES" ]; then
  IFS=, read -r -a indices <<<"$NODES"
else
  indices=()
  i=0
  while [ -d "$DIR/node$i" ]; do indices+=("$i"); i=$((i + 1)); done
fi
for i in "${indices[@]}"; do
  node="$DIR/node$i"
  [ -d "$node" ] || { echo "upgrade.sh: no node$i in $DIR" >&2; exit 1; }
  bin="$node/cosmovisor/upgrades/$name/bin"
  mkdir -p "$bin"
  # Copy, then rename: cosmovisor never sees half a binary.
  cp "$binary" "$bin/.veritasd.tmp"
  chmod 0755 "$bin/.veritasd.tmp"
  mv -f "$bin/.veritasd.tmp" "$bin/veritasd"
  echo "node$i: $bin/veritasd"
done
