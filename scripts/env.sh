# Shared environment for Veritas scripts. Source it: `. scripts/env.sh`.
# A persistent target dir outside the clone keeps rebuilds incremental.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/veritas/target}"
GOBIN_DIR="$(go env GOBIN 2>/dev/null || true)"
[ -n "$GOBIN_DIR" ] || GOBIN_DIR="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
case ":$PATH:" in *":$GOBIN_DIR:"*) ;; *) export PATH="$PATH:$GOBIN_DIR" ;; esac
export VERITASD="$CARGO_TARGET_DIR/release/veritasd"
