#!/usr/bin/env bash
# Login burst benchmark (issue 9): what parallel wrong logins get, and what they cost the server.
#
#   bench/logins.sh [sqlite|postgres|all]        (default: all)
#
# A real `ejia serve` (release build) on a fresh database with one resident; then bursts of
# logins, each on its own connection and all released at once (`ejia-bench logins`):
#   1. BENCH_BURST (default 200) wrong passwords for the resident's phone: at most 10 (the
#      phone's limit) may be checked (422); the rest are 429 (locked) or 503 (hashing queue full);
#   2. 150 logins for 150 different numbers from one address (the review's burst, which took
#      2.78 GB and 157 threads): at most 50 (the address's limit) may be checked.
# A sampler reads the server's /proc status every 10 ms: the figures printed are its peak
# resident memory (VmHWM) and its most threads; the target is < 300 MB throughout.
# PostgreSQL: BENCH_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
BURST=${BENCH_BURST:-200}
PG_URL=${BENCH_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}
PASSWORD=bench-password-1
PHONE=13600000009

cargo build --release --locked -p ejia -p ejia-bench >&2
BIN="$TARGET/release/ejia"
BENCH="$TARGET/release/ejia-bench"
. bench/common.sh


# Samples a process's memory and threads until it exits or the file $2 appears; prints
# "peak_rss_mb max_threads" at the end.
sample() {
  python3 - "$1" "$2" <<'PY'
import os, sys, time
pid, stop = sys.argv[1], sys.argv[2]
peak = threads = 0
while not os.path.exists(stop):
    try:
        status = open(f"/proc/{pid}/status").read()
    except OSError:
        break
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            peak = max(peak, int(line.split()[1]))
        elif line.startswith("Threads:"):
            threads = max(threads, int(line.split()[1]))
    time.sleep(0.01)
print(f"{peak / 1024:.0f} {threads}")
PY
}

start_server() { # $1 data dir; prints the pid and the URL
  local port; port=$(free_port)
  EJIA_LOG=warn "$BIN" --data-dir "$1" serve --addr "127.0.0.1:$port" > "$1/serve.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_up "http://127.0.0.1:$port"
  echo "$pid http://127.0.0.1:$port"
}

stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}

burst() { # $1 label, $2 pid, $3 url, then ejia-bench logins arguments
  local label=$1 pid=$2 url=$3; shift 3
  local stop="$WORK/stop.$RANDOM" out="$WORK/sample.$RANDOM"
  sample "$pid" "$stop" > "$out" &
  local sampler=$!
  local rss_before; rss_before=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  printf '   %-44s ' "$label"
  "$BENCH" logins --url "$url" "$@"
  touch "$stop"
  wait "$sampler"
  read -r peak threads < "$out"
  echo "     server: RSS before ${rss_before} MB, peak since start ${peak} MB, most threads ${threads}"
}

scenario() { # $1 name, $2 database URL ("" for SQLite)
  local name=$1 db=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  if [ -n "$db" ]; then export EJIA_DATABASE_URL="$db"; else unset EJIA_DATABASE_URL; fi
  "$BIN" --data-dir "$dir" migrate > /dev/null
  echo "$PASSWORD" | "$BIN" --data-dir "$dir" user add --phone "$PHONE" --name 居民 --role resident --password-stdin > /dev/null
  echo "== $name"
  local pid url
  read -r pid url < <(start_server "$dir")
  burst "$BURST wrong passwords for one phone" "$pid" "$url" --phone "$PHONE" --count "$BURST"
  burst "150 logins, 150 numbers, one address" "$pid" "$url" --count 150
  stop_server "$pid"
}

echo "ejia login burst benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); the load generator runs on the same machine"
echo "limits: 10 failures per phone and 50 per address in 15 minutes; hashing: one per core, a queue of two per core"
case $WHAT in sqlite|all) scenario sqlite "" ;; esac
case $WHAT in postgres|all)
  db=$(pg_database ejia_logins)
  scenario postgres "$db"
  psql -q "$PG_URL" -c "drop database ${db##*/}" || true ;;
esac
