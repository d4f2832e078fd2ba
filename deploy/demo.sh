#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run a whole allocation
# round end to end on a generated Shanghai-like city (results under .anju/demo/results).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-packages.sh
swift run -c release anju demo "$@"
