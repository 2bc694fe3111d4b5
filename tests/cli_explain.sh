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

# the chapter's tables, in both languages (unwrapped: a phrase may be split across lines)
flat() { "$bin" explain "$1" --lang "$2" --width 1000; }
flat select en | grep -q "FD_ISSET(SOCKET s, fd_set \*set)" || fail "select (en) lacks table 11-7"
flat select ko | grep -q "넌블로킹 소켓을 사용한 connect() 함수 호출이 실패했다" || fail "select (ko) lacks table 11-6's connect rows"
flat select ko | grep -q "0(타임아웃)" || fail "select (ko) lacks the timeout cases"
flat select en | grep -q "{0, 0}: checks every socket" || fail "select (en) lacks the timeout cases"
flat async-select en | grep -q "FD_CONNECT: the connection procedure has finished" || fail "async-select (en) lacks FD_CONNECT"
flat async-select ko | grep -q "FD_OOB: recv(), recvfrom()" || fail "async-select (ko) lacks table 11-9's FD_OOB"
flat event-select ko | grep -q "FD_CONNECT: 없음" || fail "event-select (ko) lacks table 11-9"
flat iocp ko | grep -q "윈도우 NT 3.5 이상(윈도우 95/98/Me 제외)" || fail "iocp (ko) lacks table 11-5"
flat iocp en | grep -q "reported apart\|report them apart" || fail "iocp (en) does not say its emulation is reported apart"
flat nonblocking en | grep -q "one client at a time" || fail "nonblocking (en) lacks the NonblockTCPServer note"
flat io_uring ko | grep -q "교재 밖" || fail "io_uring (ko) is not marked as outside the book"
"$bin" explain all --lang ko | grep -q "교재 이후" && fail "explain says 교재 이후 (write 교재 밖)"

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
