#!/usr/bin/env bash
# The restore drill (issue 14), as an operator would run it: a serving ejia takes a booking
# rush; `ejia backup` runs in the middle of it; the backup is restored into a fresh data
# directory (and, on PostgreSQL, a fresh database); a second ejia serves the copy. Then the
# copy must hold every booking answered before the backup began, with no slot over capacity
# and nobody booked twice (`ejia-bench restored`), and SQLite's integrity check passes (the
# restore runs it).
#
#   e2e/restore_drill.sh EJIA_BIN EJIA_BENCH_BIN [sqlite|postgres]
#
# PostgreSQL: DRILL_PG_URL (a role allowed to create databases), default
# postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres.
set -euo pipefail
BIN=$(realpath "$1")
BENCH=$(realpath "$2")
ENGINE=${3:-sqlite}
PG_URL=${DRILL_PG_URL:-postgres://ejia_ci:ejia_ci@127.0.0.1:5432/postgres}
# Seats for everyone, so bookings are still being confirmed when the backup begins.
USERS=${DRILL_USERS:-10000}
SECS=${DRILL_SECONDS:-8}
BACKUP_AT=${DRILL_BACKUP_AT:-2}
CONNS=${DRILL_CONNECTIONS:-4}
cd "$(dirname "$0")/.."
. bench/common.sh
# The key travels as the data directory's secret.key, as on a real site without EJIA_SECRET_KEY.
unset EJIA_SECRET_KEY EJIA_DATABASE_URL
export EJIA_LOG=warn EJIA_MAX_WAITING_PER_ADDR=0
SOURCE="$WORK/source" COPY="$WORK/copy" BACKUPS="$WORK/backups"
mkdir -p "$SOURCE" "$COPY"
if [ "$ENGINE" = postgres ]; then
  SOURCE_URL=$(pg_database ejia_drill_source) COPY_URL=$(pg_database ejia_drill_copy)
else
  SOURCE_URL="sqlite://$SOURCE/ejia.db?mode=rwc" COPY_URL="sqlite://$COPY/ejia.db"
fi
on_source() { EJIA_DATABASE_URL="$SOURCE_URL" "$BIN" --data-dir "$SOURCE" "$@"; }
on_copy() { EJIA_DATABASE_URL="$COPY_URL" "$BIN" --data-dir "$COPY" "$@"; }

residents_csv "$USERS" > "$WORK/users.csv"
on_source district import > /dev/null
on_source user import "$WORK/users.csv" --tokens "$WORK/tokens.csv" > /dev/null
echo "organiser-password-1" | on_source user add --phone 13600000001 --name 演练组织者 --role organizer --password-stdin > /dev/null
ORGANISER=$(on_source token create --phone 13600000001)
PORT=$(free_port)
EJIA_DATABASE_URL="$SOURCE_URL" "$BIN" --data-dir "$SOURCE" serve --addr "127.0.0.1:$PORT" > "$WORK/source.log" 2>&1 &
PIDS+=("$!")
wait_up "http://127.0.0.1:$PORT"
read -r _service FIRST LAST <<< "$("$BENCH" setup --url "http://127.0.0.1:$PORT" --token "$ORGANISER" --slots 50 --capacity $(( (USERS + 49) / 50 )))"

started=$SECONDS
"$BENCH" load --url "http://127.0.0.1:$PORT" --tokens "$WORK/tokens.csv" --first-slot "$FIRST" --last-slot "$LAST" \
  --connections "$CONNS" --seconds "$SECS" --answers "$WORK/answers.csv" > "$WORK/load.out" 2>&1 &
LOAD=$!
sleep "$BACKUP_AT"
BEFORE_MS=$(date +%s%3N)
on_source backup --to "$BACKUPS" --key-to "$WORK/ejia.key" > "$WORK/backup.out"
BACKUP_MS=$(( $(date +%s%3N) - BEFORE_MS ))
wait "$LOAD"
BACKUP=$(ls -d "$BACKUPS"/ejia-*)
echo "== restore drill ($ENGINE): a backup ${BACKUP_AT} s into a ${SECS} s booking rush, taken in ${BACKUP_MS} ms"
sed 's/^/   rush: /' "$WORK/load.out" | head -3
on_copy restore "$BACKUP" --key "$WORK/ejia.key" | sed 's/^/   restore: /'
COPY_PORT=$(free_port)
EJIA_DATABASE_URL="$COPY_URL" "$BIN" --data-dir "$COPY" serve --addr "127.0.0.1:$COPY_PORT" > "$WORK/copy.log" 2>&1 &
PIDS+=("$!")
wait_up "http://127.0.0.1:$COPY_PORT"
# The copy is served: a resident of the copy reads their bookings with the token they had.
TOKEN=$(sed -n 2p "$WORK/tokens.csv" | cut -d, -f2)
curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$COPY_PORT/api/v1/me" > /dev/null
CHECK_URL=$COPY_URL
"$BENCH" restored --database-url "$CHECK_URL" --answers "$WORK/answers.csv" --before-ms "$BEFORE_MS" | sed 's/^/   /'
echo "   drill done in $((SECONDS - started)) s"
