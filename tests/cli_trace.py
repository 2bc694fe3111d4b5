#!/usr/bin/env python3
"""`sockscope trace -- PROGRAM`: outside servers (tests/progs), recorded through
the interposer (docs/trace-any-program.md).

 - select_server, written the way the textbook's SelectTCPServer is: its
   recorded calls agree with `strace -f -c` family by family (within 2 %);
 - fork_server: each forked child is a run of its own, with its parent;
 - thread_server: threads carry the names the program gave them;
 - a server killed with SIGKILL mid-run leaves a loadable trace with every
   call up to the kill (what the clients did, byte for byte);
 - a static binary is refused with a clear message, raw system calls are
   said to record nothing, bad command lines get their exit codes.

Every load loop is bounded in count and time; loopback only.

usage: cli_trace.py SOCKSCOPE_BINARY PROGS_DIR"""
import json, os, re, signal, socket, subprocess, sys, tempfile, threading, time

from clitest import check, echo_exact, finish, free_port, strace_counts

BIN, PROGS = sys.argv[1], sys.argv[2]
TIMEOUT = 60  # seconds any one traced program may take


def wait_listening(port, proc):
    for _ in range(250):  # 5 s
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def echo_client(port, messages, tag, out):
    """messages echoes of varied sizes; out[tag] = bytes sent and verified"""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    done = 0
    for i in range(messages):
        msg = (b"%d:%d:" % (tag, i)) + b"x" * ((i * 37 + tag) % 400)
        echo_exact(s, msg)
        done += len(msg)
    s.close()
    out[tag] = done


