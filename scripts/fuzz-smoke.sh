#!/usr/bin/env bash
# CI's fuzz smoke run (docs/fuzzing.md): builds the libFuzzer harnesses
# (the "fuzz" preset: clang, ASan + UBSan) and runs each for FUZZ_SECONDS
# (default 45) from the seed corpus in tests/fuzz/corpus, the four in about
# three minutes after the build. It must find nothing: a crash, a leak, a
# UBSan report, an input slower than 10 s or a single allocation over
# 256 MiB fails the script, and the input that did it is kept in
# build/fuzz/artifacts/ (replay: build/fuzz/tests/fuzz/fuzz_NAME FILE).
#   scripts/fuzz-smoke.sh [HARNESS...]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-45}
scripts/deps.sh --fuzz
cmake --preset fuzz -G Ninja >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/artifacts

# harness -> seed corpus
declare -A seeds=([reader]=trace [reader_crc]=trace [view_load]=trace [scenario]=scenario)
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(reader reader_crc view_load scenario)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
for h in "${harnesses[@]}"; do
    [[ -n ${seeds[$h]:-} ]] || { echo "fuzz-smoke: no harness '$h' (${!seeds[*]})" >&2; exit 2; }
    [[ -n $(ls -A "tests/fuzz/corpus/${seeds[$h]}" 2>/dev/null) ]] ||
        { echo "fuzz-smoke: the seed corpus tests/fuzz/corpus/${seeds[$h]} is missing or empty" >&2; exit 1; }
    mkdir -p "$work/$h" # new inputs go here; the seed corpus in the repository is only read
    log="build/fuzz/artifacts/$h.log"
    if build/fuzz/tests/fuzz/fuzz_"$h" "$work/$h" "tests/fuzz/corpus/${seeds[$h]}" \
        -max_total_time="$secs" -timeout=10 -malloc_limit_mb=256 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$h-" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "fuzz-smoke: $h: ${execs:-?} inputs in ${secs} s, $cov edges, nothing found"
    else
        echo "fuzz-smoke: $h FOUND A PROBLEM (log: $log):" >&2
        grep -E "ERROR|runtime error|SUMMARY|Test unit written|artifact" "$log" | head -20 >&2
        rc=1
    fi
done
exit $rc
