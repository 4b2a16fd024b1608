#!/usr/bin/env bash
# Two local chains joined by the Hermes relayer over an ICS-20 channel.
#
#   localnet/ibc.sh [--dir DIR] [--base-ports PA PB] [--counterparty veritas|simd]
#                                        start (or restart what is not running)
#   localnet/ibc.sh --down [--dir DIR]   stop Hermes and both chains
#
# Starts veritas-a-1 (DIR/a, ports PA+6..PA+9: p2p, rpc, abci, grpc; PA defaults to
# 27650) and veritas-b-1 (DIR/b, PB, default 28650), one validator each; with
# --counterparty simd, chain B is ibc-go's simd-1 instead (localnet/simd.sh: a Cosmos SDK
# chain with ibc-go v8). Installs Hermes if missing (scripts/install-hermes.sh); writes
# DIR/hermes/config.toml with the relayer key of localnet/accounts.json on both chains;
# creates clients, a connection and a transfer channel; runs `hermes start` in the
# background (DIR/hermes/hermes.log) and writes DIR/ibc.json:
#   {"a": ".../a/endpoints.json", "b": ".../b/endpoints.json",
#    "a_channel": "channel-0", "b_channel": "channel-0", "hermes_config": ".../config.toml"}
# DIR defaults to localnet/.data/ibc. VERITASD_BIN, HERMES_BIN and SIMD_BIN name
# prebuilt binaries.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

DIR=""
DOWN=0
PORT_A=27650
PORT_B=28650
COUNTERPARTY=veritas
EXPLICIT=""   # settings given on this command line, checked against a restarted DIR's
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="$2"; shift 2 ;;
    --down) DOWN=1; shift ;;
    --base-ports)
      [ $# -ge 3 ] || { echo "ibc.sh: --base-ports takes two ports (chain A's, chain B's)" >&2; exit 2; }
      PORT_A="$2"; PORT_B="$3"; EXPLICIT="$EXPLICIT ports"; shift 3 ;;
    --counterparty) COUNTERPARTY="$2"; EXPLICIT="$EXPLICIT counterparty"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "ibc.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$COUNTERPARTY" in veritas|simd) ;; *) echo "ibc.sh: --counterparty is veritas or simd" >&2; exit 2 ;; esac
DIR="${DIR:-$ROOT/localnet/.data/ibc}"

if [ "$DOWN" = 1 ]; then
  [ -d "$DIR" ] || { echo "ibc.sh: nothing at $DIR"; exit 0; }
  stop_pid "$DIR/hermes/hermes.pid"
  [ -d "$DIR/a" ] && bash "$ROOT/localnet/down.sh" --dir "$DIR/a"
  if [ -f "$DIR/b/node0/simd.pid" ]; then
    bash "$ROOT/localnet/simd.sh" --down --dir "$DIR/b"
  elif [ -d "$DIR/b" ]; then
    bash "$ROOT/localnet/down.sh" --dir "$DIR/b"
  fi
  echo "stopped hermes and both chains"
  exit 0
fi

mkdir -p "$DIR/hermes"; DIR="$(cd "$DIR" && pwd)"
# A restarted setup keeps the ports and counterparty it was created with.
if [ -f "$DIR/ibc.env" ]; then
  asked="$PORT_A $PORT_B $COUNTERPARTY"
  . "$DIR/ibc.env"
  case "$EXPLICIT" in
    *ports*|*counterparty*) if [ "$asked" != "$PORT_A $PORT_B $COUNTERPARTY" ]; then
      echo "ibc.sh: $DIR was made with --base-ports $PORT_A $PORT_B --counterparty $COUNTERPARTY;" \
        "stop it (--down) and use another --dir for other settings" >&2
      exit 2
    fi ;;
  esac
else
  printf 'PORT_A=%s\nPORT_B=%s\nCOUNTERPARTY=%s\n' "$PORT_A" "$PORT_B" "$COUNTERPARTY" >"$DIR/ibc.env"
