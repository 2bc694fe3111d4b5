#!/usr/bin/env bash
# Records the lecture traces of the Windows models on real Winsock: the
# mingw-w64 build of sockscope (cross-built here if needed) runs under Wine
# (or natively, see below) and writes assets/traces/win-*.sstrace. The
# Windows build reads no scenario files (no inih for mingw: docs/windows.md),
# so each preset of assets/scenarios/ is given as the equivalent command-line
# options, at a reduced scale so that each file stays a few hundred KB.
# Every run records where it ran (run parameters platform / winsock / waits):
# under Wine the timings are Wine's, and the viewer and `stats` say so.
#
#   scripts/record-winsock-traces.sh [--no-build] [NAME...]   (default: every trace)
#
# On Windows itself (MSYS2 shell, native build): SOCKSCOPE_EXE=build/msys/sockscope.exe
# and RUNNER= (empty) run the same commands without Wine.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
if [ "${1:-}" = "--no-build" ]; then
    build=0
    shift
fi
exe=${SOCKSCOPE_EXE:-build/windows/sockscope.exe}
runner=${RUNNER-cmake/wine-run.sh}
export SS_WINEPREFIX=${SS_WINEPREFIX:-$PWD/build/windows/wineprefix}

if [ $build = 1 ] && [ -z "${SOCKSCOPE_EXE:-}" ]; then
    scripts/deps.sh gcc-mingw-w64-x86-64 libz-mingw-w64-dev wine wine64
    cmake --preset windows -G Ninja >/dev/null
    cmake --build --preset windows --target sockscope
fi
[ -f "$exe" ] || { echo "record-winsock-traces: $exe is missing (build it, or drop --no-build)" >&2; exit 2; }

# name | what it shows | the options (the preset's keys, scaled)
traces=(
    "closing-comparison|the chapter's closing comparison, every Winsock model (assets/scenarios/closing-comparison.ini at 0.25 scale)|--model all --clients 5 --messages 50 --size 512 --cpu-us 50 --seed 7"
    "async-select-busy-ui|WSAAsyncSelect's window procedure shared with a busy UI, against select (async-select-busy-ui.ini at 0.5 scale)|--model async-select,select --clients 5 --messages 50 --size 512 --ui-rate 250 --ui-cost-us 2000 --seed 4"
    "event-select-64-limit|100 clients at once: one WSAWaitForMultipleEvents waits on 64 events, the listener's and 63 clients'; the rest are refused; WSAPoll has no limit|--model event-select,poll --clients 100 --messages 10 --size 512 --connect all --expect-refusals --seed 3"
    "select-64-limit|Winsock's FD_SETSIZE 64 for real: select refuses the clients beyond 63, WSAPoll serves all (select-64-limit.ini at 0.2 scale of messages)|--model select,poll --clients 100 --messages 10 --size 512 --connect all --expect-refusals --seed 3"
    "overlapped-both-ways|overlapped WSARecv/WSASend both ways of table 11-5: completion routines in an alertable SleepEx, and event objects with WSAWaitForMultipleEvents|--model overlapped,overlapped-event --clients 8 --messages 50 --size 512 --seed 7"
    "threads-vs-iocp-cpu-work|200 us of computation per request: a thread per client against a completion port's 2 x CPU workers (threads-vs-iocp-cpu-work.ini at 0.3 scale, no io_uring on Windows)|--model blocking-threads,iocp --clients 5 --messages 60 --size 512 --cpu-us 200 --seed 5"
)

selected=("$@")
is_selected() {
    [ ${#selected[@]} -eq 0 ] && return 0
    for s in "${selected[@]}"; do [ "$s" = "$1" ] && return 0; done
    return 1
}

mkdir -p assets/traces
rc=0
for t in "${traces[@]}"; do
    IFS='|' read -r name what opts <<<"$t"
    is_selected "$name" || continue
    out=assets/traces/win-$name.sstrace
    echo "== win-$name: $what" >&2
    # shellcheck disable=SC2086 # the options are words
    if ! $runner "$exe" run $opts --trace "$out" --quiet; then
        echo "   FAILED: see 'sockscope stats $out'" >&2
        rc=1
    fi
done
if [ -n "$runner" ]; then # the prefix's wineserver lingers a few seconds: end it now
    WINEPREFIX="$SS_WINEPREFIX" /usr/lib/wine/wineserver -k 2>/dev/null || true
fi
ls -l assets/traces/win-*.sstrace >&2
exit $rc
