#!/usr/bin/env bash
# A Wine `sockscope.exe serve` driven by native Linux peers: many concurrent
# Python clients (the textbook's client) and nc, byte-exact; then Ctrl-C
# (SIGINT, which Wine hands to the console control handler) stops it
# cleanly, and the trace it writes shows every byte.
#   serve_native.sh EMULATOR SOCKSCOPE_EXE MODEL CLIENTS
set -u
emu=$1 exe=$2 model=$3 clients=$4
messages=30
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pid=
trap '[[ -n "$pid" ]] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
command -v nc >/dev/null || { echo "nc (netcat-openbsd) is required"; exit 1; }
printf 'hello from a native nc\nsecond line: %s\n%s\n' "$(head -c 300 /dev/zero | tr '\0' 'x')" "last" >"$tmp/in.txt"

# --duration bounds the server's life should the test itself go wrong
"$emu" "$exe" serve --model "$model" --port 0 --trace "$tmp/t.sstrace" --duration 200 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 600); do
    port=$(tr -d '\r' <"$tmp/err" | sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p')
    [[ -n "$port" ]] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
if [[ -z "$port" ]]; then
    echo "FAIL: $model: the server did not start: $(cat "$tmp/err")"; exit 1
fi
fails=0
if ! timeout 120 python3 "$here/echo_clients.py" --port "$port" --clients "$clients" --messages $messages; then
    echo "FAIL: $model: native clients"; fails=$((fails + 1))
fi
timeout 20 nc -N -w 10 127.0.0.1 "$port" <"$tmp/in.txt" >"$tmp/nc.out"
if ! cmp -s "$tmp/in.txt" "$tmp/nc.out"; then
    echo "FAIL: $model: nc echo differs ($(wc -c <"$tmp/nc.out") of $(wc -c <"$tmp/in.txt") bytes back)"
    fails=$((fails + 1))
fi
# an idle client still connected at Ctrl-C: the model must wake from
# whatever it waits in (blocking recv, GetMessage, a pending WSARecv...)
python3 "$here/hold_client.py" --port "$port" --timeout 60 >"$tmp/hold.out" 2>&1 &
holder=$!
for _ in $(seq 300); do grep -q held "$tmp/hold.out" && break; kill -0 $holder 2>/dev/null || break; sleep 0.1; done
if ! grep -q held "$tmp/hold.out"; then
    echo "FAIL: $model: the idle client was not served: $(cat "$tmp/hold.out")"; fails=$((fails + 1))
fi
kill -INT $pid
rc=
for _ in $(seq 300); do # bounded: 30 s
    kill -0 $pid 2>/dev/null || { wait $pid; rc=$?; break; }
    sleep 0.1
done
pid_left=$pid
pid=
if [[ -z "$rc" ]]; then
    kill -9 $pid_left 2>/dev/null
    echo "FAIL: $model: still running 30 s after Ctrl-C"; exit 1
fi
if [[ $rc -ne 0 ]]; then
    echo "FAIL: $model: exit $rc after Ctrl-C: $(cat "$tmp/err")"; fails=$((fails + 1))
fi
if ! wait $holder; then
    echo "FAIL: $model: the idle client's connection: $(cat "$tmp/hold.out")"; fails=$((fails + 1))
fi
bytes=$(( clients * messages * 512 + $(wc -c <"$tmp/in.txt") + 5 ))
if ! timeout 120 "$emu" "$exe" stats "$tmp/t.sstrace" | tr -d '\r' | grep -q "bytes sent *$bytes"; then
    echo "FAIL: $model: the trace does not show the $bytes bytes echoed"
    timeout 120 "$emu" "$exe" stats "$tmp/t.sstrace" | sed 's/^/    /' | head -30
    fails=$((fails + 1))
fi
if [[ $fails -eq 0 ]]; then
    echo "$model: $clients native clients + nc echoed byte-exact by the Wine server; Ctrl-C wrote the trace"
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
fi
[[ $fails -eq 0 ]]