fi
# A first start that fails part way stops what it started (a restart leaves things be).
FIRST_START=0
[ -f "$DIR/ibc.json" ] || FIRST_START=1
on_exit() {
  local status=$?
  if [ "$status" != 0 ] && [ "$FIRST_START" = 1 ]; then
    echo "ibc.sh: stopping what this run started" >&2
    bash "$0" --down --dir "$DIR" >/dev/null 2>&1 || true
  fi
}
trap on_exit EXIT
CHAIN_A=veritas-a-1
if [ "$COUNTERPARTY" = simd ]; then CHAIN_B=simd-1; else CHAIN_B=veritas-b-1; fi
HERMES="${HERMES_BIN:-}"
[ -n "$HERMES" ] || HERMES="$(bash "$ROOT/scripts/install-hermes.sh" | tail -n 1)"
if [ -z "${VERITASD_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release --locked -q -p veritas-app)
  export VERITASD_BIN="$VERITASD"
fi

# Nodes ask a minimum gas price (Hermes checks that its own gas_price is not below it).
bash "$ROOT/localnet/up.sh" --validators 1 --chain-id "$CHAIN_A" --dir "$DIR/a" --base-port "$PORT_A" \
  --minimum-gas-prices 0.0025uvrt >/dev/null
if [ "$COUNTERPARTY" = simd ]; then
  bash "$ROOT/localnet/simd.sh" --chain-id "$CHAIN_B" --dir "$DIR/b" --base-port "$PORT_B" >/dev/null
else
  bash "$ROOT/localnet/up.sh" --validators 1 --chain-id "$CHAIN_B" --dir "$DIR/b" --base-port "$PORT_B" \
    --minimum-gas-prices 0.0025uvrt >/dev/null
fi

CONFIG="$DIR/hermes/config.toml"
# The two proof specs of a Veritas commitment proof (ICS-23 over the JMT: the ibc
# substore, then the root), as veritas_ibc::proof_specs() defines them.
JMT_SPEC='{ "leaf_spec": { "hash": 1, "prehash_key": 1, "prehash_value": 1, "length": 0, "prefix": "Sk1UOjpMZWFmTm9kZQ==" },
    "inner_spec": { "child_order": [0, 1], "child_size": 32, "min_prefix_length": 16, "max_prefix_length": 16,
                    "empty_child": "U1BBUlNFX01FUktMRV9QTEFDRUhPTERFUl9IQVNIX18=", "hash": 1 },
    "max_depth": 64, "min_depth": 0, "prehash_key_before_comparison": true }'
