#!/usr/bin/env bash
# `sockscope.exe serve --duration` under Wine stops by itself, exits 0 and
# writes a readable trace of the run (one served nc connection in it).
#   serve_duration.sh EMULATOR SOCKSCOPE_EXE MODEL
set -u
emu=$1 exe=$2 model=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$emu" "$exe" serve --model "$model" --port 0 --duration 3 --trace "$tmp/t.sstrace" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 300); do
    port=$(tr -d '\r' <"$tmp/err" | sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p')
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] && printf 'during the run\n' | timeout 10 nc -N -w 5 127.0.0.1 "$port" >"$tmp/out"
rc=
for _ in $(seq 600); do # bounded: 60 s
    kill -0 $pid 2>/dev/null || { wait $pid; rc=$?; break; }
    sleep 0.1
done
[[ -z "$rc" ]] && { kill -9 $pid; echo "FAIL: $model: serve --duration 3 still running after 60 s"; exit 1; }
[[ $rc -eq 0 ]] || { echo "FAIL: $model: exit $rc: $(cat "$tmp/err")"; exit 1; }
[[ "$(cat "$tmp/out")" == "during the run" ]] || { echo "FAIL: $model: echo '$(cat "$tmp/out")'"; exit 1; }
"$emu" "$exe" stats "$tmp/t.sstrace" | tr -d '\r' | grep -q "duration_s=3" ||
    { echo "FAIL: $model: the trace is not readable"; exit 1; }
tr -d '\r' <"$tmp/err" | grep -q "stopped; 1 connection(s) served" ||
    { echo "FAIL: $model: $(cat "$tmp/err")"; exit 1; }
echo "$model: serve --duration 3 stopped by itself, exit 0, trace written"
echo "1 passed, 0 failed"
