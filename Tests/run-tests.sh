#!/usr/bin/env bash
# The whole test suite, as the README gives it and as CI runs it.
# Installs what is missing (the PostgreSQL tests start a private server of their own),
# builds once (tests and the anju executable the CLI tests spawn), runs every test, replays
# and briefly runs the fuzz targets, then the browser and schemathesis checks of the HTTP API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-packages.sh
swift build --build-tests
swift test --skip-build
# Every fuzz corpus input (the seeds and each crash ever found) through the plain build,
# then a short libFuzzer run per target (its own build in .build-fuzz; ANJU_FUZZ_SECONDS=0 skips).
swift build --product AnjuFuzz
"$(swift build --show-bin-path)/AnjuFuzz" csv Tests/fuzz/corpus/csv
"$(swift build --show-bin-path)/AnjuFuzz" policy Tests/fuzz/corpus/policy
"$(swift build --show-bin-path)/AnjuFuzz" solve Tests/fuzz/corpus/solve
"$(swift build --show-bin-path)/AnjuFuzz" application Tests/fuzz/corpus/application
if [ "${ANJU_FUZZ_SECONDS:-20}" != 0 ]; then bash Tests/fuzz/run-fuzz.sh "${ANJU_FUZZ_SECONDS:-20}"; fi
# The HTTP API as a client sees it: a real headless Chromium on the status page and
# schemathesis against /openapi.yaml, on a live `anju serve` (installs its tools if missing).
bash Tests/api/run-api-checks.sh
