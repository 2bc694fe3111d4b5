#!/bin/sh
# The model table lists every model of the textbook's table with what backs
# it here, and the async-select options parse and reach the run.
# usage: cli_models.sh SOCKSCOPE
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" models > "$tmp/models" || fail "sockscope models exited $?"
for m in blocking-iterative blocking-threads nonblocking select poll epoll async-select event-select; do
    grep -q "^$m " "$tmp/models" || fail "model $m missing from 'sockscope models'"
done
grep -q "^nonblocking .*EWOULDBLOCK" "$tmp/models" || fail "nonblocking does not say it spins on EWOULDBLOCK"
grep -q "^event-select .*eventfd" "$tmp/models" || fail "event-select does not say what backs its event objects"

"$bin" run --model poll --ui-rate abc > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--ui-rate abc should be a usage error (2)"
grep -q -- "--ui-rate" "$tmp/err" || fail "the error does not name --ui-rate"

if grep -q "^async-select .* yes " "$tmp/models"; then
    "$bin" run --model async-select --ui-rate 500 --ui-cost-us 100 --clients 2 --messages 5 --quiet \
        --trace "$tmp/t.sstrace" > /dev/null || fail "async-select run with --ui-rate failed"
    "$bin" stats "$tmp/t.sstrace" > "$tmp/stats" || fail "stats failed"
    grep -q "ui-rate=500" "$tmp/stats" || fail "the run does not record ui-rate"
    grep -q "msg_dispatch=" "$tmp/stats" || fail "no window message was dispatched"
fi
echo "ok"
