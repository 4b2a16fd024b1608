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

# start_node DIR/node<i> RPC_PORT ABCI_PORT: start the app, wait for its ABCI port, start cometbft.
start_node() {
  local node="$1" abci="$3"
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
