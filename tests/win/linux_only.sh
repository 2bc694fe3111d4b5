#!/usr/bin/env bash
# What needs Linux says so on Windows, plainly and with exit 4 (the system
# cannot do it), never as an unknown command: `sockscope trace` and `run
# --program` take the LD_PRELOAD interposer (docs/trace-any-program.md).
#   linux_only.sh EMULATOR SOCKSCOPE_EXE
set -u
emu=$1 exe=$2
expect() { # expect RC PATTERN -- ARGS...
    local want=$1 pat=$2 out rc
    shift 3
    out=$("$emu" "$exe" "$@" 2>&1)
    rc=$?
    out=${out//$'\r'/}
    [[ $rc -eq $want ]] || { echo "FAIL: sockscope $*: exit $rc, not $want: $out"; exit 1; }
    grep -q -- "$pat" <<<"$out" || { echo "FAIL: sockscope $*: '$out' does not say '$pat'"; exit 1; }
}
expect 4 "trace is not available on Windows" -- trace -- cmd.exe /c exit
expect 0 "Not available on Windows" -- trace --help
expect 4 "--program needs Linux" -- run --program 'server.exe {port}'
echo "trace and run --program say on Windows that they need Linux"