def clients(port, n, messages):
    out = {}
    ts = [threading.Thread(target=echo_client, args=(port, messages, k, out)) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(TIMEOUT)
    return out


def trace(tmp, name, argv, conns_clients=None, messages=30):
    """runs `sockscope trace -o T -- argv` with the server's port last-but-one
    argument filled; drives it with clients; returns (rc, stderr, trace)"""
    out, err = os.path.join(tmp, name + ".sstrace"), os.path.join(tmp, name + ".err")
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    proc = subprocess.Popen([BIN, "trace", "-o", out, "--"] + argv, stderr=open(err, "w"))
    if conns_clients:
        if not wait_listening(port, proc):
            proc.kill()
            return -1, open(err).read(), out
        # the readiness probe above was one connection: servers were told n + 1
        clients(port, conns_clients, messages)
    try:
        rc = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = -9
    return rc, open(err).read(), out


def stats(path):
    return json.loads(subprocess.check_output([BIN, "stats", path, "--json"]))


# recorded family -> the system calls glibc makes for it (close is left out,
# as in cli_strace.py: strace also counts closes of files)
FAMILIES = {
    "socket": ["socket"], "bind": ["bind"], "listen": ["listen"], "accept": ["accept", "accept4"],
    "setsockopt": ["setsockopt"], "getsockname": ["getsockname"],
    "connect": ["connect"], "recv": ["recvfrom", "recv", "recvmsg"], "send": ["sendto", "send", "sendmsg"],
    "shutdown": ["shutdown"], "fcntl": ["fcntl"], "select": ["select", "pselect6"], "poll": ["poll", "ppoll"],
    "epoll_wait": ["epoll_wait", "epoll_pwait"], "epoll_ctl": ["epoll_ctl"],
}


def test_strace(tmp):
    if subprocess.call(["which", "strace"], stdout=subprocess.DEVNULL) != 0:
        print("skip strace comparison: strace is not installed (apt-get install strace)")
        return
    st = os.path.join(tmp, "select.strace")
    # strace runs inside the traced tree, so it counts the server alone; it
    # makes no socket call itself, so the trace holds the server's run only
    rc, err, out = trace(tmp, "select", ["strace", "-f", "-c", "-o", st, PROGS + "/select_server", "{port}", "5"],
                         conns_clients=4, messages=200)
    if not check(rc == 0, "select_server under trace + strace exits 0 (%s)" % err.strip()):
        return
    run = [r for r in stats(out)["runs"] if r["model"].startswith("select_server")][0]
    check(run["mechanism"] == "select-based (observed)", "select_server is seen as select-based (%s)" % run["mechanism"])
    rec, seen = run["server"]["calls_by_api"], strace_counts(st)
    for fam, names in FAMILIES.items():
        want, got = sum(seen.get(n, 0) for n in names), rec.get(fam, 0)
        check(abs(got - want) <= 0.02 * want, "%s: recorded %d, strace -f -c %d" % (fam, got, want))
    check(rec.get("recv", 0) > 800 and rec.get("select", 0) > 400, "the load was really recorded (%s)" % rec)


def test_fork(tmp):
    rc, err, out = trace(tmp, "fork", [PROGS + "/fork_server", "{port}", "4"], conns_clients=3)
    if not check(rc == 0, "fork_server traced (%s)" % err.strip()):
        return
    runs = stats(out)["runs"]
    check(len(runs) == 5, "fork_server: the parent and its 4 children (probe + 3 clients) are 5 runs, got %d" % len(runs))
    parent = runs[0]
    check(parent["mechanism"] == "process per client (observed)",
          "the parent is seen as process per client (%s)" % parent["mechanism"])
    kids = [r for r in runs[1:] if r["server"]["calls_by_api"].get("send", 0) == 30]
    check(len(kids) == 3, "3 children each echoed 30 messages (%s)" % [r["server"]["calls_by_api"] for r in runs[1:]])
    ppid = parent["params"]["pid"]
    check(all(r["params"]["parent_pid"] == ppid and r["params"].get("parent_run") == "1" for r in runs[1:]),
          "every child names its parent (pid %s, run 1)" % ppid)
    check(all(r["params"]["pid"] != ppid and r["model"].startswith("fork_server[") for r in runs[1:]),
          "every child is its own process: %s" % [r["model"] for r in runs[1:]])


def thread_names(path, tmp):
    js = os.path.join(tmp, "names.json")
    subprocess.check_call([BIN, "export", path, "--format", "chrome", "-o", js], stderr=subprocess.DEVNULL)
    d = json.load(open(js))
    ev = d["traceEvents"] if isinstance(d, dict) else d
    return sorted(e["args"]["name"].split(" [")[0] for e in ev
                  if e.get("ph") == "M" and e.get("name") == "thread_name" and not e["args"]["name"].startswith("kernel"))


def test_threads(tmp):
    rc, err, out = trace(tmp, "threads", [PROGS + "/thread_server", "{port}", "7"], conns_clients=6)
    if not check(rc == 0, "thread_server traced (%s)" % err.strip()):
        return
    run = stats(out)["runs"][0]
    check(run["mechanism"] == "thread per client (observed)", "seen as thread per client (%s)" % run["mechanism"])
    # connection 0 was the readiness probe; names by the thread itself
    # (even: prctl) and by its creator (odd: pthread_setname_np)
    want = sorted(["acceptor"] + ["client-%d" % i if i % 2 == 0 else "worker-%d" % i for i in range(7)])
    got = thread_names(out, tmp)
    check(got == want, "threads named as the program names them: %s" % got)


def test_waits(tmp):
    """"really waited" as for the built-in models: the lazy rule, checked
    against getrusage around every blocking call (--verify-waits); as root,
    the program reads sockscope's BPF switch counter"""
    out, err = os.path.join(tmp, "waits.sstrace"), os.path.join(tmp, "waits.err")
    port = free_port()
    proc = subprocess.Popen([BIN, "trace", "--verify-waits", "-o", out, "--", PROGS + "/thread_server", str(port), "5"],
                            stderr=open(err, "w"))
    if not check(wait_listening(port, proc), "thread_server listens"):
        proc.kill()
        return

    def thinker(k):  # half the clients think 5 ms between messages: the server's recv sleeps
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        for i in range(20):
            msg = b"w" * (10 + i)
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                got += s.recv(len(msg) - len(got))
            if k % 2:
                time.sleep(0.005)
        s.close()
    ts = [threading.Thread(target=thinker, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(TIMEOUT)
    if not check(proc.wait(timeout=TIMEOUT) == 0, "traced with --verify-waits"):
        return
    text = subprocess.check_output([BIN, "stats", out], text=True)
    m = re.search(r"wait_rule_check = (\d+) of (\d+) blocking calls disagreed \((\d+) really waited\)", text)
    check(m and m.group(1) == "0" and int(m.group(2)) >= 160 and int(m.group(3)) >= 40,
          "the lazy rule agrees with getrusage on every blocking call, and the thinking clients' recv slept: %s"
          % (m.group(0) if m else text))
    if os.geteuid() == 0 and not os.environ.get("SOCKSCOPE_NO_BPF"):
        check("wait_counter = bpf sched_switch (in the traced program)" in text,
              "as root the program reads the BPF switch counter: %s" % re.findall(r"wait_counter = .*", text))


def test_sigkill(tmp):
    out, err = os.path.join(tmp, "killed.sstrace"), os.path.join(tmp, "killed.err")
    port = free_port()
    proc = subprocess.Popen([BIN, "trace", "-o", out, "--", PROGS + "/select_server", str(port)],
                            stderr=open(err, "w"))
    if not check(wait_listening(port, proc), "select_server listens"):
        proc.kill()
        return
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    sent = 0
    for i in range(137):  # mid-run: the connection stays open
        msg = b"k" * (1 + i * 13 % 500)
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            got += s.recv(len(msg) - len(got))
        sent += len(msg)
    server = int(subprocess.check_output(["pgrep", "-P", str(proc.pid)]).split()[0])
    os.kill(server, signal.SIGKILL)
    rc = proc.wait(timeout=TIMEOUT)
    s.close()
    msg = open(err).read()
    check(rc == 1 and "SIGKILL" in msg, "sockscope says the program was killed, exits 1 (%d: %s)" % (rc, msg.strip()))
    r = subprocess.run([BIN, "stats", out], capture_output=True, text=True)
    check(r.returncode == 0, "the trace of a killed program loads (%s)" % r.stderr.strip())
    run = stats(out)["runs"][0]
    calls, srv = run["server"]["calls_by_api"], run["server"]
    check(calls.get("accept") == 2 and calls.get("recv") == 138 and calls.get("send") == 137,
          "every call up to the kill: 2 accepts (probe + client), 138 recv (probe's EOF + 137), 137 send (%s)" % calls)
    check(srv["bytes_in"] == sent and srv["bytes_out"] == sent,
          "bytes in and out are the client's %d (%d, %d)" % (sent, srv["bytes_in"], srv["bytes_out"]))


def test_static(tmp):
    exe = os.path.join(tmp, "select_static")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "progs", "select_server.c")
    if subprocess.call(["cc", "-static", "-O2", "-o", exe, src], stderr=subprocess.DEVNULL) != 0:
        print("skip static binary: this toolchain cannot link -static (no libc.a: apt-get install libc6-dev)")
        return
    out = os.path.join(tmp, "static.sstrace")
    r = subprocess.run([BIN, "trace", "-o", out, "--", exe, "0"], capture_output=True, text=True, timeout=TIMEOUT)
    check(r.returncode == 3 and "statically linked" in r.stderr, "a static binary: exit 3, says why (%d: %s)"
          % (r.returncode, r.stderr.strip()))
    check(not os.path.exists(out), "... and writes no trace")


def test_raw(tmp):
    out = os.path.join(tmp, "raw.sstrace")
    r = subprocess.run([BIN, "trace", "-o", out, "--", PROGS + "/raw_server", "0"], capture_output=True, text=True,
                       timeout=TIMEOUT)
    check(r.returncode == 1 and "no socket calls recorded" in r.stderr and "raw system calls" in r.stderr,
          "raw system calls: exit 1, 'no socket calls recorded' (%d: %s)" % (r.returncode, r.stderr.strip()))
    check(not os.path.exists(out), "... and never an empty trace")


def test_full_ring(tmp):
    """rings of 16 events: the program waits for the drain (trace_wait), as the
    built-in recorder does, and loses nothing"""
    out, err = os.path.join(tmp, "ring.sstrace"), os.path.join(tmp, "ring.err")
    port = free_port()
    proc = subprocess.Popen([BIN, "trace", "--ring-events", "16", "-o", out, "--", PROGS + "/select_server", str(port),
                             "3"], stderr=open(err, "w"))
    if not check(wait_listening(port, proc), "select_server with 16-event rings listens"):
        proc.kill()
        return
    clients(port, 2, 200)
    rc = proc.wait(timeout=TIMEOUT)
    if not check(rc == 0, "traced with 16-event rings (%s)" % open(err).read().strip()):
        return
    srv = stats(out)["runs"][0]["server"]
    calls = srv["calls_by_api"]
    check(srv["dropped"] == 0 and calls.get("recv") == 403 and calls.get("send") == 400,
          "every call arrived through a tiny ring: %d dropped, %s" % (srv["dropped"], calls))
    check(srv["trace_waits"] > 0, "the program's thread waited for the drain: %d trace_wait" % srv["trace_waits"])


def test_script(tmp):
    # through a #! script that execs the server: the exec'd image is recorded
    sh = os.path.join(tmp, "wrapper.sh")
    open(sh, "w").write("#!/bin/sh\nexec %s/select_server \"$@\"\n" % PROGS)
    os.chmod(sh, 0o755)
    rc, err, out = trace(tmp, "script", [sh, "{port}", "3"], conns_clients=2, messages=10)
    if check(rc == 0, "a #! script that execs the server (%s)" % err.strip()):
        run = stats(out)["runs"][0]
        check(run["server"]["calls_by_api"].get("send") == 20, "its exec'd server is recorded (%s)"
              % run["server"]["calls_by_api"])


def test_behaviour(tmp):
    """the same return values and errno, traced or not (tests/progs/behave.c)"""
    plain = subprocess.run([PROGS + "/behave"], capture_output=True, text=True, timeout=TIMEOUT)
    out = os.path.join(tmp, "behave.sstrace")
    traced = subprocess.run([BIN, "trace", "-q", "-o", out, "--", PROGS + "/behave"], capture_output=True, text=True,
                            timeout=TIMEOUT)
    strip = lambda s: [re.sub(r": -?\d+ ", ": N ", l) for l in s.splitlines()]  # fds and counts may differ
    check(plain.returncode == 0 and traced.returncode == 0 and strip(plain.stdout) == strip(traced.stdout),
          "behave: every check holds, traced as untraced (%d/%d)\n%s" % (plain.returncode, traced.returncode,
                                                                        traced.stdout))
    runs = stats(out)["runs"]
    check(len(runs) == 2 and runs[1]["params"]["parent_pid"] == runs[0]["params"]["pid"],
          "behave and its forked child are two runs")


def test_self(tmp):
    """sockscope's own epoll run, traced from outside: the interposer sees the
    calls its built-in probes record, call for call (the probes also record
    the close of the epoll descriptor, which the interposer leaves out: it
    records closes of sockets)"""
    outer, inner = os.path.join(tmp, "outer.sstrace"), os.path.join(tmp, "inner.sstrace")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0")
    r = subprocess.run([BIN, "trace", "-q", "-o", outer, "--", BIN, "run", "--model", "epoll", "--clients", "4",
                        "--messages", "200", "--trace", inner, "--quiet"], capture_output=True, text=True, env=env,
                       timeout=TIMEOUT)
    if not check(r.returncode == 0, "sockscope run, traced by sockscope trace (%s)" % r.stderr.strip()[-300:]):
        return
    out = stats(outer)["runs"][0]
    check(out["mechanism"] == "epoll-based (observed)", "seen from outside as epoll-based (%s)" % out["mechanism"])
    run = stats(inner)["runs"][0]
    inside = {}
    for side in ("server", "clients"):
        for api, n in run[side]["calls_by_api"].items():
            inside[api] = inside.get(api, 0) + n
    for api, n in run.get("control_calls_by_api", {}).items():
        inside[api] = inside.get(api, 0) + n
    outside = out["server"]["calls_by_api"]
    inside.pop("request", None)
    inside["close"] -= inside.get("epoll_create", 0)
    check(inside == outside, "outside %s\n     inside  %s" % (sorted(outside.items()), sorted(inside.items())))


def test_errors(tmp):
    notexec = os.path.join(tmp, "notexec")
    open(notexec, "w").write("x")
    for argv, code, words in (([], 2, "needs a PROGRAM"), (["--", "no-such-program-x"], 3, "no such program"),
                              (["--", "./no/such"], 3, "no such file"), (["--", tmp], 3, "directory"),
                              (["--", notexec], 3, "not an executable")):
        r = subprocess.run([BIN, "trace"] + argv, capture_output=True, text=True, timeout=TIMEOUT)
        check(r.returncode == code and words in r.stderr, "trace %s: exit %d, '%s' (%d: %s)"
              % (" ".join(argv) or "(nothing)", code, words, r.returncode, r.stderr.strip()))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_errors, test_static, test_raw, test_behaviour, test_strace, test_fork, test_threads, test_waits, test_sigkill, test_full_ring,
                  test_script, test_self):
            t(tmp)
    return finish()


sys.exit(main())
