#!/usr/bin/env bash
# The public notice pages at 200,000 applicants (BENCHMARKS.md, "Public notice pages").
# Usage: bash Tests/Benchmarks/notice-pages.sh [ANJU] [APPLICANTS]
# Starts a private PostgreSQL cluster in a temporary folder (as `anju db` does for the
# development cluster), generates and imports a city, freezes a round (its pre-draw notice
# lists every applicant), serves it, and times with curl: the first page (the table is read
# and parsed once), 50 more pages, 50 searches by public reference, the pool.csv download and
# the pool.json download (with the server's peak memory before and after).
set -euo pipefail
ANJU=${1:-.build/release/anju}
N=${2:-200000}
WORK=$(mktemp -d /tmp/anju-notice-bench.XXXXXX)
chmod 755 "$WORK"
PORT=${PORT:-18747}
export ANJU_CITY=bench ANJU_ACTOR=bench
cleanup() {
  [ -n "${SERVE:-}" ] && kill "$SERVE" 2>/dev/null || true
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $WORK/pg -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$WORK/pg" "$WORK/sock" && chown postgres "$WORK/pg" "$WORK/sock"
su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $WORK/pg -A trust -U postgres" >/dev/null
su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $WORK/pg -o '-k $WORK/sock -c listen_addresses=' -l $WORK/pg/server.log start" >/dev/null
export DATABASE_URL="postgresql:///postgres?host=$WORK/sock&user=postgres"
"$ANJU" migrate >/dev/null
"$ANJU" generate --out "$WORK/city" --applicants "$N" --slots $((N / 4)) --seed "notice bench" >/dev/null
for kind in projects slots applicants; do "$ANJU" import "$kind" "$WORK/city/$kind.csv" >/dev/null; done
"$ANJU" round create --policy "$WORK/city/policy.json" --id B1 >/dev/null
start=$(date +%s.%N)
"$ANJU" round freeze B1 --bureau-commitment "$(printf %s secret | sha256sum | cut -c1-64)" \
  --public-source "SSE Composite close" --public-date "$(date -u -d '+3 days' +%F)" >/dev/null
printf "freeze (snapshot, notice of %s applicants, stored): %.2f s\n" "$N" "$(echo "$(date +%s.%N) - $start" | bc)"
ID=$("$ANJU" notice list B1 | cut -f1)
"$ANJU" serve --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/notices" && break; sleep 0.2; done
t() { curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PORT$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "first page (reads and parses the table): $(t "/notices/B1/$ID?table=pool.csv&page=1") s"
pages=$(( (N + 99) / 100 ))
for i in $(seq 50); do t "/notices/B1/$ID?table=pool.csv&page=$(( (i * 7919) % pages + 1 ))"; done | median | sed 's/^/page (median of 50 random pages): /; s/$/ s/'
ids=$(awk -F, 'NR>1 {print $1}' "$WORK/city/applicants.csv" | shuf -n 50 --random-source=<(yes))
for id in $ids; do t "/notices/B1/$ID?table=pool.csv&ref=$id"; done | median | sed 's/^/search by reference (median of 50): /; s/$/ s/'
for i in $(seq 5); do t "/notices/B1/$ID/pool.csv"; done | median | sed 's/^/pool.csv download (median of 5): /; s/$/ s/'
# The same rows as JSON (rendered from the stored CSV a chunk at a time), then the server's
# peak memory (VmHWM) after it, beside the value before the JSON downloads.
hwm() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$SERVE/status"; }
echo "server peak memory before the JSON downloads: $(hwm)"
for i in $(seq 5); do t "/notices/B1/$ID/pool.json"; done | median | sed 's/^/pool.json download (median of 5): /; s/$/ s/'
echo "server peak memory after 5 pool.json downloads: $(hwm)"
echo "pool.json: $(curl -s "http://127.0.0.1:$PORT/notices/B1/$ID/pool.json" | wc -c) bytes"
echo "pool.csv: $(curl -s "http://127.0.0.1:$PORT/notices/B1/$ID/pool.csv" | wc -c) bytes; page size: $(curl -s "http://127.0.0.1:$PORT/notices/B1/$ID?table=pool.csv&page=2" | wc -c) bytes"
