#!/bin/sh
# sockscope run --scenario: errors name file, line and key; flags override the
# file; every flag that --help lists is accepted; a scenario runs end to end.
# usage: cli_scenario.sh BINARY
set -u
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # description, then a command that must succeed
    desc=$1; shift
    if ! "$@"; then echo "FAIL: $desc"; fails=$((fails + 1)); fi
}
run() { # expected exit code, output file, args...
    want=$1; out=$2; shift 2
    "$BIN" "$@" >"$out" 2>&1
    got=$?
    [ "$got" -eq "$want" ] || { echo "exit $got, expected $want: sockscope $*"; cat "$out"; return 1; }
}

# 1. a bad key: file, line and key; exit 3 (bad input file)
printf '[clients]\ncount = 4\nwhat = 1\n' >"$T/bad.ini"
check "unknown key exits 3" run 3 "$T/out" run --scenario "$T/bad.ini" --trace "$T/t.sstrace"
check "unknown key names file:line [section] key" grep -q "bad.ini:3: \[clients\] what: unknown key" "$T/out"

# 2. a missing file
check "missing file exits 3" run 3 "$T/out" run --scenario "$T/none.ini"
check "missing file is named" grep -q "none.ini: cannot open the scenario file" "$T/out"

# 3. a bad flag value is a usage error naming the flag
printf '[scenario]\nmodels = epoll\n' >"$T/ok.ini"
check "bad flag value exits 2" run 2 "$T/out" run --scenario "$T/ok.ini" --latency-ms soon
check "bad flag value names the flag" grep -q -- "--latency-ms expects a number" "$T/out"
check "bad scale exits 2" run 2 "$T/out" run --scenario "$T/ok.ini" --scale 0
check "too many special clients" run 2 "$T/out" run --model epoll --clients 2 --slow-clients 3
check "... explains why" grep -q "special clients are some of the clients" "$T/out"

# 4. every flag the help lists is one run accepts
"$BIN" run --help >"$T/help" 2>&1
check "help mentions --scenario" grep -q -- "--scenario FILE" "$T/help"
for flag in $(grep -o -- '^  --[a-z-]*' "$T/help" | tr -d ' ' | sort -u); do
    "$BIN" run "$flag" '!' --model no-such-model >"$T/out" 2>&1
    if grep -q "unrecognized option" "$T/out"; then
        echo "FAIL: $flag is in --help but run does not accept it"
        fails=$((fails + 1))
    fi
done

# 5. flags override the file; the scenario's name is recorded with the run
cat >"$T/small.ini" <<'INI'
[scenario]
name = small
models = epoll
seed = 5
[clients]
count = 3
messages = 50
size = 64-700
[special]
reset = 1
halfclose = 1
[network]
latency_ms = 1
INI
check "scenario runs" run 0 "$T/out" run --scenario "$T/small.ini" --clients 4 --messages 6 --json --trace "$T/s.sstrace"
check "flag overrode [clients] count" grep -Eq '"clients": ?"4"' "$T/out"
check "flag overrode [clients] messages" grep -Eq '"messages": ?"6"' "$T/out"
check "scenario name recorded" grep -Eq '"scenario": ?"small"' "$T/out"
check "link recorded" grep -Eq '"link": ?"latency 1 ms' "$T/out"
check "expected resets reported" grep -q "1 expected resets" "$T/out"

# 6. a plain run still records the classic parameters only
check "plain run" run 0 "$T/out" run --model epoll -c 2 -n 3 --json --trace "$T/p.sstrace"
check "no scenario facts in a plain run" sh -c "! grep -q '\"scenario\"' '$T/out' && ! grep -q '\"link\"' '$T/out'"

[ "$fails" -eq 0 ] && echo "cli_scenario: all checks passed"
exit "$fails"
