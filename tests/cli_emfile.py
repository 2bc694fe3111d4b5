#!/usr/bin/env python3
"""Out of descriptors, every model backs off. Each available model serves
under `prlimit --nofile=64` while 200 clients connect and stay connected:
the server must keep echoing for the clients it took, say once (stderr and
a trace note) that it refuses and why, and not spin: its CPU time over the
hold, and the accept calls it records, stay small (the non-blocking model
spins by design, and the iterative server holds one client at a time, so
it never runs out).

usage: cli_emfile.py SOCKSCOPE_BINARY"""
import json, os, re, signal, socket, subprocess, sys, tempfile, time

BIN = sys.argv[1]
NOFILE = 64
CLIENTS = 200
HOLD_S = 2.0


def cpu_seconds(pid):
    """user + system time of a process and its threads, from /proc"""
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def start(model, trace, err):
    proc = subprocess.Popen(["prlimit", "--nofile=%d" % NOFILE, BIN, "serve", "--model", model, "--port", "0",
                             "--trace", trace], stderr=open(err, "w"))
    for _ in range(200):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", open(err).read())
        if m:
            return proc, int(m.group(1))
        time.sleep(0.05)
    proc.kill()
    return proc, None


def echo_ok(s):
    try:
        s.settimeout(3)
        s.sendall(b"ping\n")
        return s.recv(16) == b"ping\n"
    except OSError:
        return False


def check(model, tmp):
    trace, err = os.path.join(tmp, model + ".sstrace"), os.path.join(tmp, model + ".err")
    proc, port = start(model, trace, err)
    if not port:
        return "did not start: " + open(err).read()
    socks = []
    for _ in range(CLIENTS):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            pass  # the backlog is full: refused, as it should be
    time.sleep(0.5)  # the server takes what it can and runs out
    served = sum(echo_ok(s) for s in socks[:5])
    c0 = cpu_seconds(proc.pid)
    time.sleep(HOLD_S)
    cpu = cpu_seconds(proc.pid) - c0
    proc.send_signal(signal.SIGINT)  # with the clients still connected: the trace holds the hold, not the churn after
    rc = proc.wait(timeout=30)
    for s in socks:
        s.close()
    if rc != 0:
        return "serve exited %d: %s" % (rc, open(err).read()[-300:])
    stats = json.loads(subprocess.check_output([BIN, "stats", trace, "--json"]))
    run = stats["runs"][0]
    accepts = sum(run[side]["calls_by_api"].get("accept", 0) for side in ("server", "emulation"))
    said = open(err).read().count("refuses new work")
    noted = "refusing" in subprocess.check_output([BIN, "stats", trace], text=True)
    print("%-18s served %d/5 of the first clients, CPU %.2f s over %.1f s held, %d accept calls, trace %d KB, "
          "refusal said %d time(s)" % (model, served, cpu, HOLD_S, accepts, os.path.getsize(trace) // 1024, said))
    problems = []
    iterative = model == "blocking-iterative"  # one client at a time: the first one, held, is all it serves
    if served < (1 if iterative else 5):
        problems.append("stopped serving the clients it took")
    if not iterative and (said != 1 or not noted):
        problems.append("the refusal was said %d times on stderr, %s in the trace" % (said, "noted" if noted else "not noted"))
    if model != "nonblocking":  # the non-blocking server spins on every socket by design (table 11-2)
        if accepts > 400:  # a server retrying on EMFILE records thousands a second
            problems.append("%d accept calls: it retries without backing off" % accepts)
        if cpu > 0.5 * HOLD_S:
            problems.append("%.2f s of CPU in %.1f s while idle: it spins" % (cpu, HOLD_S))
    return "; ".join(problems) if problems else "ok"


def main():
    if subprocess.call(["which", "prlimit"], stdout=subprocess.DEVNULL) != 0:
        print("prlimit (util-linux) is required")
        return 1
    models = [l.split()[0] for l in subprocess.check_output([BIN, "models"], text=True).splitlines()[1:]
              if len(l.split()) > 2 and l.split()[2] == "yes"]
    only = os.environ.get("SS_EMFILE_MODELS")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            if only and model not in only.split(","):
                continue
            verdict = check(model, tmp)
            if verdict != "ok":
                print("FAIL %s: %s" % (model, verdict))
                failed += 1
    return 1 if failed else 0


sys.exit(main())
