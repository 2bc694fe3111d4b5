#!/bin/sh
# Lecture mode in a real window under Xvfb, as a lecturer drives it: L goes
# full screen and Esc comes back, and after each the header is at the top of
# what the screen shows (not under a black band). Xvfb runs no window
# manager, where full screen used to leave SDL believing in a size the
# window never had. The screen is read from the X server (ImageMagick's
# import), not from the renderer. Skipped when xvfb-run, xdotool or import
# is missing (scripts/deps.sh installs them).
set -u
BIN=$1
for tool in xvfb-run xdotool import convert python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (scripts/deps.sh installs it); the lecture-window test did not run"
        exit 77
    fi
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
unset SDL_VIDEODRIVER
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # see cli_view_window.sh
TRACE=$(dirname "$0")/../assets/traces/nonblocking-cpu-cost.sstrace

cat >"$T/drive.sh" <<'EOF'
#!/bin/sh
# inside the X server: open the viewer, L, screenshot, Esc, screenshot
BIN=$1 TRACE=$2 T=$3
"$BIN" view "$TRACE" --size 1200x700 --lang ko --quit-after 120 2>"$T/view.err" &
VIEW=$!
WIN=""
for i in $(seq 300); do # up to a minute: a loaded machine (or ASan) starts it slowly
    WIN=$(xdotool search --name "sockscope view" 2>/dev/null | head -1)
    [ -n "$WIN" ] && break
    kill -0 $VIEW 2>/dev/null || break
    sleep 0.2
done
[ -n "$WIN" ] || { echo "no window: $(cat "$T/view.err")"; kill $VIEW 2>/dev/null; exit 1; }
sleep 1
shot() { # NAME: the window's geometry, then the whole screen as it is shown
    xdotool getwindowgeometry "$WIN" | tr -s ' ' | sed -n 's/.*Position: \([0-9]*\),\([0-9]*\).*/\1 \2/p;s/.*Geometry: \([0-9]*\)x\([0-9]*\).*/\1 \2/p' >"$T/$1.geo"
    import -window root "$T/$1.png"
}
# wait (up to 20 s: a loaded machine is slow, the test does not time it)
# until the window has the size asked for, then a moment for a frame
wait_size() {
    for i in $(seq 100); do
        xdotool getwindowgeometry "$WIN" | grep -q "Geometry: $1" && break
        sleep 0.2
    done
    sleep 1
}
SCREEN=$(xdpyinfo 2>/dev/null | sed -n 's/.*dimensions: *\([0-9]*x[0-9]*\).*/\1/p')
xdotool key --window "$WIN" l
wait_size "${SCREEN:-1600x1000}"
shot lecture
xdotool key --window "$WIN" Escape
wait_size 1200x700
shot back
kill $VIEW 2>/dev/null
wait $VIEW 2>/dev/null
exit 0
EOF
chmod +x "$T/drive.sh"
xvfb-run -a -s "-screen 0 1600x1000x24" "$T/drive.sh" "$BIN" "$TRACE" "$T" || { echo "FAIL: driving the window"; exit 1; }
for s in lecture back; do
    [ -s "$T/$s.png" ] || { echo "FAIL: no screenshot after $s ($(cat "$T/view.err"))"; exit 1; }
    convert "$T/$s.png" ppm:- >"$T/$s.ppm" || { echo "FAIL: cannot read $s.png"; exit 1; }
done
python3 - "$T" <<'PY' || { echo "FAIL: the header is not at the top of the window"; exit 1; }
import sys
T = sys.argv[1]
HEADER = (0x10, 0x2a, 0x43)  # VW_C_CAPTION: the header's colour

def ppm(path):
    b = open(path, "rb").read()
    parts, i = [], 0
    while len(parts) < 4:  # P6, width, height, maxval, with comments allowed
        while b[i:i + 1].isspace():
            i += 1
        if b[i:i + 1] == b"#":
            i = b.index(b"\n", i) + 1
            continue
        j = i
        while not b[j:j + 1].isspace():
            j += 1
        parts.append(b[i:j])
        i = j
    w, h = int(parts[1]), int(parts[2])
    return w, h, b[i + 1:]

def geo(path):
    (x, y), (w, h) = [tuple(map(int, l.split())) for l in open(path).read().split("\n") if l.strip()]
    return x, y, w, h

for name, full in (("lecture", True), ("back", False)):
    sw, sh, px = ppm(f"{T}/{name}.png".replace(".png", ".ppm"))
    x, y, w, h = geo(f"{T}/{name}.geo")
    if full:
        assert (x, y, w, h) == (0, 0, sw, sh), f"full screen: the window is {w}x{h} at {x},{y} on a {sw}x{sh} screen"
    else:
        assert (w, h) == (1200, 700), f"after Esc the window is {w}x{h}, not 1200x700"
    for row in (y + 1, y + 6):  # the window's top rows: the header, across its width
        hits = sum(1 for col in range(x, x + w, 7)
                   if tuple(px[(row * sw + col) * 3:(row * sw + col) * 3 + 3]) == HEADER)
        share = hits / len(range(x, x + w, 7))
        assert share > 0.5, f"{name}: row {row - y} of the window is the header's colour in {share:.0%} of it"
    print(f"{name}: window {w}x{h} at {x},{y}, header on top")
PY
echo "cli_view_lecture: 1 passed, 0 failed"
