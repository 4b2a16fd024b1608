#!/usr/bin/env bash
# Installs the Hermes relayer Veritas is tested with, unless it is already there:
#   $HERMES_HOME/bin/hermes   (HERMES_HOME defaults to ~/.cache/veritas/hermes-<version>)
# Built from crates.io with `cargo install --locked` into its own target dir, so a
# second run (or a warm CI machine) reuses the binary. A cold build takes about 12
# minutes on two cores. Prints the binary's path on the last line.
#
# Pinned to 1.11.0: Hermes 1.12+ (ibc-relayer 0.31+) depends on penumbra-sdk-proof-params,
# whose build script downloads proving keys through git-lfs, which cannot work offline.
set -euo pipefail

HERMES_VERSION="${HERMES_VERSION:-1.11.0}"
HERMES_HOME="${HERMES_HOME:-$HOME/.cache/veritas/hermes-$HERMES_VERSION}"
BIN="$HERMES_HOME/bin/hermes"

installed=""
[ -x "$BIN" ] && installed="$("$BIN" version 2>/dev/null || true)"
if [[ "$installed" == *"hermes $HERMES_VERSION"* ]]; then
  echo "$BIN"
  exit 0
fi
command -v cargo >/dev/null || { echo "install-hermes: cargo is required" >&2; exit 1; }
if ! command -v protoc >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-hermes: protoc is missing; install it (Debian/Ubuntu: apt-get install -y protobuf-compiler)" >&2
    exit 1
  fi
  echo "install-hermes: installing protobuf-compiler" >&2
  $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler >/dev/null
fi
echo "install-hermes: building ibc-relayer-cli $HERMES_VERSION into $HERMES_HOME (a cold build takes a while)" >&2
PROTOC="$(command -v protoc)" CARGO_TARGET_DIR="${HERMES_TARGET_DIR:-$HOME/.cache/veritas/hermes-target}" \
  cargo install ibc-relayer-cli --version "$HERMES_VERSION" --locked --root "$HERMES_HOME" --bin hermes >&2
echo "$BIN"
