#!/usr/bin/env bash
# Case benchmark: the statistics page over a million cases, and residents filing cases, against
# a real `ejia serve` (release build) over HTTP on this machine.
#
#   bench/cases.sh [sqlite|postgres|all]        (default: sqlite)
#
# Each scenario: a fresh database with Shinan's structure (11 streets, 50 communities), a
# district admin, a street admin of 香港中路街道 and BENCH_USERS residents with API tokens
# (`ejia user import --tokens`); then BENCH_CASES cases (default 1,000,000) generated over the
# year up to now by one set-based INSERT (`ejia-bench cases generate`: every community, the
# categories skewed, states by age — closed on time or late, reworked, rated, still open,
# overdue). Then, with the server up:
#   1. the statistics page, BENCH_REQUESTS (default 30) GETs each after one untimed, for the
#      district admin and the street admin, grouped by street, department and category, over
#      the whole year that holds the generated cases, over the year's slowest shape (the most
#      days outside whole months) and over the default period (the last 30 days);
#   2. BENCH_REPORTERS (default 64) residents filing cases over POST /api/v1/cases, each on
#      its own connection, for BENCH_SECONDS (default 20), once for each pause of BENCH_PAUSES
#      (default "1000 100 50 0", in ms, plus up to a fifth of jitter): each reporter files a case,
#      waits the pause after the answer, files the next. 1000 ms is 64 cases a second, far above
#      a district's real rate: the latency a reporter sees. The shorter pauses climb towards
#      0 — back to back, each files the next case as soon as the last is answered — which is the
#      most the server takes (and its latency then is its queue: 64 / throughput);
#   3. a check that the statistics' running totals still add up to the cases.
# PostgreSQL: BENCH_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-sqlite}
CASES=${BENCH_CASES:-1000000}
USERS=${BENCH_USERS:-2000}
REQUESTS=${BENCH_REQUESTS:-30}
REPORTERS=${BENCH_REPORTERS:-64}
SECS=${BENCH_SECONDS:-20}
PAUSES=${BENCH_PAUSES:-1000 100 50 0}
PG_URL=${BENCH_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}
PASSWORD=bench-password-1

cargo build --release --locked -p ejia -p ejia-bench >&2
BIN="$TARGET/release/ejia"
BENCH="$TARGET/release/ejia-bench"
. bench/common.sh

python3 - "$USERS" > "$WORK/users.csv" <<'PY'
import sys
codes = ["370202001001", "370202002008", "370202004001", "370202005001", "370202007001"]
print("phone,name,community")
for i in range(int(sys.argv[1])):
    print(f"137{i:08d},居民{i},{codes[i % len(codes)]}")
PY


settle() { # waits (at most two minutes) for two seconds with the CPUs at least 80 % idle
  python3 - <<'PY'
import time
def idle():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return f[3], sum(f)
start = time.time()
while time.time() - start < 120:
    a = idle(); time.sleep(2); b = idle()
    if (b[0] - a[0]) / max(1, b[1] - a[1]) >= 0.8:
        break
print(f"   quiet after {time.time() - start:.0f} s")
PY
}

