#!/usr/bin/env bash
# Two ejia instances on one PostgreSQL, as behind a load balancer (issue 14): a booking rush
# spread over both, and a crowd of residents filing cases over both at the same time, with the
# background jobs running on both. Then the invariants: no slot over capacity, nobody booked
# twice, every 2xx booking stored (`ejia-bench check`); every 2xx case stored (`cases file`);
# every booking confirmation texted exactly once though two instances ran the jobs
# (`ejia-bench texted-once`).
#
#   e2e/two_instances.sh EJIA_BIN EJIA_BENCH_BIN
#
# TWO_PG_URL: a role allowed to create databases, default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
BIN=$(realpath "$1")
BENCH=$(realpath "$2")
PG_URL=${TWO_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
USERS=${TWO_USERS:-4000}
SECS=${TWO_SECONDS:-8}
cd "$(dirname "$0")/.."
. bench/common.sh
EJIA_DATABASE_URL=$(pg_database ejia_two)
export EJIA_DATABASE_URL
# One key for both, as the README's PostgreSQL deployment says; the jobs every second on both.
export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export EJIA_LOG=warn EJIA_JOBS_EVERY_SECS=1 EJIA_MAX_WAITING_PER_ADDR=0 EJIA_DB_MAX_CONNECTIONS=8
mkdir -p "$WORK/a" "$WORK/b"

residents_csv "$USERS" > "$WORK/users.csv"
"$BIN" --data-dir "$WORK/a" district import > /dev/null
"$BIN" --data-dir "$WORK/a" user import "$WORK/users.csv" --tokens "$WORK/tokens.csv" > /dev/null
echo "organiser-password-1" | "$BIN" --data-dir "$WORK/a" user add --phone 13600000001 --name 双实例组织者 \
  --role organizer --password-stdin > /dev/null
ORGANISER=$("$BIN" --data-dir "$WORK/a" token create --phone 13600000001)
URLS=()
for i in a b; do
  port=$(free_port)
  "$BIN" --data-dir "$WORK/$i" serve --addr "127.0.0.1:$port" > "$WORK/$i/serve.log" 2>&1 &
  PIDS+=("$!")
  wait_up "http://127.0.0.1:$port"
  URLS+=(--url "http://127.0.0.1:$port")
done
# Fewer seats than people: the rush runs into full slots on both instances at once.
read -r _service FIRST LAST <<< "$("$BENCH" setup "${URLS[@]:0:2}" --token "$ORGANISER" --slots 40 --capacity 50)"
started=$SECONDS
"$BENCH" load "${URLS[@]}" --tokens "$WORK/tokens.csv" --first-slot "$FIRST" --last-slot "$LAST" \
  --connections 64 --seconds "$SECS" --answers "$WORK/answers.csv" > "$WORK/load.out" 2>&1 &
LOAD=$!
"$BENCH" cases file "${URLS[@]}" --database-url "$EJIA_DATABASE_URL" --tokens "$WORK/tokens.csv" \
  --connections 16 --seconds "$SECS" --pause-ms 50 > "$WORK/cases.out" 2>&1 &
CASES=$!
status=0
wait "$LOAD" || status=1
wait "$CASES" || status=1
echo "== two instances on one PostgreSQL: a ${SECS} s booking rush and a case filing crowd over both"
sed 's/^/   bookings: /' "$WORK/load.out"
sed 's/^/   cases: /' "$WORK/cases.out"
"$BENCH" check --database-url "$EJIA_DATABASE_URL" --answers "$WORK/answers.csv" | sed 's/^/   /' || status=1
"$BENCH" texted-once --database-url "$EJIA_DATABASE_URL" | sed 's/^/   /' || status=1
# Errors in either server's log fail the run; warnings (a job retrying) are counted.
if grep -E "panicked| ERROR " "$WORK"/a/serve.log "$WORK"/b/serve.log; then status=1; fi
echo "   warnings in the servers' logs: $(cat "$WORK"/a/serve.log "$WORK"/b/serve.log | grep -c " WARN " || true)"
echo "   done in $((SECONDS - started)) s"
exit $status
