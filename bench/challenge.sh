#!/usr/bin/env bash
# The Long March challenge's morning peak (issue 13): real `ejia serve` processes over HTTP on
# this machine, the load generator beside them.
#
#   bench/challenge.sh [sqlite|postgres2|all]     (default: all)
#
# Each scenario: a fresh database with Shinan's structure, BENCH_USERS residents (default
# 100,000) with API tokens, a challenge with BENCH_TEAMS teams (default 200) that every resident
# has joined (`ejia-bench challenge setup`). Then:
#   1. the team board and the route map alone: BENCH_READERS connections (default 8) reading
#      them in turn for BENCH_READ_SECONDS (default 10);
#   2. two rushes: BENCH_CONNECTIONS connections (default 500) checking in for BENCH_SECONDS
#      (default 20) each — random resident, kind and distance, a fresh Idempotency-Key each,
#      some implausible (held) —, with the same readers reading the board and the map
#      meanwhile at BENCH_READ_RATE reads a second together (default 1,000: one for every five
#      check-ins; 0 reads as fast as answered, which takes CPU from the check-ins the faster
#      reads get). The first ("at N/s") offers BENCH_RATE check-ins a second (default 5,000,
#      the issue's target on SQLite; BENCH_PG_RATE, default 1,500, on PostgreSQL; 0 skips it)
#      and times each from when it was due: the latency at that load. The second ("flat out") sends each connection's next check-in as soon as the last
#      is answered: the capacity, whose latency is mostly the wait in line (500 connections at
#      N/s wait 500/N s on average, Little's law);
#   3. the invariants in the database (`ejia-bench challenge check`).
# Scenarios: sqlite (one instance, SQLite file, WAL, synchronous=FULL), postgres2 (two
# instances on one PostgreSQL, connections split between them).
# PostgreSQL: BENCH_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
USERS=${BENCH_USERS:-100000}
TEAMS=${BENCH_TEAMS:-200}
SECS=${BENCH_SECONDS:-20}
READ_SECS=${BENCH_READ_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-500}
READERS=${BENCH_READERS:-8}
READ_RATE=${BENCH_READ_RATE:-1000}
RATE=${BENCH_RATE:-5000}
PG_RATE=${BENCH_PG_RATE:-1500}
PG_URL=${BENCH_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --locked -p ejia -p ejia-bench >&2
BIN="$TARGET/release/ejia"
BENCH="$TARGET/release/ejia-bench"
. bench/common.sh

# The district's today: check-ins are for a district-local day.
DAY=$(TZ=Asia/Shanghai date +%F)
YESTERDAY=$(TZ=Asia/Shanghai date -d yesterday +%F)

residents_csv "$USERS" > "$WORK/users.csv"

scenario() { # $1 name, $2 database URL ("" for SQLite), $3 instances, $4 the rate offered first
  local name=$1 db=$2 instances=$3 rate=$4 dir="$WORK/$1"
  mkdir -p "$dir/1"
  export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  if [ -n "$db" ]; then
    # The server's own default pool (8 per instance). Measured with 32: 64 PostgreSQL backends
    # on 2 cores starved the servers of CPU — 1,111 check-ins/s, board reads p50 950 ms —
    # against 1,649/s and 2.9 ms with 8.
    export EJIA_DATABASE_URL="$db" EJIA_DB_MAX_CONNECTIONS=${BENCH_DB_CONNECTIONS:-8}
  else
    unset EJIA_DATABASE_URL EJIA_DB_MAX_CONNECTIONS
  fi
  local url=${db:-"sqlite://$dir/1/ejia.db"}
  local t0=$SECONDS
  "$BIN" --data-dir "$dir/1" district import > /dev/null
  "$BIN" --data-dir "$dir/1" user import "$WORK/users.csv" --tokens "$dir/tokens.csv" > /dev/null
  echo "organiser-password-1" | "$BIN" --data-dir "$dir/1" user add --phone 13600000001 --name 压测组织者 \
    --role organizer --password-stdin > /dev/null
  local organiser; organiser=$("$BIN" --data-dir "$dir/1" token create --phone 13600000001)
  local urls=() pids=() ports=()
  for i in $(seq 1 "$instances"); do
    mkdir -p "$dir/$i"
    ports+=("$(free_port)")
    urls+=(--url "http://127.0.0.1:${ports[-1]}")
  done
  # (Re)starts the instances on their ports: each rush begins on cold caches (API tokens above
  # all: a real morning's 100,000 people each present theirs once). The cap on connections
  # waiting per address is lifted: all 500 come from 127.0.0.1, as from a proxy, and wait
  # while the others open.
  start() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]:-}"; do [ -n "$p" ] && while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
    pids=()
    for i in $(seq 1 "$instances"); do
      EJIA_LOG=${BENCH_LOG:-warn} EJIA_MAX_WAITING_PER_ADDR=0 "$BIN" --data-dir "$dir/$i" serve --addr "127.0.0.1:${ports[$((i - 1))]}" \
        >> "$dir/$i/serve.log" 2>&1 &
      PIDS+=("$!"); pids+=("$!")
      wait_up "http://127.0.0.1:${ports[$((i - 1))]}"
    done
  }
  start
  local id
  id=$("$BENCH" challenge setup --url "http://127.0.0.1:${ports[0]}" --token "$organiser" --database-url "$url" \
    --teams "$TEAMS" --day "$DAY")
  echo "== $name: $instances instance(s), $USERS participants in $TEAMS teams (set up in $((SECONDS - t0)) s), day $DAY"
  local reads=(--read "/api/v1/challenges/$id/board?by=team")
  if curl -fso /dev/null "http://127.0.0.1:${ports[0]}/challenges/$id/map.svg"; then
    reads+=(--read "/challenges/$id/map.svg")
  else
    echo "   (no route map at /challenges/$id/map.svg in this build: the board alone is read)"
  fi
  local common=("${urls[@]}" --tokens "$dir/tokens.csv" --challenge "$id" "${reads[@]}")
  "$BENCH" challenge rush "${common[@]}" --day "$DAY" --connections 0 --readers "$READERS" --seconds "$READ_SECS" \
    | sed 's/^/   alone: /'
  local status=0
  local rush=("${common[@]}" --connections "$CONNS" --readers "$READERS" --read-rate "$READ_RATE" --seconds "$SECS")
  # Yesterday's check-ins at the target rate, then today's as fast as they are answered: each
  # on person-days not checked in before (the window allows yesterday).
  if [ "$rate" -gt 0 ]; then
    start
    "$BENCH" challenge rush "${rush[@]}" --day "$YESTERDAY" --rate "$rate" --answers "$dir/answers-paced.csv" \
      | sed "s/^/   at $rate\/s: /" || status=1
  fi
  start
  "$BENCH" challenge rush "${rush[@]}" --day "$DAY" --answers "$dir/answers-rush.csv" \
    | sed 's/^/   flat out: /' || status=1
  cat "$dir"/answers-*.csv > "$dir/answers.csv"
  local peaks=""
  for p in "${pids[@]}"; do peaks="$peaks $(peak_mb "$p") MB"; done
  echo "   server peak RSS:$peaks"
  "$BENCH" challenge check --database-url "$url" --answers "$dir/answers.csv" | sed 's/^/   /' || status=1
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  return $status
}

echo "ejia challenge benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); the load generator runs on the same machine"
rc=0
case $WHAT in sqlite|all) scenario sqlite "" 1 "$RATE" || rc=1 ;; esac
case $WHAT in postgres2|all) scenario postgres2 "$(pg_database ejia_bench)" 2 "$PG_RATE" || rc=1 ;; esac
exit $rc
