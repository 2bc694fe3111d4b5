#!/bin/sh
# The Chrome JSON export read by a real third-party loader: Chrome DevTools'
# trace engine (@paulirish/trace_engine, installed here with `npm ci` from
# tests/js/package-lock.json), on the multi-run default workload, plain and
# gzip: no errors, one flow per completion packet `stats` counts, no flow
# joining two runs, every async span closed, no slice overlapping its
# neighbour (tests/js/devtools_load.mjs); and speedscope's importer, which
# rebuilds every thread's stack from the slices, warns about nothing
# (tests/js/speedscope_load.mjs; a file with overlapping slices shows that
# it hears speedscope's warnings). Then the same on event-driven clients,
# whose overlapping requests are async spans.
# usage: cli_export_loaders.sh SOCKSCOPE WORKDIR
set -u
bin=$1
work=$2
src=$(cd "$(dirname "$0")/js" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

command -v node > /dev/null && command -v npm > /dev/null ||
    fail "node and npm are needed (scripts/deps.sh installs them)"
mkdir -p "$work" || fail "cannot create $work"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the loader and its lock file, installed where the build lives, not in the tree
cp "$src/package.json" "$src/package-lock.json" "$src/devtools_load.mjs" "$src/speedscope_load.mjs" "$work/" || fail "cannot copy tests/js"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error > "$tmp/npm" 2>&1) ||
    { cat "$tmp/npm"; fail "npm ci failed"; }

# completion packets of the model (not of a stand-in's emulation), every run
packets() {
    "$bin" stats "$1" --json > "$tmp/stats.json" || fail "stats --json failed"
    node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
             console.log(d.runs.reduce((n, r) => n + r.server.completion_packets, 0));' "$tmp/stats.json"
}

load() { # FILE PACKETS WHAT
    node --max-old-space-size=4096 "$work/devtools_load.mjs" "$1" --flows "$2" > "$tmp/load" 2> "$tmp/load.err"
    rc=$?
    cat "$tmp/load"
    [ $rc -eq 0 ] || { cat "$tmp/load.err"; fail "DevTools' trace engine on $3"; }
}

speedscope() { # FILE WHAT [--expect-warnings]
    node --max-old-space-size=4096 "$work/speedscope_load.mjs" "$1" ${3:-} 2> "$tmp/ss.err" ||
        { cat "$tmp/ss.err"; fail "speedscope's importer on $2"; }
}

echo "== speedscope's warnings are heard: slices that overlap"
cat > "$tmp/overlap.json" <<'JSON'
{"traceEvents":[
{"ph":"X","pid":1,"tid":1,"ts":52468.891,"name":"msg_post","dur":0.04},
{"ph":"X","pid":1,"tid":1,"ts":52468.931,"name":"epoll_ctl","dur":1}]}
JSON
speedscope "$tmp/overlap.json" "overlapping slices" --expect-warnings

echo "== the default workload: every model, 20 clients x 200 echoes"
"$bin" run --model all --trace "$tmp/all.sstrace" --quiet > /dev/null || fail "run --model all failed"
n=$(packets "$tmp/all.sstrace")
[ "$n" -gt 1000 ] || fail "only $n completion packets: the completion models did not run"
"$bin" export "$tmp/all.sstrace" --format chrome -o "$tmp/all.json" 2> /dev/null || fail "export failed"
"$bin" export "$tmp/all.sstrace" --format chrome -o "$tmp/all.json.gz" 2> /dev/null || fail "export .gz failed"
gzip -t "$tmp/all.json.gz" || fail "all.json.gz is not gzip"
load "$tmp/all.json" "$n" "the plain export"
load "$tmp/all.json.gz" "$n" "the gzip export"
speedscope "$tmp/all.json" "the plain export"
grep -q '"async_spans":[1-9]' "$tmp/load" || fail "no async span (operations in flight) in the export"

echo "== event-driven clients: requests overlap on a thread"
"$bin" run --model io_uring,iocp,epoll --client-mode events --clients 40 --messages 40 \
    --trace "$tmp/ev.sstrace" --quiet > /dev/null || fail "run with event-driven clients failed"
n=$(packets "$tmp/ev.sstrace")
"$bin" export "$tmp/ev.sstrace" --format chrome -o "$tmp/ev.json" 2> /dev/null || fail "export failed"
grep -q '"ph":"b","pid":[0-9]*,"tid":[0-9]*,"ts":[0-9.]*,"name":"request"' "$tmp/ev.json" ||
    fail "no request drawn as an async span"
load "$tmp/ev.json" "$n" "event-driven clients"
speedscope "$tmp/ev.json" "event-driven clients"

echo "== a run cut off before its end record, then the next reusing its operation id on thread 99998"
PYTHONPATH=$(dirname "$0") python3 - "$tmp/cut.sstrace" <<'PY' || fail "writing the cut-off trace"
import sys
from hostile_traces import HEADER, chunk, evts, rune, runb, sv, thrd, uv
OP_SUBMIT, OP_COMPLETE, RECV, ASYNC, ID_AUX = 32, 33, 6, 0x08, 0x18
def op(api, dt0, op_id):  # no sock, ret or arg; an id and the operation's api
    return uv(api) + bytes([ASYNC, ID_AUX]) + sv(dt0) + uv(0) + uv(op_id) + uv(RECV)
run1 = runb(1) + thrd(1, 0) + evts(1, 0, [op(OP_SUBMIT, 1000, 7)])  # no RUNE: cut off
# thread index 99998: its tid 99999 was once the kernel lane's too
run2 = runb(2) + thrd(2, 99998) + evts(2, 99998, [op(OP_SUBMIT, 500, 7), op(OP_COMPLETE, 2000, 7)]) + rune(2, 5000)
open(sys.argv[1], 'wb').write(HEADER + run1 + run2)
PY
"$bin" export "$tmp/cut.sstrace" --format chrome -o "$tmp/cut.json" 2> /dev/null || fail "export of the cut-off trace"
load "$tmp/cut.json" 1 "a run cut off"
grep -q '"async_spans":2' "$tmp/load" || fail "the two operations are not two closed spans"
echo "ok"
