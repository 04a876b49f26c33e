#!/usr/bin/env bash
# Booking-rush benchmark: real `ejia serve` processes over HTTP on this machine.
#
#   bench/booking.sh [sqlite|plenty|postgres|postgres2|kill|all]     (default: all)
#
# Each scenario: a fresh database, Shinan's structure, 20,000 residents with API tokens
# (`ejia user import`), one service with 100 slots × 50 seats, then 500 connections booking
# for 20 s (random user, random slot, a fresh Idempotency-Key each). Afterwards the database is
# checked: no slot over capacity, seat counts match, nobody booked twice, every 2xx answer is
# exactly one stored reservation, and no 5xx. Scenarios:
#   sqlite     SQLite file (WAL, synchronous=FULL)
#   plenty     the same with seats for everyone (100 slots × BENCH_PLENTY_SEATS, default 250):
#              how fast bookings are confirmed when none is refused for want of a seat
#   postgres   one instance on PostgreSQL
#   postgres2  two instances sharing one PostgreSQL, connections split between them
#   kill       SQLite, the server killed with SIGKILL mid-rush (BENCH_KILL_AT, default 2 s) and
#              restarted at once
# PostgreSQL: BENCH_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres — .ci/run creates that role.
# Tunables: BENCH_USERS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SLOTS, BENCH_SEATS,
# BENCH_KILL_AT, BENCH_DB_CONNECTIONS (pool size per instance on PostgreSQL, default 32).
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
USERS=${BENCH_USERS:-20000}
SECS=${BENCH_SECONDS:-20}
CONNS=${BENCH_CONNECTIONS:-500}
SLOTS=${BENCH_SLOTS:-100}
SEATS=${BENCH_SEATS:-50}
KILL_AT=${BENCH_KILL_AT:-2}
PG_URL=${BENCH_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --locked -p ejia -p ejia-bench >&2
BIN="$TARGET/release/ejia"
BENCH="$TARGET/release/ejia-bench"
. bench/common.sh

python3 - "$USERS" > "$WORK/users.csv" <<'PY'
import sys
codes = ["370202001001", "370202002008", "370202004001", "370202005001", "370202007001"]
n = int(sys.argv[1])
print("phone,name,community")
for i in range(n):
    print(f"137{i:08d},居民{i},{codes[i % len(codes)]}")
PY


start() { # $1 data dir, $2 port → PID on stdout
  EJIA_LOG=warn "$BIN" --data-dir "$1" serve --addr "127.0.0.1:$2" > "$1/serve.log" 2>&1 &
  echo $!
}

scenario() { # $1 name, $2 database URL ("" for SQLite), $3 instances, $4 kill (0/1), $5 seats per slot
  local name=$1 db=$2 instances=$3 kill=$4 seats=${5:-$SEATS}
  local dir="$WORK/$name"
  mkdir -p "$dir"
  export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  if [ -n "$db" ]; then
    export EJIA_DATABASE_URL="$db"
    # PostgreSQL works on many bookings at once; SQLite has one writer anyway.
    export EJIA_DB_MAX_CONNECTIONS=${BENCH_DB_CONNECTIONS:-32}
  else
    unset EJIA_DATABASE_URL EJIA_DB_MAX_CONNECTIONS
  fi
  "$BIN" --data-dir "$dir/1" district import > /dev/null
  "$BIN" --data-dir "$dir/1" user import "$WORK/users.csv" --tokens "$dir/tokens.csv" > /dev/null
  echo "organiser-password-1" | "$BIN" --data-dir "$dir/1" user add --phone 13600000001 --name 压测组织者 --role organizer --password-stdin > /dev/null
  local organiser
  organiser=$("$BIN" --data-dir "$dir/1" token create --phone 13600000001)
  local urls=() pids=() ports=()
  for i in $(seq 1 "$instances"); do
    mkdir -p "$dir/$i"
    local port; port=$(free_port)
    local pid; pid=$(start "$dir/$i" "$port")
    PIDS+=("$pid"); pids+=("$pid"); ports+=("$port")
    urls+=(--url "http://127.0.0.1:$port")
    wait_up "http://127.0.0.1:$port"
  done
  local setup; setup=$("$BENCH" setup --url "http://127.0.0.1:${ports[0]}" --token "$organiser" --slots "$SLOTS" --capacity "$seats")
  read -r _service first last <<< "$setup"
  echo "== $name: $instances instance(s), $USERS users, $SLOTS slots × $seats seats, $CONNS connections, ${SECS}s"
  "$BENCH" load "${urls[@]}" --tokens "$dir/tokens.csv" --first-slot "$first" --last-slot "$last" \
    --connections "$CONNS" --seconds "$SECS" --answers "$dir/answers.csv" > "$dir/load.out" 2>&1 &
  local load=$!
  local peak_before=""
  if [ "$kill" = 1 ]; then
    sleep "$KILL_AT"
    peak_before=$(peak_mb "${pids[0]}")
    kill -9 "${pids[0]}"
    echo "   killed the server with SIGKILL at ${KILL_AT} s; restarting"
    pids[0]=$(start "$dir/1" "${ports[0]}")
    PIDS+=("${pids[0]}")
  fi
  local status=0
  wait "$load" || status=$?
  sed 's/^/   /' "$dir/load.out"
  local peaks=""
  for p in "${pids[@]}"; do peaks="$peaks $(peak_mb "$p") MB"; done
  [ -n "$peak_before" ] && peaks="$peak_before MB before the kill,$peaks after"
  echo "   server peak RSS:$peaks"
  local check_url=${db:-"sqlite://$dir/1/ejia.db"}
  "$BENCH" check --database-url "$check_url" --answers "$dir/answers.csv" | sed 's/^/   /' || status=1
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  return $status
}

echo "ejia booking benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); the load generator runs on the same machine"
rc=0
case $WHAT in sqlite|all) scenario sqlite "" 1 0 || rc=1 ;; esac
case $WHAT in plenty|all) scenario plenty "" 1 0 "${BENCH_PLENTY_SEATS:-250}" || rc=1 ;; esac
case $WHAT in postgres|all) scenario postgres "$(pg_database ejia_bench)" 1 0 || rc=1 ;; esac
case $WHAT in postgres2|all) scenario postgres2 "$(pg_database ejia_bench)" 2 0 || rc=1 ;; esac
case $WHAT in kill|all) scenario kill "" 1 1 || rc=1 ;; esac
exit $rc
