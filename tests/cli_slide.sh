#!/bin/sh
# Slide pictures (sockscope view --screenshot / export --format png|svg with
# --slide): no interactive chrome, the whole run in full colour; the SVG
# shows Hangul through a third-party reader (rsvg-convert) on a fontconfig
# with no fonts at all and looks like the PNG; SVG text never overlaps;
# "-o -" writes to standard output; bad uses fail clearly.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY
fail() { echo "FAIL: $*"; exit 1; }
check() { python3 "$HERE/slide_pictures.py" "$1" "$T" || fail "$1"; }

# every kind of lane: threads, the kernel's operations, the message queue, clients
"$BIN" run --model all --clients 3 --messages 20 --trace "$T/a.sstrace" --quiet >/dev/null 2>"$T/err" ||
    "$BIN" run --model select,epoll,async-select --clients 3 --messages 20 --trace "$T/a.sstrace" --quiet >/dev/null 2>>"$T/err" ||
    fail "recording a trace: $(tail -5 "$T/err")"

for lang in ko en; do
    "$BIN" export "$T/a.sstrace" --format png --slide --lang $lang -o "$T/$lang.png" 2>"$T/err" || fail "slide png: $(cat "$T/err")"
    "$BIN" export "$T/a.sstrace" --format svg --slide --lang $lang -o "$T/$lang.svg" 2>"$T/err" || fail "slide svg: $(cat "$T/err")"
done
"$BIN" export "$T/a.sstrace" --format png -o "$T/normal.png" 2>/dev/null || fail "png"
"$BIN" export "$T/a.sstrace" --format svg -o "$T/normal.svg" 2>/dev/null || fail "svg"
# view --screenshot --slide is the same picture as export --slide
"$BIN" view "$T/a.sstrace" --screenshot "$T/view.png" --slide --lang ko 2>/dev/null || fail "view --screenshot --slide"
cmp -s "$T/view.png" "$T/ko.png" || fail "view --screenshot --slide and export --slide differ"
# --at still picks the moment on a slide
"$BIN" export "$T/a.sstrace" --format svg --slide --at 0.5 -o "$T/half.svg" 2>/dev/null || fail "--slide --at"
grep -q 'fill-opacity="0.282"' "$T/half.svg" || fail "--slide --at 0.5 should leave the rest of the run pale"
# zoomed without --at: the middle of the run, still all in full colour
"$BIN" export "$T/a.sstrace" --format svg --slide --zoom 8 -o "$T/zoom.svg" 2>/dev/null || fail "--slide --zoom"
! grep -q 'fill-opacity="0.282"' "$T/zoom.svg" || fail "--slide --zoom 8 should be all in full colour"
check no-chrome
check no-overlap

# The SVG needs no font where it is viewed: a fontconfig that knows no fonts
mkdir "$T/fc"
cat >"$T/fc/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><cachedir>$T/fc/cache</cachedir></fontconfig>
EOF
if command -v rsvg-convert >/dev/null 2>&1; then
    if command -v fc-list >/dev/null 2>&1; then
        [ -z "$(FONTCONFIG_FILE="$T/fc/fonts.conf" fc-list)" ] || fail "the empty fontconfig still lists fonts"
    fi
    for lang in ko en; do
        FONTCONFIG_FILE="$T/fc/fonts.conf" rsvg-convert "$T/$lang.svg" -o "$T/$lang-svg.png" 2>"$T/err" ||
            fail "rsvg-convert $lang.svg: $(cat "$T/err")"
    done
    check like-png
    ls -l "$T/ko.svg" "$T/en.svg" | awk '{print "size: " $NF " " $5 " bytes"}'
else
    echo "note: rsvg-convert is not installed (apt-get install librsvg2-bin); the SVG was not rasterised"
fi

# -o - and --screenshot -: the picture on standard output, no file named "-"
mkdir "$T/cwd"
(cd "$T/cwd" && "$BIN" export "$T/a.sstrace" --format png --slide --lang ko -o - >"$T/stdout.png" 2>"$T/err") ||
    fail "export png -o -: $(cat "$T/err")"
[ ! -e "$T/cwd/-" ] || fail "export -o - wrote a file named '-'"
check stdout-png
cmp -s "$T/stdout.png" "$T/ko.png" || fail "the PNG on standard output differs from the file"
(cd "$T/cwd" && "$BIN" view "$T/a.sstrace" --screenshot - --slide --lang ko >"$T/stdout2.png" 2>/dev/null) ||
    fail "view --screenshot -"
cmp -s "$T/stdout2.png" "$T/ko.png" || fail "view --screenshot - differs from the file"
(cd "$T/cwd" && "$BIN" export "$T/a.sstrace" --format svg --slide -o - >"$T/stdout.svg" 2>/dev/null) || fail "export svg -o -"
cmp -s "$T/stdout.svg" "$T/en.svg" || fail "the SVG on standard output differs from the file"
[ -z "$(ls -A "$T/cwd")" ] || fail "writing to standard output left files: $(ls -A "$T/cwd")"
# a picture is not written to a terminal (script(1) gives the command one)
if command -v script >/dev/null 2>&1; then
    script -qec "'$BIN' export '$T/a.sstrace' --format png --slide -o -" /dev/null >"$T/tty.out" 2>&1
    rc=$?
    [ $rc -eq 1 ] && grep -q "standard output is a terminal" "$T/tty.out" ||
        fail "-o - on a terminal: exit $rc, $(head -c 200 "$T/tty.out")"
fi

# bad uses: a clear message and exit code 2; an unwritable path: 1, nothing left behind
expect() { # CODE WORDS COMMAND...
    code=$1 words=$2
    shift 2
    "$@" >/dev/null 2>"$T/err"
    rc=$?
    [ $rc -eq "$code" ] || fail "$*: exit $rc, expected $code ($(cat "$T/err"))"
    grep -q -- "$words" "$T/err" || fail "$*: message '$(cat "$T/err")' lacks '$words'"
}
expect 2 "--slide makes one picture" "$BIN" view "$T/a.sstrace" --slide
expect 2 "--slide makes one picture" "$BIN" view "$T/a.sstrace" --slide --frames "$T/frames"
expect 2 "--slide is for pictures" "$BIN" export "$T/a.sstrace" --format csv --slide
expect 2 "needs -o OUT" "$BIN" export "$T/a.sstrace" --format svg --slide
expect 1 "cannot write '$T/no/such/dir/x.png': No such file or directory" \
    "$BIN" export "$T/a.sstrace" --format png --slide -o "$T/no/such/dir/x.png"
expect 1 "cannot write '$T/no/such/dir/x.svg'" "$BIN" export "$T/a.sstrace" --format svg -o "$T/no/such/dir/x.svg"
mkdir "$T/ro" && chmod 500 "$T/ro"
if [ "$(id -u)" != 0 ]; then # root writes anywhere
    expect 1 "Permission denied" "$BIN" view "$T/a.sstrace" --screenshot "$T/ro/x.png"
fi
chmod 700 "$T/ro"
[ -z "$(ls -A "$T/ro")" ] || fail "a failed picture left $(ls -A "$T/ro")"
echo "cli_slide: passed"
