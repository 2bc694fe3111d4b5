#!/bin/sh
# sockscope view / export png|svg from the command line, without a display:
# pictures are written and well formed, damaged input is reported clearly
# with exit code 3 and never crashes.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY
fail() { echo "FAIL: $*"; exit 1; }

"$BIN" run --model select,epoll --clients 3 --messages 10 --trace "$T/a.sstrace" --quiet >/dev/null 2>&1 || fail "recording a trace"

"$BIN" view "$T/a.sstrace" --screenshot "$T/a.png" --size 800x500 --at 0.3 2>"$T/err" || fail "screenshot: $(cat "$T/err")"
"$BIN" view "$T/a.sstrace" --screenshot "$T/k.png" --lecture --lang ko --zoom 10 2>/dev/null || fail "lecture screenshot"
"$BIN" export "$T/a.sstrace" --format png -o "$T/b.png" 2>/dev/null || fail "export png"
"$BIN" export "$T/a.sstrace" --format svg -o "$T/a.svg" 2>/dev/null || fail "export svg"
python3 - "$T" <<'PY' || fail "pictures are not what they claim"
import struct, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
for name, (w, h) in (("a.png", (800, 500)), ("b.png", (1600, 900)), ("k.png", (1600, 900))):
    b = open(f"{d}/{name}", "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", name
    assert struct.unpack(">II", b[16:24]) == (w, h), name
root = ET.parse(f"{d}/a.svg").getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg"
# text is drawn as glyph outlines; each text's words are its group's aria-label
texts = [g.get("aria-label") for g in root.iter(ns + "g") if g.get("aria-label") is not None]
assert any("select" in (t or "") for t in texts) and any("epoll" in (t or "") for t in texts), "panel titles"
assert "socket calls" in texts and "blocked / waiting" in texts, "counters and legend"
assert len(list(root.iter(ns + "rect"))) > 100
PY

"$BIN" view "$T/a.sstrace" --frames "$T/frames" --seconds 0.4 --fps 5 --size 640x400 2>/dev/null || fail "frames"
[ -f "$T/frames/frame_00002.png" ] || fail "frames were not written"

if command -v ffmpeg >/dev/null 2>&1; then
    "$BIN" view "$T/a.sstrace" --video "$T/a.gif" --seconds 0.4 --fps 5 --size 640x400 2>/dev/null || fail "video"
    [ -s "$T/a.gif" ] || fail "the video was not written"
else
    echo "note: ffmpeg is not installed; --video was not tried"
fi

# bad input: a clear message, exit code 3, no crash
check_bad() { # FILE EXPECTED-WORDS
    "$BIN" view "$1" --screenshot "$T/bad.png" 2>"$T/err"
    rc=$?
    [ $rc -eq 3 ] || fail "view $1: exit $rc, expected 3 ($(cat "$T/err"))"
    grep -q "$2" "$T/err" || fail "view $1: message '$(cat "$T/err")' lacks '$2'"
    "$BIN" export "$1" --format svg -o "$T/bad.svg" 2>/dev/null
    [ $? -eq 3 ] || fail "export svg of $1 should exit 3"
}
check_bad "$T/missing.sstrace" "cannot open"
echo "not a trace" >"$T/junk.sstrace"
check_bad "$T/junk.sstrace" "not a sockscope trace"
# cut in the middle of the chunk that spans the file's middle: a cut that
# happened to fall between two chunks would read as an unfinished run instead
python3 -c "
import struct, sys
b = open(sys.argv[1], 'rb').read()
off = struct.unpack_from('<H', b, 10)[0]
while off + 12 + struct.unpack_from('<I', b, off + 4)[0] <= len(b) // 2:
    off += 12 + struct.unpack_from('<I', b, off + 4)[0]
open(sys.argv[2], 'wb').write(b[:off + 12 + struct.unpack_from('<I', b, off + 4)[0] // 2])" "$T/a.sstrace" "$T/cut.sstrace"
check_bad "$T/cut.sstrace" "cut off"
python3 -c "
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
# flip a byte inside the first events chunk's payload (docs/trace-format.md):
# its CRC fails. A flip in a header could read as a cut-off file instead.
off = struct.unpack_from('<H', b, 10)[0]
while b[off:off + 4] != b'EVTS':
    off += 12 + struct.unpack_from('<I', b, off + 4)[0]
b[off + 12 + struct.unpack_from('<I', b, off + 4)[0] // 2] ^= 0x5a
open(sys.argv[2], 'wb').write(b)" "$T/a.sstrace" "$T/corrupt.sstrace"
check_bad "$T/corrupt.sstrace" "damaged"
[ -s "$T/bad.png" ] || fail "a damaged trace should still be drawn as far as it goes"

"$BIN" view "$T/a.sstrace" --screenshot "$T/x.png" --size 10x10 2>/dev/null
[ $? -eq 2 ] || fail "--size 10x10 should be a usage error"
"$BIN" view --screenshot "$T/x.png" 2>/dev/null
[ $? -eq 2 ] || fail "--screenshot without a FILE should be a usage error"
# view --scenario: run a preset (scaled down), then draw it
SRC=$(cd "$(dirname "$0")/.." && pwd)
(cd "$T" && "$BIN" view --scenario "$SRC/assets/scenarios/select-64-limit.ini" --scale 0.05 \
    --screenshot "$T/sc.png" --size 800x500 >/dev/null 2>"$T/err") || fail "view --scenario: $(cat "$T/err")"
[ -s "$T/sc.png" ] && [ -s "$T/sockscope-out/select-64-limit.sstrace" ] || fail "view --scenario wrote no trace or picture"

# The default job (README's first command): no arguments, no display — every
# model runs, the table is printed, the trace, its Perfetto export and a
# picture with every panel land in ./sockscope-out/.
mkdir "$T/dj"
(cd "$T/dj" && "$BIN" >"$T/dj.out" 2>"$T/dj.err") || fail "default job: $(tail -3 "$T/dj.err")"
grep -q "^io_uring\|^epoll" "$T/dj.out" || fail "default job printed no comparison table"
grep -q "no display: wrote the timeline to sockscope-out/default.png" "$T/dj.out" || fail "default job did not say where the picture is"
python3 - "$T/dj/sockscope-out" <<'PY' || fail "default job outputs"
import json, struct, sys
d = sys.argv[1]
png = open(d + "/default.png", "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", png[16:24])
assert (w, h) == (1600, 1400), (w, h)
ev = json.load(open(d + "/default.json"))["traceEvents"]
names = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "process_name"}
assert len(names) >= 6, names  # one process per model run
assert open(d + "/default.sstrace", "rb").read(8) == b"SSTRACE\0"
PY
echo "cli_view: 2 passed, 0 failed"
