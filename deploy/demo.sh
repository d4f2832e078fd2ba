#!/usr/bin/env bash
# The README's main command: install what is missing (postgresql-15, libpq-dev,
# pkg-config), build, and run the whole database-backed job on a generated Shanghai-like
# city: start the private PostgreSQL cluster (unless DATABASE_URL is set), migrate, import
# projects, slots and applicants, run a round in one transaction, print the summary, write
# .anju/demo/report.html and results.csv, and stop the cluster again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-packages.sh
swift run -c release anju demo "$@"
