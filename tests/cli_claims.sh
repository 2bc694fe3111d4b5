#!/bin/sh
# sockscope run --scenario with claims: the caption is filled from the run and
# every claim's verdict printed after the table; a claim that fails shows its
# "else" sentence; a bad claim is a bad input file (exit 3) naming file, line
# and key; stats --json gives the CPU/I-O overlap where there was CPU work.
# usage: cli_claims.sh BINARY
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if ! "$@"; then echo "FAIL: $desc"; fails=$((fails + 1)); fi
}

cat >"$T/c.ini" <<'INI'
[scenario]
name = claims-demo
caption_en = {clients} clients, {cpu_us} µs of work each.
models = blocking-threads, epoll
[clients]
count = 3
messages = 20
[server]
cpu_us = 20
[claim threads]
check = blocking-threads:threads >= clients and epoll:threads == 1
en = Threads: {blocking-threads:threads} against {epoll:threads}.
ko = 스레드 {blocking-threads:threads}개, epoll {epoll:threads}개.
else_en = Unexpected threads.
else_ko = 예상과 다르다.
[claim wrong-on-purpose]
check = epoll:threads > 1000
en = epoll used a thousand threads.
ko = 천 개.
else_en = epoll kept to {epoll:threads} thread.
else_ko = epoll은 스레드 {epoll:threads}개.
INI
LANG=C LC_ALL= "$BIN" run --scenario "$T/c.ini" --trace "$T/c.sstrace" >"$T/out" 2>"$T/err"
check "scenario run exits 0 (a claim that fails is a lesson, not a failed run)" [ $? -eq 0 ]
check "caption before the run: figures not known yet" grep -q "claims-demo: 3 clients, 20 µs of work each." "$T/err"
check "filled caption after the table" grep -q "3 clients, 20 µs of work each." "$T/out"
check "the supported sentence, filled" grep -q "Threads: 4 against 1." "$T/out"
check "the else sentence of the claim that failed" grep -q "epoll kept to 1 thread." "$T/out"
check "verdict: holds, with values" grep -q "\[holds\] threads: .*measured: 4 >= 3; 1 == 1" "$T/out"
check "verdict: does not hold" grep -q "\[does not hold\] wrong-on-purpose: epoll:threads > 1000   measured: 1 > 1000" "$T/out"
LC_ALL=ko_KR.UTF-8 "$BIN" run --scenario "$T/c.ini" --trace "$T/c.sstrace" >"$T/ko" 2>/dev/null
check "Korean claims" grep -q "스레드 4개, epoll 1개." "$T/ko"
check "Korean verdicts" grep -q "\[성립\] threads" "$T/ko"
check "stats --json: overlap where there was CPU work" sh -c "'$BIN' stats '$T/c.sstrace' --json | grep -q '\"overlap_pct\": *0'"
check "stats text: overlap line" sh -c "'$BIN' stats '$T/c.sstrace' | grep -q 'CPU/I-O overlap: 0.0 %'"

# --model drops a model: its claims are not measured, and say why
"$BIN" run --scenario "$T/c.ini" --model epoll --trace "$T/d.sstrace" >"$T/out" 2>&1
check "claims of a model not run are not measured" grep -q "\[not measured\] threads: .*(blocking-threads was not run)" "$T/out"

# a bad claim: exit 3, file:line: [claim NAME] key
sed 's/epoll:threads > 1000/epoll:thread > 1000/' "$T/c.ini" >"$T/bad.ini"
"$BIN" run --scenario "$T/bad.ini" --trace "$T/b.sstrace" >"$T/out" 2>&1
check "bad claim exits 3" [ $? -eq 3 ]
check "bad claim names file, line and key" grep -q "bad.ini:17: \[claim wrong-on-purpose\] check: unknown figure 'thread' of epoll" "$T/out"

[ "$fails" -eq 0 ] && echo "cli_claims: all checks passed"
exit "$fails"
