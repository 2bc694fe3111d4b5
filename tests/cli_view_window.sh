#!/bin/sh
# A real window under Xvfb: sockscope view opens, animates, and saves what
# its window shows (read back from the renderer) before quitting.
set -u
BIN=$1
if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "SKIP: xvfb-run is not installed (apt-get install xvfb); the real-window test did not run"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset SDL_VIDEODRIVER
# ASan builds: the display libraries SDL loads keep a few allocations for the
# process lifetime (D-Bus, from modules unloaded before the leak report can
# name them), so leak checking is off for this one test; memory errors are
# still caught, and the headless tests leak-check the viewer's own code.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
"$BIN" run --model epoll,io_uring --clients 2 --messages 5 --trace "$T/a.sstrace" --quiet >/dev/null 2>&1 ||
    "$BIN" run --model epoll --clients 2 --messages 5 --trace "$T/a.sstrace" --quiet >/dev/null 2>&1 || fail "recording"
xvfb-run -a -s "-screen 0 1280x800x24" "$BIN" view "$T/a.sstrace" --size 1200x700 --speed 1e6 --play \
    --quit-after 1.5 --window-shot "$T/w.png" 2>"$T/err" || fail "window: $(cat "$T/err")"
python3 - "$T/w.png" <<'PY' || fail "the window's picture"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", b[16:24])
assert w >= 1000 and h >= 600, (w, h)
assert len(b) > 20000, len(b)  # a drawn timeline, not a blank window
PY
echo "cli_view_window: 1 passed, 0 failed"
