#!/usr/bin/env bash
# End-to-end throughput side by side: Veritas, ibc-go `simd` (v8.8.0, scripts/install-simd.sh)
# and CometBFT's built-in kvstore (the ceiling), one after the other on this machine, with the
# same CometBFT settings (localnet/lib.sh tune_cometbft) and the same load (`veritasd loadgen`:
# --txs bank sends from --accounts accounts, one in flight per account, spread over the nodes).
#
#   bench/e2e.sh [--txs N] [--validators 1|4|1,4] [--chains veritas,simd,kvstore]
#                [--accounts A] [--base-port P] [--out FILE] [--keep]
#
# Defaults: 20,000 txs, validators 1,4, all three chains, 400 accounts, P 31000 (run k uses
# ports P+100k to P+100k+39; keep them below 32768, where the kernel's ephemeral ports
# begin). Prints one table:
# committed tx/s, p50/p99 inclusion latency, CPU seconds per 1,000 committed txs of the app
# and of cometbft (simd runs both in one process; kvstore runs inside cometbft), Balance query
# p50/p99 during the load over CometBFT's abci_query, over gRPC and (Veritas) straight on the
# app's ABCI socket; then ratios. The last line reads
# `ratios: veritas/simd=<x> veritas/kvstore=<y>` (committed tx/s, first validator count).
# Raw results (JSON) go to --out (default: DIR/results.json, printed). --keep keeps the nodes'
# homes and logs. VERITASD_BIN and SIMD_BIN name prebuilt binaries.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/env.sh"
. "$ROOT/localnet/lib.sh"

TXS=20000
VALIDATOR_COUNTS="1,4"
CHAINS="veritas,simd,kvstore"
ACCOUNTS=400
BASE_PORT=31000
OUT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --txs) TXS="$2"; shift 2 ;;
    --validators) VALIDATOR_COUNTS="$2"; shift 2 ;;
    --chains) CHAINS="$2"; shift 2 ;;
    --accounts) ACCOUNTS="$2"; shift 2 ;;
    --base-port) BASE_PORT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "e2e.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for n in "$TXS" "$ACCOUNTS" "$BASE_PORT" ${VALIDATOR_COUNTS//,/ }; do
  case "$n" in ''|*[!0-9]*|0) echo "e2e.sh: --txs, --accounts, --base-port and --validators take positive numbers" >&2; exit 2 ;; esac
done
for chain in ${CHAINS//,/ }; do
  case "$chain" in veritas|simd|kvstore) ;; *) echo "e2e.sh: unknown chain $chain (veritas, simd, kvstore)" >&2; exit 2 ;; esac
done

command -v cometbft >/dev/null || bash "$ROOT/scripts/install-cometbft.sh"
if [ -n "${VERITASD_BIN:-}" ]; then
  VERITASD="$VERITASD_BIN"
else
  (cd "$ROOT" && cargo build --release --locked -q -p veritas-app)
fi
export VERITASD_BIN="$VERITASD"
if [[ ",$CHAINS," == *,simd,* ]]; then
  SIMD_BIN="${SIMD_BIN:-$(bash "$ROOT/scripts/install-simd.sh" | tail -n 1)}"
  export SIMD_BIN
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/veritas-e2e-bench.XXXXXX")"
OUT="${OUT:-$WORK/results.json}"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
CURRENT=""
# Whatever happens, stop the network that is running.
stop_current() {
  [ -n "$CURRENT" ] || return 0
  local chain="${CURRENT%%:*}" dir="${CURRENT#*:}"
  case "$chain" in
    veritas) bash "$ROOT/localnet/down.sh" --dir "$dir" >/dev/null ;;
    simd) bash "$ROOT/localnet/simd.sh" --down --dir "$dir" >/dev/null ;;
    kvstore) bash "$ROOT/bench/kvstore.sh" --down --dir "$dir" >/dev/null ;;
  esac
  CURRENT=""
  [ "$KEEP" = 1 ] || rm -rf "$dir"
}
trap stop_current EXIT

