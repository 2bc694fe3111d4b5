#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: a warnings-as-errors
# build with its tests, the same suite under ASan + UBSan, the threaded
# tests under ThreadSanitizer, then the Windows build (mingw-w64) and its
# tests under Wine.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
for preset in ci ci-asan ci-tsan; do # ci-tsan: the recorder, rings and models under ThreadSanitizer
    cmake --preset "$preset" -G Ninja >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j2
done
scripts/test-windows.sh
