#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: a warnings-as-errors
# build with its tests, then the same suite under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
for preset in ci ci-asan; do
    cmake --preset "$preset" -G Ninja >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j2
done
