#!/bin/sh
# CMAKE_CROSSCOMPILING_EMULATOR of the `windows` preset: runs a Windows
# program under Wine with a private, quiet, quickly made prefix.
#   WINEPREFIX   defaults to <this build>/wineprefix (SS_WINEPREFIX wins)
# A new prefix takes a few seconds (Mono and Gecko are not installed).
set -e
: "${SS_WINEPREFIX:=${WINEPREFIX:-$PWD/wineprefix}}"
export WINEPREFIX="$SS_WINEPREFIX"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
unset DISPLAY WAYLAND_DISPLAY  # headless: the async-select window is message-only
if command -v wine64 >/dev/null 2>&1; then wine=wine64
elif [ -x /usr/lib/wine/wine64 ]; then wine=/usr/lib/wine/wine64
else wine=wine; fi
exec "$wine" "$@"