# cpu_seconds PIDFILE...: user + system CPU time of those processes so far.
cpu_seconds() {
  python3 - "$@" <<'PY'
import os, sys
total = 0
for pidfile in sys.argv[1:]:
    pid = open(pidfile).read().strip()
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    total += int(fields[11]) + int(fields[12])  # utime, stime (stat fields 14 and 15)
print(total / os.sysconf("SC_CLK_TCK"))
PY
}

ALICE_MNEMONIC="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["mnemonic"])' "$ROOT/localnet/accounts.json")"
run=0
for validators in ${VALIDATOR_COUNTS//,/ }; do
  for chain in ${CHAINS//,/ }; do
    run=$((run + 1))
    dir="$WORK/$chain-$validators"
    port=$((BASE_PORT + 100 * run))
    echo "== $chain, $validators validator(s): starting" >&2
    CURRENT="$chain:$dir"
    app_pids=()
    comet_pids=()
    load=(--txs "$TXS" --accounts "$ACCOUNTS" --in-flight "$ACCOUNTS" --timeout 600 --output json)
    case "$chain" in
      veritas)
        # simd's and kvstore's genesis set no block gas limit; Veritas' default (200,000,000)
        # would cap a block at 3,333 of these sends, so the bench lifts it out of the way.
        bash "$ROOT/localnet/up.sh" --validators "$validators" --dir "$dir" --base-port "$port" \
          --chain-id veritas-bench-1 --max-gas 1000000000 >/dev/null
        app_pids=("$dir"/node*/veritasd.pid)
        comet_pids=("$dir"/node*/cometbft.pid)
        # 60,000 gas: a send uses about 46,700, so a block of max_gas holds 3,333 of them.
        load+=(--from alice --keyring-backend test --home "$dir/node0" --gas 60000 --probe-queries)
        ;;
      simd)
        bash "$ROOT/localnet/simd.sh" --validators "$validators" --dir "$dir" --base-port "$port" >/dev/null
        app_pids=("$dir"/node*/simd.pid)
        echo "$ALICE_MNEMONIC" | "$VERITASD" keys add alice --recover --keyring-backend test --home "$dir/loadgen" >/dev/null
        load+=(--from alice --keyring-backend test --home "$dir/loadgen" --prefix cosmos --denom stake
          --gas-price 0.0025stake --gas 150000 --probe-queries)
        ;;
      kvstore)
        bash "$ROOT/bench/kvstore.sh" --validators "$validators" --dir "$dir" --base-port "$port" >/dev/null
        comet_pids=("$dir"/node*/cometbft.pid)
        load+=(--kvstore --tx-size 230)
        ;;
    esac
    nodes="$(python3 -c 'import json,sys; print(",".join(n["rpc"] for n in json.load(open(sys.argv[1]))["nodes"]))' "$dir/endpoints.json")"
    grpc="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0].get("grpc", ""))' "$dir/endpoints.json")"
    abci="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0].get("abci", ""))' "$dir/endpoints.json")"
    [ -z "$grpc" ] || [ "$chain" = kvstore ] || load+=(--grpc "$grpc")
    [ -z "$abci" ] || load+=(--abci "$abci")
    app_before=0; comet_before=0
    [ ${#app_pids[@]} -eq 0 ] || app_before="$(cpu_seconds "${app_pids[@]}")"
    [ ${#comet_pids[@]} -eq 0 ] || comet_before="$(cpu_seconds "${comet_pids[@]}")"
    echo "== $chain, $validators validator(s): $TXS txs" >&2
    # CPU is sampled when every tx is committed (loadgen writes the done file), before
    # loadgen reads the result codes: serving those is the generator's cost, not the chain's.
    done_file="$WORK/$chain-$validators.done"
    "$VERITASD" loadgen --node "$nodes" "${load[@]}" --load-done-file "$done_file" >"$WORK/$chain-$validators.json" &
    loadgen_pid=$!
    while [ ! -s "$done_file" ] && kill -0 "$loadgen_pid" 2>/dev/null; do sleep 0.05; done
    app_after=0; comet_after=0
    [ ${#app_pids[@]} -eq 0 ] || app_after="$(cpu_seconds "${app_pids[@]}")"
    [ ${#comet_pids[@]} -eq 0 ] || comet_after="$(cpu_seconds "${comet_pids[@]}")"
    wait "$loadgen_pid" || { echo "e2e.sh: loadgen failed on $chain" >&2; exit 1; }
    python3 - "$WORK/$chain-$validators.json" "$chain" "$validators" "$app_before" "$app_after" \
      "$comet_before" "$comet_after" >>"$RESULTS" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
chain, validators = sys.argv[2], int(sys.argv[3])
app, comet = float(sys.argv[5]) - float(sys.argv[4]), float(sys.argv[7]) - float(sys.argv[6])
print(json.dumps({"chain": chain, "validators": validators, "app_cpu_s": round(app, 2),
                  "cometbft_cpu_s": round(comet, 2), "loadgen": report}))
PY
    stop_current
  done
done

python3 - "$RESULTS" "$OUT" "$VALIDATOR_COUNTS" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
json.dump(runs, open(sys.argv[2], "w"), indent=2)
counts = [int(v) for v in sys.argv[3].split(",")]

def per_k(seconds, committed):
    return f"{1000 * seconds / committed:.2f}" if committed else "-"

def q(report, kind):
    lat = report.get("query_latency_ms", {}).get(kind)
    return f"{lat['p50']}/{lat['p99']}" if lat and lat.get("p50") is not None else "-"

head = ("chain", "vals", "committed tx/s", "incl. p50 ms", "incl. p99 ms", "app CPU s/1k tx",
        "cometbft CPU s/1k tx", "Balance abci_query p50/p99 ms", "Balance gRPC p50/p99 ms",
        "Balance app socket p50/p99 ms")
rows = []
for r in runs:
    lg = r["loadgen"]
    committed = lg["committed_by_code"].get("0", 0)
    app = per_k(r["app_cpu_s"], committed) if r["chain"] != "kvstore" else "(in cometbft)"
    comet = per_k(r["cometbft_cpu_s"], committed) if r["chain"] != "simd" else "(in simd)"
    rows.append((r["chain"], str(r["validators"]), f"{lg['committed_tx_per_s']:.0f}",
                 str(lg["inclusion_latency_ms"]["p50"]), str(lg["inclusion_latency_ms"]["p99"]),
                 app, comet, q(lg, "abci_query"), q(lg, "grpc"), q(lg, "abci_socket")))
widths = [max(len(x) for x in col) for col in zip(head, *rows)]
for row in [head] + rows:
    print("  ".join(x.ljust(w) for x, w in zip(row, widths)))
print(f"results: {sys.argv[2]}")

def find(chain, v):
    return next((r for r in runs if r["chain"] == chain and r["validators"] == v), None)

def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "n/a"

last = None
for v in counts:
    ver, simd, kv = find("veritas", v), find("simd", v), find("kvstore", v)
    tps = lambda r: r["loadgen"]["committed_tx_per_s"] if r else None
    comet_per_tx = lambda r: r["cometbft_cpu_s"] / max(1, r["loadgen"]["committed_by_code"].get("0", 0)) if r else None
    line = f"ratios: veritas/simd={ratio(tps(ver), tps(simd))} veritas/kvstore={ratio(tps(ver), tps(kv))}"
    print(f"{v} validator(s): {line}; cometbft CPU per tx veritas/kvstore={ratio(comet_per_tx(ver), comet_per_tx(kv))}")
    if last is None:
        last = line
print(last)
PY
