#!/usr/bin/env bash
# The traces recorded on real Winsock (assets/traces/win-*.sstrace, made by
# scripts/record-winsock-traces.sh) through the Linux command line: `stats`
# names the Windows calls each model teaches and says where each run was
# recorded (and that Wine's waits were not measured); the viewer draws them
# with the origin in every panel title, in English and Korean.
# (test_win_traces checks the same traces event by event.)
set -u
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY
fail() { echo "FAIL: $*"; exit 1; }

shopt -s nullglob
traces=("$src"/assets/traces/win-*.sstrace)
[ ${#traces[@]} -ge 5 ] || fail "expected the Winsock lecture traces in assets/traces (found ${#traces[@]})"

for t in "${traces[@]}"; do
    name=$(basename "$t" .sstrace)
    grep -q "\"${name#win-}|" "$src/scripts/record-winsock-traces.sh" ||
        fail "$name: not recorded by scripts/record-winsock-traces.sh"
    "$bin" stats "$t" --json >"$tmp/s.json" 2>"$tmp/err" || fail "$name: stats --json: $(cat "$tmp/err")"
    [ -s "$tmp/err" ] && fail "$name: stats warns: $(cat "$tmp/err")"
    python3 - "$tmp/s.json" "$name" <<'PY' || fail "$name: see above"
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
name = sys.argv[2]
# the Windows calls each model must show (names as stats prints them)
need = {
    "async-select": ["WSAAsyncSelect", "GetMessage", "msg_dispatch"],
    "event-select": ["WSACreateEvent", "WSAEventSelect", "WSAWaitForMultipleEvents", "WSAEnumNetworkEvents"],
    "overlapped": ["op_submit", "SleepEx", "op_complete", "wakeup"],
    "overlapped-event": ["op_submit", "WSAWaitForMultipleEvents", "WSAResetEvent", "WSAGetOverlappedResult", "op_complete"],
    "iocp": ["CreateIoCompletionPort", "op_submit", "GetQueuedCompletionStatus", "op_complete",
             "PostQueuedCompletionStatus"],
    "select": ["select"], "poll": ["poll"],
}
assert runs, "no runs"
for r in runs:
    p, model = r["params"], r["model"]
    where = p.get("platform", "")
    assert where.startswith(("wine ", "windows ")), f"{model}: recorded on '{where}'"
    assert p.get("winsock") == "real", f"{model}: winsock={p.get('winsock')}"
    assert r.get("stand_in") is False, f"{model}: counted as a Linux stand-in"
    if where.startswith("wine "):
        assert p.get("waits") == "unknown", f"{model}: waits={p.get('waits')} under Wine"
        assert r["server"]["waited_calls"] == 0 and r["clients"]["waited_calls"] == 0, f"{model}: waits claimed"
    assert r["complete"] and r["requests_ok"] > 0 and r["requests_failed"] == 0, f"{model}: requests"
    calls = r["server"]["calls_by_api"]
    missing = [a for a in need.get(model, []) if not calls.get(a)]
    assert not missing, f"{model}: no {missing} in {sorted(calls)}"
    print(f"  {name}: {model}: {where}, {r['requests_per_s']:.0f} req/s, "
          f"{r['transitions_per_request']:.2f} transitions/request")
PY
    "$bin" stats "$t" >"$tmp/s.txt" 2>&1 || fail "$name: stats"
    grep -q "^  recorded on: wine .*timings are Wine's" "$tmp/s.txt" ||
        grep -q "^  recorded on: windows " "$tmp/s.txt" || fail "$name: stats has no 'recorded on' line"
    if grep -q "^  recorded on: wine" "$tmp/s.txt"; then
        grep -q "really waited *not measured *not measured" "$tmp/s.txt" || fail "$name: stats claims waits under Wine"
    fi
done

# the Chrome export of the closing comparison names every Windows call of the chapter
cc=$src/assets/traces/win-closing-comparison.sstrace
"$bin" export "$cc" --format chrome -o "$tmp/cc.json" 2>"$tmp/err" || fail "export chrome: $(cat "$tmp/err")"
python3 - "$tmp/cc.json" <<'PY' || fail "chrome export: see above"
import json, sys
d = json.load(open(sys.argv[1]))
names = {e.get("name") for e in (d["traceEvents"] if isinstance(d, dict) else d) if e.get("ph") == "X"}
want = {"WSAAsyncSelect", "GetMessage", "WSAEventSelect", "WSAWaitForMultipleEvents", "WSAEnumNetworkEvents",
        "WSARecv", "WSASend", "SleepEx", "WSAGetOverlappedResult", "WSAResetEvent", "CreateIoCompletionPort",
        "GetQueuedCompletionStatus", "PostQueuedCompletionStatus"}
assert want <= names, f"missing {sorted(want - names)}"
PY

# the viewer: a picture, and the panel titles say where each run was recorded
if "$bin" view --help >/dev/null 2>&1; then
    t=$src/assets/traces/win-async-select-busy-ui.sstrace
    "$bin" view "$t" --lecture --screenshot "$tmp/v.png" --size 1280x800 2>"$tmp/err" || fail "view: $(cat "$tmp/err")"
    python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", b[16:24]) == (1280, 800)' "$tmp/v.png" ||
        fail "the screenshot is not a 1280x800 PNG"
    for lang in en ko; do
        "$bin" export "$t" --format svg --lang $lang -o "$tmp/$lang.svg" 2>"$tmp/err" ||
            fail "export svg: $(cat "$tmp/err")"
        python3 - "$tmp/$lang.svg" "$lang" <<'PY' || fail "svg ($lang): panel titles"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
# text is drawn as glyph outlines; each text's words are its group's aria-label
texts = [g.get("aria-label") for g in ET.parse(sys.argv[1]).getroot().iter(ns + "g") if g.get("aria-label") is not None]
words = {"en": ("recorded on Wine 8", "timings are Wine's"), "ko": ("Wine 8", "에서 기록")}[sys.argv[2]]
origin = [t for t in texts if all(w in t for w in words)]
assert len(origin) == 2, f"expected the origin in both panel titles, got {origin}"
PY
    done
else
    echo "note: no viewer in this build; pictures not checked"
fi
echo "ok"
