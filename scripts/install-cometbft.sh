#!/usr/bin/env bash
# Installs the CometBFT release Veritas is pinned to, unless `cometbft version`
# already reports it. The binary lands in $(go env GOPATH)/bin: add that to PATH.
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.26}"

command -v go >/dev/null || { echo "install-cometbft: Go is required (https://go.dev/dl/)" >&2; exit 1; }
GOBIN_DIR="$(go env GOBIN)"
[ -n "$GOBIN_DIR" ] || GOBIN_DIR="$(go env GOPATH)/bin"
BIN="$GOBIN_DIR/cometbft"

current=""
if [ -x "$BIN" ]; then current="$("$BIN" version 2>/dev/null || true)"; fi
if [ "v$current" = "$COMETBFT_VERSION" ]; then
  echo "cometbft $current already installed at $BIN"
else
  echo "installing cometbft $COMETBFT_VERSION into $GOBIN_DIR (was: ${current:-none})"
  go install "github.com/cometbft/cometbft/cmd/cometbft@${COMETBFT_VERSION}"
  echo "installed cometbft $("$BIN" version) at $BIN"
fi
case ":$PATH:" in
  *":$GOBIN_DIR:"*) ;;
  *) echo "note: add $GOBIN_DIR to PATH, e.g. export PATH=\"\$PATH:$GOBIN_DIR\"" ;;
esac
