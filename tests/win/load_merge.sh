#!/usr/bin/env bash
# `load` and `merge` in the Windows build, across systems: the Windows
# `load` (Winsock, under Wine) drives a Linux `serve`, the Windows `serve`
# (select, real Winsock) is driven by a Linux `load`; each client trace's
# clock anchor is shifted on purpose (SOCKSCOPE_TEST_ANCHOR_SHIFT_NS), and
# the Windows `merge` must put every pair on one axis, recovering the shift
# within the uncertainty it reports (plus what the anchors may be off by).
#   load_merge.sh EMULATOR SOCKSCOPE_EXE NATIVE_SOCKSCOPE
set -u
emu=$1 exe=$2 native=$3
if [[ ! -x "$native" ]]; then
    echo "SKIP: no native Linux sockscope at '$native' (build the default preset first)"
    exit 77
fi
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
winpath() { echo "Z:${1//\//\\}"; }
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { # a server's stderr file: wait for its "listening on" line
    for _ in $(seq 1 600); do grep -q "listening on" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "FAIL: the server did not start:"; cat "$1"; return 1
}
check_merge() { # what, shift in ns, then the merge's inputs (Windows paths)
    local what=$1 shift=$2; shift 2
    timeout 120 "$emu" "$exe" merge "$@" -o "$(winpath "$tmp/all.sstrace")" --json >"$tmp/merge.json" 2>"$tmp/merge.err" ||
        { echo "FAIL: $what: the Windows merge failed"; cat "$tmp/merge.err"; exit 1; }
    python3 - "$tmp/merge.json" "$shift" "$what" <<'EOF' || exit 1
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
shift, what = int(sys.argv[2]), sys.argv[3]
ref, c = runs[0], runs[1]
assert c["placed_by"] == "requests" and c["pairs"] > 0, f"{what}: placed as {c}"
err = abs(c["correction_ns"] + shift)
allowed = c["uncertainty_ns"] + c["anchor_err_ns"] + ref["anchor_err_ns"] + 2
print(f"ok: {what}: shift {shift / 1e6:+.3f} ms recovered as {c['correction_ns'] / 1e6:+.6f} ms "
      f"+- {c['uncertainty_ns'] / 1e3:.1f} us ({c['pairs']} pairs; off by {err / 1e3:.2f} us)")
assert err <= allowed, f"{what}: off by {err} ns > {allowed} ns"
EOF
}

# the Windows clients against a Linux server
p=$(port)
"$native" serve --model epoll --port "$p" --trace "$tmp/linux_srv.sstrace" --duration 120 2>"$tmp/srv.err" &
pids+=($!)
listening "$tmp/srv.err" || exit 1
SOCKSCOPE_TEST_ANCHOR_SHIFT_NS=7000000 timeout 120 "$emu" "$exe" load "127.0.0.1:$p" -c 2 -n 100 --quiet \
    --trace "$(winpath "$tmp/win_load.sstrace")" >"$tmp/load.out" 2>&1 ||
    { echo "FAIL: the Windows load failed"; cat "$tmp/load.out"; exit 1; }
grep -q "200 requests ok, 0 failed" "$tmp/load.out" || { echo "FAIL: load's summary:"; cat "$tmp/load.out"; exit 1; }
kill -TERM "${pids[0]}"; wait "${pids[0]}"
check_merge "Windows load, Linux serve" 7000000 "$(winpath "$tmp/linux_srv.sstrace")" "$(winpath "$tmp/win_load.sstrace")"

# nothing listening: the Windows load says so and exits 4
timeout 120 "$emu" "$exe" load "127.0.0.1:$p" -c 1 -n 1 --trace "$(winpath "$tmp/x.sstrace")" >"$tmp/x.out" 2>&1
rc=$?
[[ $rc -eq 4 ]] && grep -q "cannot connect to 127.0.0.1:$p" "$tmp/x.out" ||
    { echo "FAIL: load with nothing listening exited $rc:"; cat "$tmp/x.out"; exit 1; }
echo "ok: the Windows load with nothing listening exits 4"

# a Windows server (real Winsock select) driven by the Linux clients
p=$(port)
# (it stops by itself: --duration, as serve_duration.sh checks)
timeout 200 "$emu" "$exe" serve --model select --port "$p" --trace "$(winpath "$tmp/win_srv.sstrace")" \
    --duration 10 2>"$tmp/wsrv.err" &
pids+=($!)
listening "$tmp/wsrv.err" || exit 1
SOCKSCOPE_TEST_ANCHOR_SHIFT_NS=-2000000 "$native" load "127.0.0.1:$p" -c 2 -n 100 --quiet \
    --trace "$tmp/linux_load.sstrace" >"$tmp/lload.out" 2>&1 ||
    { echo "FAIL: the Linux load failed"; cat "$tmp/lload.out"; exit 1; }
wait "${pids[1]}" || { echo "FAIL: the Windows serve failed"; cat "$tmp/wsrv.err"; exit 1; }
check_merge "Linux load, Windows serve" -2000000 "$(winpath "$tmp/win_srv.sstrace")" "$(winpath "$tmp/linux_load.sstrace")"
echo PASS
