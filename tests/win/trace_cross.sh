#!/usr/bin/env bash
# A trace recorded under Wine by the Windows build is read on Linux by the
# native build: `stats` (text and JSON) gives the same numbers as the
# Windows build's own `stats` on the same file, and the Linux exports (Chrome
# JSON, CSV) open and agree with the Windows build's CSV export.
#   trace_cross.sh EMULATOR SOCKSCOPE_EXE NATIVE_SOCKSCOPE
set -u
emu=$1 exe=$2 native=$3
if [[ ! -x "$native" ]]; then
    echo "SKIP: no native Linux sockscope at '$native' (build the default preset first)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # name, then a command that must succeed
    local name=$1; shift
    if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
timeout 300 "$emu" "$exe" run --model all --clients 8 --messages 40 --trace "$tmp/w.sstrace" --quiet \
    >"$tmp/run.out" 2>"$tmp/run.err" || { echo "FAIL: the Windows run failed"; cat "$tmp/run.out" "$tmp/run.err"; exit 1; }
for fmt in text json; do
    opt=; [[ $fmt == json ]] && opt=--json
    timeout 120 "$emu" "$exe" stats "$tmp/w.sstrace" $opt | tr -d '\r' >"$tmp/win.$fmt"
    "$native" stats "$tmp/w.sstrace" $opt >"$tmp/linux.$fmt"
    check "stats ($fmt) identical on Windows and Linux" cmp -s "$tmp/win.$fmt" "$tmp/linux.$fmt"
    cmp -s "$tmp/win.$fmt" "$tmp/linux.$fmt" || diff "$tmp/win.$fmt" "$tmp/linux.$fmt" | head -20
done
runs=$(grep -c '^run [0-9]*:' "$tmp/linux.text")
check "Linux reads all 10 Windows runs (got $runs)" test "$runs" -eq 10
check "Linux sees every run verified" test "$(grep -c 'client verification = 320 ok, 0 failed, 0 mismatched' "$tmp/linux.text")" -eq 10
check "Linux names the Windows APIs" grep -q "GetQueuedCompletionStatus=" "$tmp/linux.text"
check "Linux export chrome" "$native" export "$tmp/w.sstrace" --format chrome -o "$tmp/linux.json"
check "the Chrome JSON parses, with events" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
ev = d['traceEvents']
names = {e.get('name') for e in ev}
assert len(ev) > 1000, len(ev)
assert 'WSAWaitForMultipleEvents' in names and 'GetMessage' in names, sorted(n for n in names if n)[:40]
" "$tmp/linux.json"
check "Linux export csv" "$native" export "$tmp/w.sstrace" --format csv -o "$tmp/linux.csv"
timeout 120 "$emu" "$exe" export "$tmp/w.sstrace" --format csv -o "$tmp/win.csv" 2>/dev/null
tr -d '\r' <"$tmp/win.csv" >"$tmp/win.lf.csv"
check "CSV identical on Windows and Linux" cmp -s "$tmp/win.lf.csv" "$tmp/linux.csv"
# Rendering: when the native build can draw a trace (the viewer's PNG/SVG
# export), it must draw this one too.
for fmt in png svg; do
    if "$native" export --help 2>/dev/null | grep -qw "$fmt"; then
        check "Linux renders the Windows trace ($fmt)" "$native" export "$tmp/w.sstrace" --format $fmt -o "$tmp/w.$fmt"
        check "the $fmt is not empty" test -s "$tmp/w.$fmt"
    else
        echo "note: the native build has no $fmt export yet: rendering not checked"
    fi
done
echo "$((fails == 0)) passed, $((fails != 0)) failed"
[[ $fails -eq 0 ]]
