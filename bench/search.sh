#!/usr/bin/env bash
# Search benchmark: indexing and query latency of a real `ejia serve` (release build) over HTTP
# on this machine, against issue 11's targets — indexing 100,000 articles ≤ 60 s, and p99 ≤ 50 ms
# at 16 concurrent searchers over 100,000 articles + 100,000 public cases.
#
#   bench/search.sh [sqlite|postgres|all] [seconds-of-load]     (default: sqlite 20)
#
# Each scenario: a fresh database with Shinan's structure (`ejia district import`), then
#   1. BENCH_ARTICLES (default 100,000) published news articles of made-up Chinese text
#      (`ejia-bench search generate`: the district's street, community and road names, the case
#      categories and a campaign vocabulary — 党史, 长征, 疫苗, 讲座, 红色电影, 占道经营 … —
#      drawn Zipf-like from a fixed seed, so the same run gives the same text), inserted in bulk
#      without indexing them; then `ejia search reindex --all` indexes them through the real
#      path (each article segmented by jieba and upserted): the indexing figure;
#   2. BENCH_CASES (default 100,000) public cases the same way, and `reindex --all` again
#      (it hands in every article and case: 200,000 documents, the articles now replaced);
#   3. the server started, and BENCH_SEARCHERS (default 16) searchers, each on its own
#      keep-alive connection, sending GET /api/v1/search back to back, cycling through 50
#      queries (common and rare words, one-character queries, street names, mixed
#      Chinese/English, pages 2–50, one kind): 3 s of warm-up, then BENCH_RUNS (default 2) runs
#      of the seconds given. Any answer but 200 fails the run.
# The load generator runs on the same cores as the server (and, on a shared machine, beside
# whatever else runs): its share of the CPU is taken from the server's.
# PostgreSQL: BENCH_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-sqlite}
SECS=${2:-20}
ARTICLES=${BENCH_ARTICLES:-100000}
CASES=${BENCH_CASES:-100000}
SEARCHERS=${BENCH_SEARCHERS:-16}
RUNS=${BENCH_RUNS:-2}
PG_URL=${BENCH_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --locked -p ejia -p ejia-bench >&2
BIN="$TARGET/release/ejia"
BENCH="$TARGET/release/ejia-bench"
. bench/common.sh

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

reindex() { # $1 data dir, $2 label, $3 documents expected: times `ejia search reindex --all`
  local t0 ms out
  t0=$(date +%s%N)
  out=$(EJIA_LOG=error "$BIN" --data-dir "$1" search reindex --all)
  ms=$(ms_since "$t0")
  awk -v ms="$ms" -v n="$3" -v label="$2" -v out="$out" 'BEGIN {
    printf "   %s: %.1f s, %.0f documents/s (%s)\n", label, ms / 1000, n / (ms / 1000), out }'
}

scenario() { # $1 name, $2 database URL ("" for SQLite)
  local name=$1 db=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  export EJIA_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  if [ -n "$db" ]; then export EJIA_DATABASE_URL="$db"; else unset EJIA_DATABASE_URL; fi
  local url=${db:-"sqlite://$dir/ejia.db"}
  "$BIN" --data-dir "$dir" district import > /dev/null
  echo "bench-password-1" | "$BIN" --data-dir "$dir" user add --phone 13600000001 --name 压测编辑 \
    --role district_admin --password-stdin > /dev/null
  local now; now=$(date +%s)
  echo "== $name"
  "$BENCH" search generate --database-url "$url" --kind articles --count "$ARTICLES" --now "$now" | sed 's/^/   /'
  reindex "$dir" "indexing $ARTICLES articles (reindex --all)" "$ARTICLES"
  "$BENCH" search generate --database-url "$url" --kind cases --count "$CASES" --now "$now" | sed 's/^/   /'
  reindex "$dir" "indexing all $((ARTICLES + CASES)) documents again, articles and cases (reindex --all)" \
    "$((ARTICLES + CASES))"
  if [ -n "$db" ]; then
    psql -q "$db" -c "vacuum analyze search_documents"
    echo "   search_documents with its indexes: $(psql -tA "$db" -c "select pg_total_relation_size('search_documents') / 1048576") MB"
  else
    sqlite3 "$dir/ejia.db" "analyze"
    echo "   database file: $(du -m "$dir/ejia.db" | cut -f1) MB"
  fi
  local port; port=$(free_port)
  EJIA_LOG=warn "$BIN" --data-dir "$dir" serve --addr "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_up "http://127.0.0.1:$port"
  local status=0
  "$BENCH" search load --url "http://127.0.0.1:$port" --connections "$SEARCHERS" --seconds 3 > /dev/null || status=1
  echo "   $SEARCHERS searchers, ${SECS} s each run (the load generator shares the $(nproc) cores with the server):"
  for run in $(seq "$RUNS"); do
    echo "   run $run:"
    "$BENCH" search load --url "http://127.0.0.1:$port" --connections "$SEARCHERS" --seconds "$SECS" \
      | sed 's/^/     /' || status=1
  done
  echo "   server peak RSS: $(peak_mb "$pid") MB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  [ $status = 0 ] || { echo "   the server's log:"; tail -20 "$dir/serve.log" | sed 's/^/     /'; }
  return $status
}

echo "ejia search benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); the load generator runs on the same machine"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rc=0
case $WHAT in sqlite|all) scenario sqlite "" || rc=1 ;; esac
case $WHAT in postgres|all)
  db=$(pg_database ejia_search)
  scenario postgres "$db" || rc=1
  psql -q "$PG_URL" -c "drop database ${db##*/}" || true ;;
esac
exit $rc
