#!/usr/bin/env bash
# One Windows model on real Winsock under Wine: `sockscope.exe run` with
# many concurrent built-in clients must exit 0, and the trace's own
# verification note must say every echo came back byte-exact.
# Every run says where it was recorded (Wine or Windows, real Winsock).
#   run_model.sh EMULATOR SOCKSCOPE_EXE MODEL CLIENTS MESSAGES [MODEL OPTIONS...]
set -u
emu=$1 exe=$2 model=$3 clients=$4 messages=$5
shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$((clients * messages))
timeout 240 "$emu" "$exe" run --model "$model" --clients "$clients" --messages "$messages" "$@" \
    --trace "$tmp/t.sstrace" --quiet >"$tmp/out" 2>"$tmp/err"
rc=$?
if [[ $rc -ne 0 ]]; then
    echo "FAIL: $model: exit $rc"; cat "$tmp/out" "$tmp/err"; exit 1
fi
timeout 120 "$emu" "$exe" stats "$tmp/t.sstrace" | tr -d '\r' >"$tmp/stats"
if ! grep -q "client verification = $total ok, 0 failed, 0 mismatched" "$tmp/stats"; then
    echo "FAIL: $model: the verification note does not say $total ok"; cat "$tmp/stats"; exit 1
fi
# the model really used its Windows API (a name that only that API records)
case $model in
    select) api='select=' ;;
    poll) api='poll=' ;;
    nonblocking) api='ioctl=' ;;
    async-select) api='WSAAsyncSelect=' ;;
    event-select) api='WSAEventSelect=' ;;
    overlapped) api='SleepEx=' ;;
    overlapped-event) api='WSAGetOverlappedResult=' ;;
    iocp) api='GetQueuedCompletionStatus=' ;;
    *) api='accept=' ;;
esac
if ! grep "server calls by API" "$tmp/stats" | grep -q " $api"; then
    echo "FAIL: $model: no $api call recorded by the server"; cat "$tmp/stats"; exit 1
fi
if ! grep -Eq "^  recorded on: (wine [0-9.]+, winsock real, waits unknown|windows [0-9.]+, winsock real)" "$tmp/stats"; then
    echo "FAIL: $model: the run does not say it ran on real Winsock under Wine or Windows"; cat "$tmp/stats"; exit 1
fi
# --ui-rate (async-select): ordinary UI messages shared the window procedure
if [[ " $* " == *" --ui-rate "* ]] && ! grep -Eq "message queue: [0-9]+ posted, [0-9]+ dispatched \([1-9][0-9]* UI\)" "$tmp/stats"; then
    echo "FAIL: $model $*: no UI message was dispatched"; cat "$tmp/stats"; exit 1
fi
grep -E "^  (message queue|recorded on)" "$tmp/stats"
grep -E "^  (socket calls|  per request|async submissions|completion packets)" "$tmp/stats" | head -4
echo "$model: $total echoes byte-exact from $clients concurrent clients under Wine"
echo "1 passed, 0 failed"
