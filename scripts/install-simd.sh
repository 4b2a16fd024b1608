#!/usr/bin/env bash
# Installs ibc-go's test chain `simd` (a Cosmos SDK chain with ibc-go), the counterparty
# of localnet/ibc.sh --counterparty simd, unless it is already there:
#   $SIMD_HOME/bin/simd   (SIMD_HOME defaults to ~/.cache/veritas/simd-<version>)
# ibc-go's go.mod has a replace directive, so `go install pkg@version` refuses it; the
# module is downloaded through the Go module proxy and built as the main module instead
# (about 2.5 minutes the first time). Prints the binary's path on the last line.
set -euo pipefail

IBC_GO_VERSION="${IBC_GO_VERSION:-v8.8.0}"
SIMD_HOME="${SIMD_HOME:-$HOME/.cache/veritas/simd-$IBC_GO_VERSION}"
BIN="$SIMD_HOME/bin/simd"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "install-simd: Go is required (https://go.dev/dl/)" >&2; exit 1; }
echo "install-simd: building simd from github.com/cosmos/ibc-go/v8@$IBC_GO_VERSION into $SIMD_HOME" >&2
src="$(go mod download -json "github.com/cosmos/ibc-go/v8@$IBC_GO_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
mkdir -p "$SIMD_HOME/bin"
tmp="$(mktemp "$SIMD_HOME/bin/simd.XXXXXX")"
(cd "$src" && go build -o "$tmp" ./testing/simapp/simd) >&2 || { rm -f "$tmp"; exit 1; }
mv "$tmp" "$BIN"
echo "$BIN"
