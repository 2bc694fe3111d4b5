#!/usr/bin/env bash
# Records the small lecture traces shipped in assets/traces/: every preset of
# assets/scenarios/ at a reduced scale, so that `sockscope view` can show them
# on a machine that cannot run the models (no io_uring, another OS).
# usage: scripts/record-lecture-traces.sh [SOCKSCOPE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/sockscope}
mkdir -p assets/traces
for ini in assets/scenarios/*.ini; do
    name=$(basename "$ini" .ini)
    case $name in # keep each file small: the spinning and the 10k-connection presets record a lot
        nonblocking-cpu-cost | c10k-idle-connections) scale=0.05 ;;
        *) scale=0.3 ;;
    esac
    echo "== $name (scale $scale)" >&2
    "$bin" run --scenario "$ini" --scale "$scale" --trace "assets/traces/$name.sstrace" --quiet >/dev/null ||
        echo "   (some requests failed or were refused: see 'sockscope stats assets/traces/$name.sstrace')" >&2
done
ls -l assets/traces >&2