chain_config() {  # chain_config CHAIN_ID BASE_PORT veritas|simd
  local prefix=veritas denom=uvrt specs
  specs="proof_specs = '''
[ $JMT_SPEC,
  $JMT_SPEC ]
'''"
  if [ "$3" = simd ]; then
    # A Cosmos SDK chain proves with IAVL: Hermes' default specs.
    prefix=cosmos; denom=stake; specs=""
  fi
  cat <<TOML

[[chains]]
id = '$1'
type = 'CosmosSdk'
rpc_addr = 'http://127.0.0.1:$(rpc_port 0 "$2")'
grpc_addr = 'http://127.0.0.1:$(grpc_port 0 "$2")'
event_source = { mode = 'push', url = 'ws://127.0.0.1:$(rpc_port 0 "$2")/websocket', batch_delay = '200ms' }
rpc_timeout = '10s'
trusted_node = true
account_prefix = '$prefix'
key_name = 'relayer'
key_store_folder = '$DIR/hermes/keys'
store_prefix = 'ibc'
default_gas = 300000
max_gas = 4000000
gas_price = { price = 0.025, denom = '$denom' }
gas_multiplier = 1.3
max_msg_num = 30
max_tx_size = 180000
clock_drift = '5s'
max_block_time = '30s'
trusting_period = '14days'
trust_threshold = '2/3'
compat_mode = '0.38'
address_type = { derivation = 'cosmos' }
$specs
TOML
}
{
  cat <<TOML
# Hermes configuration for the two chains of localnet/ibc.sh.
[global]
log_level = 'info'

[mode.clients]
enabled = true
refresh = true
misbehaviour = false

[mode.connections]
enabled = false

[mode.channels]
enabled = false

[mode.packets]
enabled = true
clear_interval = 10
clear_on_start = true
tx_confirmation = true

[rest]
enabled = false
host = '127.0.0.1'
port = 3000

[telemetry]
enabled = false
host = '127.0.0.1'
port = 3001
TOML
  chain_config "$CHAIN_A" "$PORT_A" veritas
  chain_config "$CHAIN_B" "$PORT_B" "$COUNTERPARTY"
} >"$CONFIG"

MNEMONIC="$DIR/hermes/relayer.mnemonic"
python3 -c 'import json,sys; print(next(a["mnemonic"] for a in json.load(open(sys.argv[1])) if a["name"] == "relayer"))' \
  "$ROOT/localnet/accounts.json" >"$MNEMONIC"
for chain in "$CHAIN_A" "$CHAIN_B"; do
  "$HERMES" --config "$CONFIG" keys add --chain "$chain" --mnemonic-file "$MNEMONIC" --key-name relayer \
    --overwrite >>"$DIR/hermes/setup.log" 2>&1 \
    || { echo "ibc.sh: hermes keys add failed; see $DIR/hermes/setup.log" >&2; exit 1; }
done

# One channel is enough: create it the first time only. `open_channel` prints
# "<A's channel> <B's channel>" of an OPEN transfer channel on A, or nothing.
open_channel() {
  "$VERITASD_BIN" q ibc channel channels --node "http://127.0.0.1:$(rpc_port 0 "$PORT_A")" --output json \
    | python3 -c '
import json, sys
for c in json.load(sys.stdin).get("channels", []):
    if c["port_id"] == "transfer" and c["state"] == "STATE_OPEN":
        print(c["channel_id"], c["counterparty"]["channel_or_connection"])
        break' || true
}
CHANNELS="$(open_channel)"
if [ -z "$CHANNELS" ]; then
  echo "ibc.sh: creating clients, a connection and a transfer channel (takes about a minute)"
  if ! "$HERMES" --config "$CONFIG" create channel --a-chain "$CHAIN_A" --b-chain "$CHAIN_B" \
      --a-port transfer --b-port transfer --new-client-connection --yes >>"$DIR/hermes/setup.log" 2>&1; then
    echo "ibc.sh: hermes create channel failed; last lines of $DIR/hermes/setup.log:" >&2
    tail -n 20 "$DIR/hermes/setup.log" >&2
    exit 1
  fi
  CHANNELS="$(open_channel)"
  [ -n "$CHANNELS" ] || { echo "ibc.sh: no open transfer channel after hermes create channel" >&2; exit 1; }
fi
read -r A_CHANNEL B_CHANNEL <<<"$CHANNELS"

if ! alive "$DIR/hermes/hermes.pid"; then
  LOG="$DIR/hermes/hermes.log"
  before=0
  [ -f "$LOG" ] && before="$(wc -l <"$LOG")"
  nohup "$HERMES" --config "$CONFIG" start >>"$LOG" 2>&1 &
  echo $! >"$DIR/hermes/hermes.pid"
  # Return once Hermes relays (its workers spawned, events subscribed).
  for _ in $(seq 240); do
    tail -n "+$((before + 1))" "$LOG" | grep -q "Hermes has started" && break
    alive "$DIR/hermes/hermes.pid" || { echo "ibc.sh: hermes start exited; see $LOG" >&2; tail -n 20 "$LOG" >&2; exit 1; }
    sleep 0.5
  done
  tail -n "+$((before + 1))" "$LOG" | grep -q "Hermes has started" \
    || { echo "ibc.sh: hermes did not start within 120 s; see $LOG" >&2; exit 1; }
fi

cat >"$DIR/ibc.json" <<JSON
{"a": "$DIR/a/endpoints.json", "b": "$DIR/b/endpoints.json", "a_channel": "$A_CHANNEL", "b_channel": "$B_CHANNEL", "hermes_config": "$CONFIG"}
JSON
echo "IBC localnet: $CHAIN_A transfer/$A_CHANNEL <-> $CHAIN_B transfer/$B_CHANNEL, relayed by Hermes ($("$HERMES" version 2>/dev/null | tail -n 1))."
echo "  $CHAIN_A  rpc http://127.0.0.1:$(rpc_port 0 "$PORT_A")  grpc 127.0.0.1:$(grpc_port 0 "$PORT_A")  home $DIR/a/node0"
echo "  $CHAIN_B  rpc http://127.0.0.1:$(rpc_port 0 "$PORT_B")  grpc 127.0.0.1:$(grpc_port 0 "$PORT_B")  home $DIR/b/node0"
echo "  hermes  $HERMES --config $CONFIG   (log $DIR/hermes/hermes.log)"
echo "  facts   $DIR/ibc.json"
echo "  stop    localnet/ibc.sh --down --dir $DIR"
