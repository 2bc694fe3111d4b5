#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: a warnings-as-errors
# build with its tests, the same suite under ASan + UBSan, then the Windows
# build (mingw-w64) and its tests under Wine.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
for preset in ci ci-asan; do
    cmake --preset "$preset" -G Ninja >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j2
done
scripts/test-windows.sh
