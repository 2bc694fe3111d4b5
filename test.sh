#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the format of the C
# lines this branch changed, a warnings-as-errors build with its tests,
# the same suite under ASan + UBSan, the threaded tests under
# ThreadSanitizer, a fuzz smoke run of every reader, then the Windows build
# (mingw-w64) and its tests under Wine.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
scripts/check-format.sh # .clang-format, on the lines changed since main (or the last commit)
for preset in ci ci-asan; do
    cmake --preset "$preset" -G Ninja >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j2
done
# ThreadSanitizer: the recorder, rings, models and the interposer's drain (the preset's test filter)
tsan_tests=(test_ring test_trace test_probe test_echo test_models_sync test_models_async test_completion_port
            test_event_select test_async_select test_standins test_waits test_interpose)
cmake --preset ci-tsan -G Ninja >/dev/null
cmake --build --preset ci-tsan --target "${tsan_tests[@]}"
ctest --preset ci-tsan -j2
scripts/fuzz-smoke.sh # libFuzzer on the trace reader, the viewer's loader and the scenario parser
scripts/test-windows.sh
