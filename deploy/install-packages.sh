#!/usr/bin/env bash
# Installs the Debian packages Anju builds and tests against, if any is missing:
# PostgreSQL 15 (server, for the private cluster), libpq's headers and pkg-config (SwiftPM
# finds libpq through it), libcurl's headers (the notification sender's SMTP and HTTPS) and
# aiosmtpd (the tests' SMTP receiver). Used by the README's two commands; safe to run repeatedly.
set -euo pipefail
pg_bin="${ANJU_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
if [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] \
    && command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libpq && pkg-config --exists libcurl \
    && /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    exit 0
fi
packages="postgresql-15 libpq-dev pkg-config libcurl4-openssl-dev python3-aiosmtpd"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-packages: installing $packages" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y $packages
else
    echo "install-packages: Anju needs $packages (initdb in $pg_bin, libpq and libcurl via pkg-config)." >&2
    echo "install-packages: install them, e.g. sudo apt-get install -y $packages, or set ANJU_PG_BINDIR." >&2
    exit 1
fi
