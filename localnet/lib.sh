# Shared helpers of the localnet scripts. Source it after scripts/env.sh.

# Ports of node $1 given base port $2.
p2p_port() { echo $(($2 + 10 * $1 + 6)); }
rpc_port() { echo $(($2 + 10 * $1 + 7)); }
abci_port() { echo $(($2 + 10 * $1 + 8)); }
grpc_port() { echo $(($2 + 10 * $1 + 9)); }
cometbft_metrics_port() { echo $(($2 + 10 * $1 + 4)); }
app_metrics_port() { echo $(($2 + 10 * $1 + 5)); }

# peers_except I PEER...: the PEERs but the I-th (0-based), comma-separated.
peers_except() {
  local skip="$1" i=0 out=() peer
  shift
  for peer in "$@"; do
    [ "$i" -eq "$skip" ] || out+=("$peer")
    i=$((i + 1))
  done
  (IFS=,; echo "${out[*]}")
}

# tune_cometbft CONFIG PEERS: the CometBFT settings every local network here shares (Veritas,
# simd and the kvstore reference of bench/e2e.sh), so their numbers compare: loopback peers
# (private addresses, several nodes on one IP), 1 s blocks, a 50,000-tx mempool for load
# tests, the kv tx indexer clients search.
tune_cometbft() {
  local config="$1" peers="$2" expected
  sed -i -e "s|^persistent_peers = .*|persistent_peers = \"$peers\"|" \
    -e 's|^addr_book_strict = .*|addr_book_strict = false|' \
    -e 's|^allow_duplicate_ip = .*|allow_duplicate_ip = true|' \
    -e 's|^timeout_commit = .*|timeout_commit = "1s"|' \
    -e 's|^size = 5000$|size = 50000|' \
    -e 's|^indexer = .*|indexer = "kv"|' "$config"
  for expected in 'addr_book_strict = false' 'allow_duplicate_ip = true' 'timeout_commit = "1s"' 'size = 50000' 'indexer = "kv"'; do
    grep -qF "$expected" "$config" || { echo "lib.sh: could not set $expected in $config" >&2; return 1; }
  done
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# cosmovisor_of DIR/node<i>: the cosmovisor binary the node's localnet runs it under
# (up.sh --cosmovisor, saved in localnet.env), or nothing.
cosmovisor_of() { [ -f "$(dirname "$1")/localnet.env" ] && read_setting "$(dirname "$1")" COSMOVISOR || true; }

# start_node DIR/node<i> RPC_PORT ABCI_PORT: start the app, wait for its ABCI port, start cometbft.
# Under cosmovisor: one process tree, `cosmovisor run start --home <home> --with-cometbft`
# (veritasd runs cometbft as its child), pid in cosmovisor.pid, cosmovisor's and veritasd's
# output in veritasd.log, cometbft's in cometbft.log. The node's cosmovisor/genesis/bin gets a
# copy of $VERITASD the first time (`cosmovisor init`).
start_node() {
  local node="$1" abci="$3" cosmovisor settings
  cosmovisor="$(cosmovisor_of "$node")"
  if [ -n "$cosmovisor" ]; then
    alive "$node/cosmovisor.pid" && return 0
    # cosmovisor v1.5's settings: upgrade binaries in <home>/cosmovisor/upgrades/<name>/bin
    # (localnet/upgrade.sh), <home>/data/upgrade-info.json polled every 300 ms, a restart on
    # the new binary, no data backup, logs without colours.
    settings=("DAEMON_HOME=$node" DAEMON_NAME=veritasd DAEMON_RESTART_AFTER_UPGRADE=true UNSAFE_SKIP_BACKUP=true
      DAEMON_POLL_INTERVAL=300ms COSMOVISOR_COLOR_LOGS=false)
    mkdir -p "$node/data"   # cosmovisor watches data/upgrade-info.json: the directory must exist
    if [ ! -x "$node/cosmovisor/genesis/bin/veritasd" ] \
      && ! env "${settings[@]}" "$cosmovisor" init "$VERITASD" >>"$node/veritasd.log" 2>&1; then
      echo "lib.sh: cosmovisor init $VERITASD failed for $node; see $node/veritasd.log" >&2
      return 1
    fi
    nohup env "${settings[@]}" "$cosmovisor" run start --home "$node" --with-cometbft \
      --cometbft-bin "$(command -v "${COMETBFT_BIN:-cometbft}")" --cometbft-log "$node/cometbft.log" \
      >>"$node/veritasd.log" 2>&1 &
    echo $! >"$node/cosmovisor.pid"
    return 0
  fi
  if ! alive "$node/veritasd.pid"; then
    nohup "$VERITASD" start --home "$node" >>"$node/veritasd.log" 2>&1 &
    echo $! >"$node/veritasd.pid"
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$abci") 2>/dev/null && break; sleep 0.1; done
  fi
  if ! alive "$node/cometbft.pid"; then
    nohup cometbft start --home "$node/cometbft" >>"$node/cometbft.log" 2>&1 &
    echo $! >"$node/cometbft.pid"
  fi
}

# node_pidfiles DIR/node<i>: the pid files of the node's processes.
node_pidfiles() {
  if [ -n "$(cosmovisor_of "$1")" ]; then echo "$1/cosmovisor.pid"; else echo "$1/veritasd.pid" "$1/cometbft.pid"; fi
}

# node_alive DIR/node<i>: every process of the node runs.
node_alive() {
  local pidfile
  for pidfile in $(node_pidfiles "$1"); do alive "$pidfile" || return 1; done
}

# children PID: the pids of the process's children (those of every thread), from /proc.
children() { cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' ' '\n' | sed '/^$/d' || true; }

# stop_node DIR/node<i> [KILL]: stops the node: cosmovisor's tree, or cometbft, then the app
# (consensus first, so the app is not stopped under a running CometBFT).
stop_node() {
  local node="$1" signal="${2:-TERM}"
  stop_supervised "$node/cosmovisor.pid" "$signal"
  if [ "$signal" = KILL ]; then
    stop_pid "$node/veritasd.pid" KILL; stop_pid "$node/cometbft.pid" KILL
  else
    stop_pid "$node/cometbft.pid"; stop_pid "$node/veritasd.pid"
  fi
}

# stop_supervised PIDFILE [SIGNAL]: stop a recorded cosmovisor and the veritasd it runs.
# SIGTERM goes to cosmovisor, which passes it on (veritasd then stops its cometbft and
# itself); SIGKILL (or 40 s without exiting) goes to both, the cometbft child dying with
# veritasd (PR_SET_PDEATHSIG).
stop_supervised() {
  local pidfile="$1" signal="${2:-TERM}" pid kids kid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kids="$(children "$pid")"
    if [ "$signal" != KILL ]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    # shellcheck disable=SC2086 # kids: a list of pids
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" $kids 2>/dev/null || true
    for kid in $kids; do
      for _ in $(seq 100); do kill -0 "$kid" 2>/dev/null || break; sleep 0.1; done
    done
  fi
  rm -f "$pidfile"
}

# stop_pid PIDFILE [SIGNAL]: signal a recorded process and wait for it to go.
stop_pid() {
  local pidfile="$1" signal="${2:-TERM}" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# height RPC_PORT: the node's latest block height, or nothing.
height() { curl -sf "http://127.0.0.1:$1/status" | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p'; }
app_hash() { curl -sf "http://127.0.0.1:$1/status" | sed -n 's/.*"latest_app_hash":"\([0-9A-F]*\)".*/\1/p'; }

# wait_for_blocks RPC_PORT PIDFILE...: waits up to 120 s for height 2 on RPC_PORT and prints
# it. Returns 1, printing the pidfile, as soon as one of the processes is gone; 2 on a timeout.
wait_for_blocks() {
  local rpc="$1" h="" pidfile
  shift
  for _ in $(seq 240); do
    h="$(height "$rpc" || true)"
    if [ -n "$h" ] && [ "$h" -ge 2 ]; then echo "$h"; return 0; fi
    for pidfile in "$@"; do
      alive "$pidfile" || { echo "$pidfile"; return 1; }
    done
    sleep 0.5
  done
  return 2
}

# read_setting DIR KEY: a value saved by up.sh in DIR/localnet.env.
read_setting() { sed -n "s/^$2=//p" "$1/localnet.env"; }
