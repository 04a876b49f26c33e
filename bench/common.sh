# What the benchmark scripts and the e2e runs of several servers (`e2e/restore_drill.sh`,
# `e2e/two_instances.sh`) share (sourced, after `cd` to the repository and after setting
# PG_URL where PostgreSQL is used): a scratch directory and the processes to kill on exit,
# a free port, waiting for a server, peak memory, a fresh PostgreSQL database, and a
# register of residents.

WORK=$(mktemp -d)
PIDS=()
# The PostgreSQL databases made are dropped on exit too. BENCH_KEEP=1 keeps the scratch
# directory and the databases for a look afterwards.
cleanup() {
  # Waited for, so the shell does not report each as "Killed".
  for p in "${PIDS[@]:-}"; do kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  local made=""
  [ -f "$WORK/pg_databases" ] && made=$(cat "$WORK/pg_databases")
  if [ -n "${BENCH_KEEP:-}" ]; then
    echo "kept $WORK" $made >&2
  else
    for d in $made; do psql -q "$PG_URL" -c "drop database if exists $d with (force)" >&2 || true; done
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Up to 30 s: a server migrating a fresh database or loading the demo takes a moment.
wait_up() { for _ in $(seq 1 1500); do curl -fso /dev/null "$1/healthz" && return 0; sleep 0.02; done; echo "server did not start" >&2; return 1; }
peak_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

pg_database() { # $1 a name prefix: a fresh database on the PostgreSQL server, its URL
  local name="$1_$(date +%s)_$RANDOM"
  psql -q "$PG_URL" -c "create database $name" >&2
  # Called in a subshell ($(…)): a file, not a variable, remembers it for `cleanup`.
  echo "$name" >> "$WORK/pg_databases"
  echo "${PG_URL%/*}/$name"
}

residents_csv() { # $1 how many: a register for `ejia user import`, spread over all 50 communities
  python3 - "$1" <<'PY'
import sys, json
codes = [c["code"] for s in json.load(open("data/shinan.json"))["streets"] for c in s["communities"]]
print("phone,name,community")
for i in range(int(sys.argv[1])):
    print(f"137{i:08d},居民{i},{codes[i % len(codes)]}")
PY
}
