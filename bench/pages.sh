#!/usr/bin/env bash
# Page benchmark: prints start-up time to the first 200 with --demo on a fresh data directory,
# idle memory, and home-page throughput and latency at 64 connections.
#
#   bench/pages.sh [seconds-of-load]        (needs wrk: apt-get install wrk)
#
# The load generator shares the machine with the server. Two runs are reported: both free to
# use every core (what a small deployment on one box sees), and pinned apart (server on one
# core, wrk on the other) when the machine has at least two.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_LOAD=${1:-20}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

cargo build --release --locked --bin ejia >&2
BIN="${CARGO_TARGET_DIR:-target}/release/ejia"
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT/"
trap 'kill -TERM $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

t0=$(date +%s%N)
EJIA_LOG=warn "$BIN" --data-dir "$DATA" serve --demo --addr "127.0.0.1:$PORT" > "$DATA/serve.log" 2>&1 &
PID=$!
until curl -fso /dev/null "$URL"; do sleep 0.002; done
t1=$(date +%s%N)
start_ms=$(( (t1 - t0) / 1000000 ))
sleep 2
idle_rss=$(rss_mb $PID)

load() { # $1: label, $2...: command prefix for wrk
  local label=$1; shift
  "$@" wrk -t2 -c64 -d3s "$URL" > /dev/null  # warm-up
  local out
  out=$("$@" wrk -t2 -c64 -d"${SECONDS_OF_LOAD}s" --latency "$URL")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' <<< "$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<< "$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<< "$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" || true)
  printf '%-28s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-no errors}"
}

echo "ejia page benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_OF_LOAD}s of load"
echo "start to first 200 (fresh data dir, --demo): ${start_ms} ms"
echo "idle RSS after start:                        ${idle_rss} MB"
echo "home page, 64 connections:"
load "  shared cores" env
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  taskset -pc 0 $PID > /dev/null
  load "  server core 0, wrk core 1" taskset -c 1
  taskset -pc "0-$(( $(nproc) - 1 ))" $PID > /dev/null
fi
sleep 2
echo "idle RSS after load:                         $(rss_mb $PID) MB"
