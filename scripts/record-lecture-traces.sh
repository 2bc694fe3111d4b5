#!/usr/bin/env bash
# Records the small lecture traces shipped in assets/traces/: every preset of
# assets/scenarios/ at a reduced size, so that `sockscope view` can show them
# on a machine that cannot run the models (no io_uring, another OS). Each
# preset's claims are printed as the recorded run bore them out; a lecture
# trace should show every one holding (re-record when one does not).
# usage: scripts/record-lecture-traces.sh [SOCKSCOPE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/sockscope}
mkdir -p assets/traces
for ini in assets/scenarios/*.ini; do
    name=$(basename "$ini" .ini)
    case $name in # keep each file small (a few hundred KB, c10k's thousands of idle sockets aside)
        nonblocking-cpu-cost) size=(--scale 0.05) ;;            # it spins: every call is recorded
        c10k-idle-connections) size=(--messages 20) ;;          # the 5,000 idle connections are the lesson
        closing-comparison) size=(--messages 30) ;;             # eleven models, every client
        *) size=(--scale 0.3) ;;
    esac
    echo "== $name (${size[*]})" >&2
    "$bin" run --scenario "$ini" "${size[@]}" --trace "assets/traces/$name.sstrace" --quiet 2>&1 >/tmp/record-$$.out |
        grep -v '^$' >&2 || true
    grep -E '^\s+\[(holds|does not hold|not measured)\]' /tmp/record-$$.out >&2 || true
done
rm -f /tmp/record-$$.out
ls -l assets/traces >&2
