#!/usr/bin/env bash
# The lecture traces shipped in assets/traces/ open everywhere: complete
# runs, no warnings, requests served, and (with the viewer) a picture.
set -u
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SDL_VIDEODRIVER=dummy
unset DISPLAY WAYLAND_DISPLAY
passes=0 fails=0
for t in "$src"/assets/traces/*.sstrace; do
    name=$(basename "$t" .sstrace)
    if ! "$bin" stats "$t" --json >"$tmp/s.json" 2>"$tmp/err" || [[ -s "$tmp/err" ]]; then
        echo "FAIL: $name: stats: $(cat "$tmp/err")"
        fails=$((fails + 1))
        continue
    fi
    if ! python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"]
assert r and all(x["complete"] and x["requests_ok"] > 0 for x in r), "incomplete or empty run"' "$tmp/s.json"; then
        echo "FAIL: $name: a run is incomplete or served nothing"
        fails=$((fails + 1))
        continue
    fi
    # win-*: recorded on Winsock from command-line options (no scenario files on Windows)
    if [[ $name == win-* ]]; then
        grep -q "\"${name#win-}|" "$src/scripts/record-winsock-traces.sh" ||
            { echo "FAIL: $name: not recorded by scripts/record-winsock-traces.sh"; fails=$((fails + 1)); continue; }
    else
        [[ -f "$src/assets/scenarios/$name.ini" ]] || { echo "FAIL: $name: no preset of that name"; fails=$((fails + 1)); continue; }
    fi
    if "$bin" view --help >/dev/null 2>&1 && ! "$bin" view "$t" --screenshot "$tmp/$name.png" --size 640x400 2>"$tmp/err"; then
        echo "FAIL: $name: screenshot: $(cat "$tmp/err")"
        fails=$((fails + 1))
        continue
    fi
    passes=$((passes + 1))
done
echo "$passes passed, $fails failed"
[[ $fails -eq 0 && $passes -gt 0 ]]