scenario() { # $1 name, $2 database URL ("" for SQLite)
  local name=$1 db=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  if [ -n "$db" ]; then export EJIA_DATABASE_URL="$db"; else unset EJIA_DATABASE_URL; fi
  local url=${db:-"sqlite://$dir/ejia.db"}
  "$BIN" --data-dir "$dir" district import > /dev/null
  "$BIN" --data-dir "$dir" user import "$WORK/users.csv" --tokens "$dir/tokens.csv" > /dev/null
  echo "$PASSWORD" | "$BIN" --data-dir "$dir" user add --phone 13600000001 --name 区管理员 --role district_admin --password-stdin > /dev/null
  echo "$PASSWORD" | "$BIN" --data-dir "$dir" user add --phone 13600000002 --name 街道管理员 --role street_admin \
    --scope street:370202001 --password-stdin > /dev/null
  local now; now=$(date +%s)
  echo "== $name: $CASES cases over the year to $(TZ=Asia/Shanghai date -d "@$now" '+%F %H:%M') (UTC+8)"
  "$BENCH" cases generate --database-url "$url" --cases "$CASES" --now "$now" | sed 's/^/   /' || return 1
  [ -z "$db" ] && echo "   database file: $(du -m "$dir/ejia.db" | cut -f1) MB"
  # A bulk load leaves the database flushing for a while (PostgreSQL's checkpoint writes the
  # million rows out): measure on a quiet machine, not on the load's tail.
  if [ -n "$db" ] && ! psql -q "$url" -c checkpoint 2> /dev/null; then
    echo "   (CHECKPOINT refused: the role lacks pg_checkpoint, so the first filings may meet the bulk load's checkpoint)"
  fi
  settle
  local port; port=$(free_port)
  EJIA_LOG=warn "$BIN" --data-dir "$dir" serve --addr "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_up "http://127.0.0.1:$port"
  local from to year sfrom sto pages=() status=0
  from=$(TZ=Asia/Shanghai date -d "@$((now - 365 * 86400))" +%F)
  to=$(TZ=Asia/Shanghai date -d "@$now" +%F)
  year="from=$from&to=$to"
  for by in street department category; do pages+=("$by, $from – $to=/manage/case-stats?by=$by&$year"); done
  # The slowest shape of a year: the most days outside whole months (from the 2nd of a month
  # to the last-but-one day of another), which are read day by day.
  local split; split=$(python3 - "$now" <<'PY'
import datetime as d, sys
today = d.datetime.fromtimestamp(int(sys.argv[1]) + 28800, d.timezone.utc).date()
start = today - d.timedelta(days=365)
first = (start.replace(day=1) + d.timedelta(days=32)).replace(day=2)
last = today.replace(day=1) - d.timedelta(days=2)
print(first, last)
PY
)
  read -r sfrom sto <<< "$split"
  for by in street department category; do pages+=("$by, $sfrom – $sto=/manage/case-stats?by=$by&from=$sfrom&to=$sto"); done
  for by in street department category; do pages+=("$by, default (30 days)=/manage/case-stats?by=$by"); done
  pages+=("export XLSX by category, year=/manage/case-stats.xlsx?by=category&$year")
  echo "   statistics page, district admin (whole district), $REQUESTS requests each:"
  "$BENCH" cases pages --url "http://127.0.0.1:$port" --phone 13600000001 --password "$PASSWORD" \
    --requests "$REQUESTS" "${pages[@]}" | sed 's/^/     /' || status=1
  echo "   statistics page, street admin of 香港中路街道 (one street):"
  "$BENCH" cases pages --url "http://127.0.0.1:$port" --phone 13600000002 --password "$PASSWORD" \
    --requests "$REQUESTS" "${pages[@]:0:9}" | sed 's/^/     /' || status=1
  echo "   filing cases over the API ($REPORTERS reporters, each pausing as given between its filings;"
  echo "   0: back to back, the most the server takes):"
  for pause in $PAUSES; do
    "$BENCH" cases file --url "http://127.0.0.1:$port" --database-url "$url" --tokens "$dir/tokens.csv" \
      --connections "$REPORTERS" --seconds "$SECS" --pause-ms "$pause" | sed 's/^/     /' || status=1
  done
  echo "   server peak RSS: $(peak_mb "$pid") MB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  "$BENCH" cases verify --database-url "$url" | sed 's/^/   /' || status=1
  return $status
}

echo "ejia case benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); the load generator runs on the same machine"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rc=0
case $WHAT in sqlite|all) scenario sqlite "" || rc=1 ;; esac
case $WHAT in postgres|all)
  db=$(pg_database ejia_cases)
  scenario postgres "$db" || rc=1
  psql -q "$PG_URL" -c "drop database ${db##*/}" || true ;;
esac
exit $rc
