#!/usr/bin/env bash
# Installs cosmovisor (the Cosmos SDK's process manager that swaps a node's binary at an
# x/upgrade plan's height), unless it is already there:
#   $COSMOVISOR_HOME/bin/cosmovisor   (COSMOVISOR_HOME defaults to
#   ~/.cache/veritas/cosmovisor-<version>)
# `go install cosmossdk.io/tools/cosmovisor/cmd/cosmovisor@v1.5.0` fails where the Go
# proxy refuses the module's version list, so the module is downloaded by its exact
# version, copied out of the (read-only) module cache and built there as the main
# module. Prints the binary's path on the last line.
set -euo pipefail

COSMOVISOR_VERSION="${COSMOVISOR_VERSION:-v1.5.0}"
COSMOVISOR_HOME="${COSMOVISOR_HOME:-$HOME/.cache/veritas/cosmovisor-$COSMOVISOR_VERSION}"
BIN="$COSMOVISOR_HOME/bin/cosmovisor"
MODULE="cosmossdk.io/tools/cosmovisor"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "install-cosmovisor: Go is required (https://go.dev/dl/)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "install-cosmovisor: python3 is required" >&2; exit 1; }
echo "install-cosmovisor: building cosmovisor from $MODULE@$COSMOVISOR_VERSION into $COSMOVISOR_HOME" >&2

src="$(go mod download -json "$MODULE@$COSMOVISOR_VERSION" | python3 -c '
import json, sys
info = json.load(sys.stdin)
if info.get("Error") or not info.get("Dir"):
    sys.exit("install-cosmovisor: go mod download: " + info.get("Error", "no module directory"))
print(info["Dir"])')"

# The module cache is read-only and `go build` may want to complete go.sum: build a copy.
work="$(mktemp -d "${TMPDIR:-/tmp}/cosmovisor-build.XXXXXX")"
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"

mkdir -p "$COSMOVISOR_HOME/bin"
tmp="$(mktemp "$COSMOVISOR_HOME/bin/cosmovisor.XXXXXX")"
build() { (cd "$work" && go build -o "$tmp" ./cmd/cosmovisor) >&2; }
if ! build; then
  # Missing go.sum entries: let the go command fetch and record them in the copy.
  echo "install-cosmovisor: retrying with -mod=mod (completing go.sum in the build copy)" >&2
  export GOFLAGS="$(go env GOFLAGS) -mod=mod"
  (cd "$work" && go mod download) >&2 || true
  build || { rm -f "$tmp"; exit 1; }
fi
chmod +x "$tmp"
mv "$tmp" "$BIN"
echo "$BIN"
