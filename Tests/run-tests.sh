#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it.
# Installs what is missing (the PostgreSQL tests start a private server of their own),
# builds once (tests and the anju executable the CLI tests spawn), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-packages.sh
swift build --build-tests
swift test --skip-build
