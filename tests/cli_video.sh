#!/usr/bin/env bash
# --video runs ffmpeg without a shell: a file name full of shell syntax
# reaches ffmpeg as one argument and runs nothing; the frames go to a
# private directory in $TMPDIR that is removed afterwards. A stand-in
# ffmpeg (first in PATH) records its arguments and writes the output.
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset DISPLAY WAYLAND_DISPLAY
fail() { echo "FAIL: $*"; exit 1; }
mkdir "$tmp/bin" "$tmp/tmpdir"
cat >"$tmp/bin/ffmpeg" <<'SH'
#!/bin/sh
# a stand-in: the arguments, one per line; the last one is the output
[ "$1" = -loglevel ] && [ "$3" = -version ] && exit 0
printf '%s\n' "$@" >"$FAKE_FFMPEG_ARGS"
for last; do :; done
: >"${last#file:}"
SH
chmod +x "$tmp/bin/ffmpeg"
"$bin" run --model select --clients 2 --messages 5 --trace "$tmp/t.sstrace" --quiet >/dev/null 2>&1 ||
    fail "could not record a trace"
cd "$tmp" || exit 1
name="x'; touch PWNED; echo '.mp4"
PATH="$tmp/bin:$PATH" FAKE_FFMPEG_ARGS="$tmp/args" TMPDIR="$tmp/tmpdir" \
    "$bin" view t.sstrace --video "$name" --seconds 0.4 --fps 5 2>"$tmp/err" || fail "--video: $(cat "$tmp/err")"
[[ -e "$tmp/PWNED" ]] && fail "the file name ran a shell command"
grep -qxF "file:$name" "$tmp/args" || fail "ffmpeg did not get the name as one argument: $(cat "$tmp/args")"
[[ -e "$tmp/$name" ]] || fail "no output file '$name'"
[[ -z "$(ls -A "$tmp/tmpdir")" ]] || fail "frames left in TMPDIR: $(ls "$tmp/tmpdir")"
# without ffmpeg: a clear error, exit 4, and no frames rendered for nothing
PATH=/usr/bin:/bin TMPDIR="$tmp/tmpdir" "$bin" view t.sstrace --video out.mp4 2>"$tmp/err"
rc=$?
if command -v ffmpeg >/dev/null; then
    echo "ok (ffmpeg is installed: the missing-ffmpeg case was not tried)"
    exit 0
fi
[[ $rc -eq 4 ]] || fail "no ffmpeg: exit $rc, want 4"
grep -q "needs ffmpeg" "$tmp/err" || fail "no ffmpeg: $(cat "$tmp/err")"
echo ok
