#!/usr/bin/env bash
# Installs what `anju bench api` drives, if missing: wrk (the HTTP load generator) and
# pgbench (PostgreSQL's own load generator; Debian ships it in postgresql-15). Safe to run
# repeatedly; `anju bench api` runs it before it starts.
#
# Only missing packages are installed, with --no-upgrade: upgrading postgresql-15 under a
# running cluster breaks it (its new backends load the new plpgsql.so into the old binary:
# "undefined symbol") until that cluster is restarted.
set -euo pipefail
pg_bin="${ANJU_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v pgbench >/dev/null 2>&1 || [ -x "$pg_bin/pgbench" ] || missing="$missing postgresql-15"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-bench-tools: installing$missing" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade $missing
else
    echo "install-bench-tools: anju bench api needs wrk and pgbench; install$missing," >&2
    echo "install-bench-tools: e.g. sudo apt-get install -y$missing" >&2
    exit 1
fi
