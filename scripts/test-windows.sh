#!/usr/bin/env bash
# The Windows build and its tests, from Linux: installs the mingw-w64 cross
# compiler and Wine (Debian packages), builds the native tool (it reads the
# traces recorded under Wine), cross-builds the `windows` preset and runs its
# CTest suite under Wine (docs/windows.md). A few minutes on 2 cores.
#   scripts/test-windows.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
# the native build's packages, the cross compiler and Wine
scripts/deps.sh gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64
# native sockscope: only the binary is needed here
cmake --preset default -G Ninja >/dev/null
cmake --build --preset default --target sockscope
cmake --preset windows -G Ninja >/dev/null
cmake --build --preset windows
rc=0
ctest --preset windows -j2 "$@" || rc=$?
# the prefix's wineserver lingers a few seconds after the last program: end it now
WINEPREFIX="$PWD/build/windows/wineprefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
exit $rc
