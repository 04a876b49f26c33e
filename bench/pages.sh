#!/usr/bin/env bash
# Page benchmark: prints start-up time to the first 200 with --demo on a fresh data directory,
# idle memory, and page throughput and latency at 64 connections, each against the yardstick
# measured in the same run: `bench/probe` (ejia-probe), a bare axum server answering a static
# 4 KB page — the most this machine serves — so a page's figure is read as a share of it.
#
#   bench/pages.sh [seconds-of-load]        (needs wrk: apt-get install wrk)
#
# BENCH_RUNS (default 3) runs of each page and of the probe, alternating, with the median
# printed; BENCH_PATHS (default "/") the pages to load. The load generator shares the machine
# with the server; then one more run of the home page pinned apart (server on one core, wrk on
# the other) when the machine has at least two.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD=${1:-20}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

RUNS=${BENCH_RUNS:-3}
PATHS=${BENCH_PATHS:-/}
cargo build --release --locked -p ejia -p ejia-probe >&2
BIN="${CARGO_TARGET_DIR:-target}/release/ejia"
PROBE="${CARGO_TARGET_DIR:-target}/release/ejia-probe"
DATA=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
PROBE_PORT=$(free_port)
URL="http://127.0.0.1:$PORT/"
PROBE_URL="http://127.0.0.1:$PROBE_PORT/"
PID="" PROBE_PID=""
trap 'kill -TERM $PID $PROBE_PID 2>/dev/null || true; rm -rf "$DATA"' EXIT

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

t0=$(date +%s%N)
EJIA_LOG=warn "$BIN" --data-dir "$DATA" serve --demo --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
until curl -fso /dev/null "$URL"; do sleep 0.002; done
t1=$(date +%s%N)
start_ms=$(( (t1 - t0) / 1000000 ))
sleep 2
idle_rss=$(rss_mb $PID)

LAST_RPS=0
load() { # $1: label, $2: url, $3...: command prefix for wrk
  local label=$1 url=$2; shift 2
  "$@" wrk -t2 -c64 -d3s "$url" > /dev/null  # warm-up
  local out
  out=$("$@" wrk -t2 -c64 -d"${SECONDS_OF_LOAD}s" --latency "$url")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' <<< "$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" || true)
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-no errors}"
  LAST_RPS=$rps
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

"$PROBE" --addr "127.0.0.1:$PROBE_PORT" --db "$DATA/probe.db" > "$DATA/probe.log" 2>&1 &
PROBE_PID=$!
for _ in $(seq 1000); do curl -fso /dev/null "$PROBE_URL" && break; sleep 0.01; done
curl -fso /dev/null "$PROBE_URL" || { echo "the probe did not start:" >&2; cat "$DATA/probe.log" >&2; exit 1; }

echo "ejia page benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_OF_LOAD}s of load, $RUNS runs"
echo "start to first 200 (fresh data dir, --demo): ${start_ms} ms"
echo "idle RSS after start:                        ${idle_rss} MB"
echo "64 connections, shared cores; each page against the probe (a static 4 KB page):"
for path in $PATHS; do
  probe_rps=() page_rps=()
  for run in $(seq "$RUNS"); do
    load "  probe  #$run" "$PROBE_URL" env; probe_rps+=("$LAST_RPS")
    load "  $path #$run" "http://127.0.0.1:$PORT$path" env; page_rps+=("$LAST_RPS")
  done
  p=$(echo "${probe_rps[*]}" | median); e=$(echo "${page_rps[*]}" | median)
  printf '  %s: median %s req/s against the probe'"'"'s %s: %s of it\n' "$path" "$e" "$p" \
    "$(awk -v e="$e" -v p="$p" 'BEGIN { printf "%.2f×", e / p }')"
done
kill -TERM $PROBE_PID 2>/dev/null || true
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  taskset -pc 0 $PID > /dev/null
  load "  / server core 0, wrk core 1" "$URL" taskset -c 1
  taskset -pc "0-$(( $(nproc) - 1 ))" $PID > /dev/null
fi
sleep 2
echo "idle RSS after load:                         $(rss_mb $PID) MB"
