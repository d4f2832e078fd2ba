#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it.
# Installs what is missing (the PostgreSQL tests start a private server of their own),
# builds once (tests and the anju executable the CLI tests spawn), runs every test, then
# the browser and schemathesis checks of the HTTP API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-packages.sh
swift build --build-tests
swift test --skip-build
# The HTTP API as a client sees it: a real headless Chromium on the status page and
# schemathesis against /openapi.yaml, on a live `anju serve` (installs its tools if missing).
bash Tests/api/run-api-checks.sh
