#!/bin/sh
# sockscope explain from the command line: both languages, valid UTF-8,
# unknown model -> exit 2 with the list of valid names.
set -u
bin=$1
tmp=${TMPDIR:-/tmp}/cli_explain.$$
trap 'rm -f "$tmp".*' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" explain iocp --lang ko >"$tmp.ko" || fail "explain iocp --lang ko exited $?"
grep -q "입출력 완료 포트" "$tmp.ko" || fail "Korean iocp text lacks 입출력 완료 포트"
iconv -f UTF-8 -t UTF-8 "$tmp.ko" >/dev/null || fail "Korean output is not valid UTF-8"
"$bin" explain select --lang en | grep -q "64 sockets" || fail "English select text lacks '64 sockets'"
"$bin" explain all --lang ko >"$tmp.all" || fail "explain all exited $?"
iconv -f UTF-8 -t UTF-8 "$tmp.all" >/dev/null || fail "explain all is not valid UTF-8"
[ "$(grep -c '^[a-z_-]*: ' "$tmp.all")" -ge 11 ] || fail "explain all does not cover 11 models"

"$bin" explain no-such-model --lang en >/dev/null 2>"$tmp.err"
rc=$?
[ $rc -eq 2 ] || fail "unknown model exited $rc, want 2"
grep -q "unknown model 'no-such-model'" "$tmp.err" || fail "no clear error: $(cat "$tmp.err")"
for m in blocking-iterative blocking-threads nonblocking select poll epoll async-select event-select overlapped iocp io_uring; do
    grep -q "$m" "$tmp.err" || fail "the error does not list $m"
done
"$bin" explain iocp --lang fr >/dev/null 2>&1
[ $? -eq 2 ] || fail "--lang fr should exit 2"
"$bin" explain >/dev/null 2>&1
[ $? -eq 2 ] || fail "explain without a model should exit 2"
echo "ok"
