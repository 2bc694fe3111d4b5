#!/usr/bin/env python3
"""`load` and `merge` on loopback, without root: `load` against sockscope's
own server and a third-party one (socat), its errors (nothing listening, a
wrong echo, no echo, bad command lines), `merge`'s errors, and a merge of a
server and two loads whose anchors are shifted on purpose, checked as the
namespace test (cli_multihost.py) checks it; the server is a built-in model,
or an outside program recorded by `sockscope trace` (the interposer writes
the same clock anchors and accept endpoints).

usage: cli_load_merge.py SOCKSCOPE_BINARY [EPOLL_SERVER_PROGRAM]"""
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mergecheck  # noqa: E402
from clitest import free_port  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, env=None, timeout=120):
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, timeout=timeout)


def expect(p, code, pattern, what):
    text = p.stdout + p.stderr
    if p.returncode != code or not re.search(pattern, text):
        raise SystemExit(f"FAIL {what}: exit {p.returncode} (wanted {code}), output:\n{text}")
    print(f"ok: {what} (exit {code})")


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"FAIL: nothing listens on {port}")


def with_peer(cmd, port, fn):
    """runs fn while a third-party peer (cmd) listens on port"""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        return fn()
    finally:
        p.kill()
        p.wait()


def command_lines(tmp):
    t = os.path.join(tmp, "x.sstrace")
    expect(run("load"), 2, r"load needs HOST:PORT", "load without a target")
    expect(run("load", "nowhere", "--trace", t), 2, r"not HOST:PORT", "a target without a port")
    expect(run("load", "127.0.0.1:0", "--trace", t), 2, r"port", "port 0")
    expect(run("load", "example.org:80", "--trace", t), 2, r"numeric", "a host name")
    expect(run("load", "127.0.0.1:9", "--cpu-us", "5", "--trace", t), 2, r"server and network options",
           "a server option")
    expect(run("load", "127.0.0.1:9", "--latency-ms", "5", "--trace", t), 2, r"server and network options",
           "a network option")
    expect(run("load", "--help"), 0, r"--slow-clients", "load --help lists the special clients")
    expect(run("merge", t), 2, r"-o OUT", "merge without -o")
    expect(run("merge", "-o", t), 2, r"at least one trace", "merge without inputs")
    expect(run("merge", t, "-o", t), 2, r"one of the inputs", "merge onto an input")
    expect(run("merge", os.path.join(tmp, "missing.sstrace"), "-o", t), 3, r"missing", "merge of a missing file")
    junk = os.path.join(tmp, "junk.sstrace")
    open(junk, "w").write("not a trace at all\n")
    expect(run("merge", junk, "-o", t), 3, r"junk", "merge of a file that is no trace")
    expect(run("merge", "--help"), 0, r"uncertainty", "merge --help")
    if os.path.exists(t):
        raise SystemExit("FAIL: a failed merge left an output file")


def third_party(tmp):
    t = os.path.join(tmp, "peer.sstrace")
    port = free_port()
    expect(run("load", f"127.0.0.1:{port}", "-c", "2", "-n", "3", "--trace", t), 4, r"cannot connect to 127\.0\.0\.1",
           "nothing listening")
    if not shutil.which("socat"):
        raise SystemExit("FAIL: socat is missing (scripts/deps.sh installs it)")
    echo = ["socat", f"TCP-LISTEN:{port},reuseaddr,fork", "EXEC:cat"]
    expect(with_peer(echo, port, lambda: run("load", f"127.0.0.1:{port}", "-c", "3", "-n", "50", "--reset-clients", "1",
                                             "--trace", t)),
           0, r"requests ok, 0 failed", "socat's echo (cat), with a resetting client")
    upper = ["socat", f"TCP-LISTEN:{port},reuseaddr,fork", "SYSTEM:stdbuf -o0 tr a-z A-Z"]
    expect(with_peer(upper, port, lambda: run("load", f"127.0.0.1:{port}", "-c", "2", "-n", "5", "--timeout", "5",
                                              "--trace", t)),
           1, r"echoed bytes differ", "a server that echoes other bytes")
    mute = ["socat", f"TCP-LISTEN:{port},reuseaddr,fork", "SYSTEM:cat >/dev/null"]
    expect(with_peer(mute, port, lambda: run("load", f"127.0.0.1:{port}", "-c", "1", "-n", "2", "--timeout", "1",
                                             "--trace", t)),
           1, r"no complete echo within 1 s", "a server that never echoes")


def available(model):
    out = run("models").stdout
    return any(line.split()[:1] == [model] and line.split()[2] == "yes" for line in out.splitlines())


def loopback_merge(tmp, model, program=None):
    """a server (recv/send calls, overlapped operations: iocp, or an outside
    program under `sockscope trace`) and two loads"""
    port = free_port()
    s_trace = os.path.join(tmp, "srv.sstrace")
    cmd = [BIN, "serve", "--model", model, "--port", str(port), "--trace", s_trace, "--duration", "120"]
    if program:
        cmd = [BIN, "trace", "-o", s_trace, "--quiet", "--", program, str(port)]
    serve = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)  # a probe connection: no data, so it pairs with nothing
        shifts = {"a": 40_000_000, "b": -3_000_000}
        loads = {}
        for h, shift in shifts.items():
            env = dict(os.environ, SOCKSCOPE_TEST_ANCHOR_SHIFT_NS=str(shift))
            loads[h] = subprocess.Popen([BIN, "load", f"127.0.0.1:{port}", "-c", "2", "-n", "200", "--quiet",
                                         "--trace", os.path.join(tmp, f"{h}.sstrace")], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for h, p in loads.items():
            _, err = p.communicate(timeout=120)
            if p.returncode != 0:
                raise SystemExit(f"FAIL: load {h}: {err}")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    merged = os.path.join(tmp, "all.sstrace")
    placed = mergecheck.merge_json(BIN, [s_trace] + [os.path.join(tmp, f"{h}.sstrace") for h in shifts], merged)
    runs = placed["runs"]
    conns = mergecheck.connections(mergecheck.export_csv(BIN, merged))
    for k, (h, shift) in enumerate(shifts.items(), start=1):
        mergecheck.check_offset(runs[k], runs[0], shift, f"{model} server, loopback load {h}")
        ps = mergecheck.pairs(conns, 1, k + 1)
        if len(ps) != runs[k]["pairs"] or not ps:
            raise SystemExit(f"FAIL {h}: {len(ps)} pairs in the merged trace, merge reported {runs[k]['pairs']}")
        mergecheck.check_order(ps, runs[k]["uncertainty_ns"], h)
    # merged again with a trace recorded before clock anchors: it keeps its wall-clock start
    old = sorted(glob.glob(os.path.join(SRC, "assets", "traces", "*.sstrace")))[0]
    again = mergecheck.merge_json(BIN, [merged, old], os.path.join(tmp, "again.sstrace"))
    if again["runs"][-1]["placed_by"] != "anchors only" or again["runs"][-1]["anchors"] != 0:
        raise SystemExit(f"FAIL: an anchorless trace was placed as {again['runs'][-1]}")
    print("ok: a merged trace merges again, and an older trace without anchors keeps its wall-clock start")


def main():
    tmp = tempfile.mkdtemp(prefix="sockscope-loadmerge-")
    try:
        command_lines(tmp)
        third_party(tmp)
        loopback_merge(tmp, "poll")
        if len(sys.argv) > 2:
            loopback_merge(tmp, "traced epoll_server", sys.argv[2])
        if available("iocp"):
            loopback_merge(tmp, "iocp")
        else:
            print("note: iocp is not available here: its overlapped sends are not paired in this run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
