#!/usr/bin/env bash
# Error paths of the command line: each names the problem and what to do,
# with the documented exit code (0 ok, 1 failed, 2 usage, 3 bad input, 4 environment).
set -u
bin=$1
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/cli_expect.sh"

expect 2 "unknown command" -- "$bin" frobnicate
expect 2 "unknown model 'nope'; valid models: .*epoll" -- "$bin" serve --model nope
expect 2 "unknown model 'nope'" -- "$bin" run --model epoll,nope --trace "$tmp/x.sstrace"
expect 2 "needs --model" -- "$bin" serve
expect 2 "--clients expects a whole number from 1" -- "$bin" run --model epoll --clients 0
expect 2 "--port expects a whole number from 0 to 65535" -- "$bin" serve --model epoll --port 70000
expect 2 "--size expects" -- "$bin" run --model epoll --size 12abc
expect 2 "not a numeric IPv4/IPv6" -- "$bin" serve --model epoll --bind nowhere --duration 0.1
expect 3 "cannot open trace .*No such file" -- "$bin" stats "$tmp/missing.sstrace"
printf 'definitely not a trace' >"$tmp/junk.sstrace"
expect 3 "not a sockscope trace" -- "$bin" stats "$tmp/junk.sstrace"
expect 3 "not a sockscope trace" -- "$bin" export "$tmp/junk.sstrace" --format chrome -o "$tmp/out.json"
compgen -G "$tmp/out.json*" >/dev/null && { echo "FAIL: a failed export left a file"; fails=$((fails + 1)); }
expect 2 "unknown export format 'xml'" -- "$bin" export "$tmp/junk.sstrace" --format xml
expect 2 "needs --format" -- "$bin" export "$tmp/junk.sstrace"

# a real trace, then cut it: stats warns, still reports, exits 3
"$bin" run --model epoll --clients 4 --messages 50 --trace "$tmp/good.sstrace" --quiet >/dev/null 2>&1 ||
    { echo "FAIL: run"; fails=$((fails + 1)); }
expect 0 "requests 200 ok" -- "$bin" stats "$tmp/good.sstrace"
head -c $(($(stat -c %s "$tmp/good.sstrace") / 2)) "$tmp/good.sstrace" >"$tmp/cut.sstrace"
expect 3 "cut off mid-write" -- "$bin" stats "$tmp/cut.sstrace"
expect 3 "cut off mid-write" -- "$bin" export "$tmp/cut.sstrace" --format csv -o "$tmp/cut.csv"

# port in use: a listener we hold
python3 -c 'import socket,time,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$tmp/port" &
for _ in $(seq 50); do [[ -s "$tmp/port" ]] && break; sleep 0.1; done
expect 4 "port $(cat "$tmp/port") on 127.0.0.1 is already in use: .*--port" -- "$bin" serve --model select --port "$(cat "$tmp/port")" --duration 0.2

# every subcommand has a true --help
for c in models serve run stats export $([[ $(uname) == Linux ]] && echo trace); do
    expect 0 "usage: sockscope $c" -- "$bin" "$c" --help
done
expect 0 "exit codes" -- "$bin" --help

expect_done
