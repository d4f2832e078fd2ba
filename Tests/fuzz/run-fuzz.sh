#!/usr/bin/env bash
# Fuzzes the CSV readers, the policy.json reader, the whole solve path and the application
# form's checks with libFuzzer.
#
#   bash Tests/fuzz/run-fuzz.sh [SECONDS_PER_TARGET] [csv|policy|solve|application ...]
#
# Builds the AnjuFuzz product with the fuzzer (a scratch folder of its own, .build-fuzz, so
# the ordinary build is untouched), then runs each target for SECONDS_PER_TARGET (default
# 25) on 1 job, starting from Tests/fuzz/corpus/TARGET and growing .build-fuzz/corpus/TARGET.
# A crash, trap or timeout stops with the input saved under .build-fuzz/crashes/; replay it
# with `swift run AnjuFuzz TARGET FILE`, fix it, and add the file to Tests/fuzz/corpus/TARGET
# (the test suite replays every corpus file through the plain build).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-25}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv policy solve application)

build=(swift build --scratch-path .build-fuzz --product AnjuFuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DANJU_FUZZ)
echo "run-fuzz: building (${build[*]})"
nice -n 5 "${build[@]}" 2>&1 | tail -n 3
binary="$("${build[@]}" --show-bin-path)/AnjuFuzz"

mkdir -p .build-fuzz/crashes
status=0
for target in "${targets[@]}"; do
    [ -d "Tests/fuzz/corpus/$target" ] || { echo "run-fuzz: unknown target $target (csv, policy, solve, application)" >&2; exit 64; }
    mkdir -p ".build-fuzz/corpus/$target"
    echo "run-fuzz: $target for ${seconds}s"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one input taking 2 GiB is a bug.
    if ! ANJU_FUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -dict=Tests/fuzz/anju.dict \
        -artifact_prefix=".build-fuzz/crashes/$target-" ".build-fuzz/corpus/$target" "Tests/fuzz/corpus/$target" \
        > ".build-fuzz/$target.log" 2>&1; then
        status=1
        echo "run-fuzz: $target FAILED; see .build-fuzz/$target.log and .build-fuzz/crashes/:" >&2
        grep -E "ERROR|Fatal|SUMMARY|artifact" ".build-fuzz/$target.log" | head -n 20 >&2 || true
    else
        grep -E "stat::number_of_executed_units|cov:" ".build-fuzz/$target.log" | tail -n 2 || true
    fi
done
exit $status
