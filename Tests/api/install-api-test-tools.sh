#!/usr/bin/env bash
# Installs what Tests/api/run-api-checks.sh needs, when missing:
#   - Debian's chromium and chromium-driver: a real headless browser and its WebDriver;
#   - from PyPI: selenium (drives that browser through the Debian driver; downloads nothing
#     else), schemathesis (property-based checks of the API against /openapi.yaml) and
#     openapi-spec-validator (the served /openapi.yaml against the OpenAPI 3.1 schema).
# Safe to run repeatedly; installing needs root (as in CI), like deploy/install-packages.sh.
set -euo pipefail

debs=()
command -v chromium >/dev/null 2>&1 || debs+=(chromium)
command -v chromedriver >/dev/null 2>&1 || debs+=(chromium-driver)
if ((${#debs[@]})); then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "install-api-test-tools: the API checks need ${debs[*]}: install them, e.g. sudo apt-get install -y ${debs[*]}" >&2
        exit 1
    fi
    echo "install-api-test-tools: installing ${debs[*]} (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be missing or stale on a new machine: refresh them once on failure.
    apt-get install -y "${debs[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${debs[@]}" >/dev/null; }
fi

# Majors pinned: run-api-checks.sh uses their v4 command line and API (openapi-spec-validator:
# its 0.x command line, `openapi-spec-validator FILE`, which detects the 3.1 document).
if ! python3 -c 'import selenium, schemathesis, openapi_spec_validator' >/dev/null 2>&1 \
    || ! command -v schemathesis >/dev/null 2>&1 || ! command -v openapi-spec-validator >/dev/null 2>&1; then
    echo "install-api-test-tools: installing selenium, schemathesis and openapi-spec-validator (PyPI)" >&2
    python3 -m pip install --quiet --disable-pip-version-check 'selenium>=4.20,<5' 'schemathesis>=4.3,<5' \
        'openapi-spec-validator>=0.7,<1'
fi
