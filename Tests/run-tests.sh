#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it.
# Builds once (tests and the anju executable the CLI tests spawn), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
