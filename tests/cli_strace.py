#!/usr/bin/env python3
"""The recorded calls of a `serve` run agree with what `strace -f -c` counts
for the same process, syscall by syscall, for every available model.

usage: cli_strace.py SOCKSCOPE_BINARY"""
import json, os, re, signal, socket, subprocess, sys, tempfile, time

from clitest import echo_exact, strace_counts

BIN = sys.argv[1]
# recorded API -> the syscall names glibc uses for it on Linux
SYSCALLS = {
    "socket": ["socket"], "bind": ["bind"], "listen": ["listen"], "accept": ["accept", "accept4"],
    "connect": ["connect"], "recv": ["recvfrom", "recv"], "send": ["sendto", "send"],
    "shutdown": ["shutdown"], "setsockopt": ["setsockopt"], "getsockname": ["getsockname"],
    "ioctl": ["ioctl"], "select": ["select", "pselect6"], "poll": ["poll", "ppoll"],
    "epoll_create": ["epoll_create", "epoll_create1"], "epoll_ctl": ["epoll_ctl"],
    "epoll_wait": ["epoll_wait", "epoll_pwait"], "io_uring_enter": ["io_uring_enter"],
    "io_uring_setup": ["io_uring_setup"], "event_create": ["eventfd2", "eventfd"],
}
# close(2) is not compared: strace also counts closes of files and pipes.
# Calls made before the run starts, outside any recording: the availability
# check of a model backed by io_uring opens (and closes) one ring.
def before_run(mechanism):
    return {"io_uring_setup": 1} if "io_uring" in mechanism else {}


def client(port, n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    for i in range(n):
        msg = ("message %d %s\n" % (i, "y" * (i * 37 % 400))).encode()
        echo_exact(s, msg)
        time.sleep(0.002)
    s.close()


def check(model, mechanism, tmp):
    trace, st_out, err = (os.path.join(tmp, model + x) for x in (".sstrace", ".strace", ".err"))
    proc = subprocess.Popen(["strace", "-f", "-c", "-o", st_out, BIN, "serve", "--model", model, "--port", "0",
                             "--trace", trace], stderr=open(err, "w"))
    port = None
    for _ in range(200):
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", open(err).read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.05)
    if not port:
        proc.kill()
        return "did not start: " + open(err).read()
    for _ in range(3):
        client(port, 40)
    # signal the traced sockscope, not strace (which would only detach)
    child = subprocess.check_output(["pgrep", "-P", str(proc.pid)], text=True).split()[0]
    os.kill(int(child), signal.SIGINT)
    if proc.wait(timeout=30) != 0:
        return "serve exited %d: %s" % (proc.returncode, open(err).read())
    stats = json.loads(subprocess.check_output([BIN, "stats", trace, "--json"]))
    # every real call the process made: the model's (a Linux stand-in's
    # Windows calls are modelled, named after Windows, and map to no
    # syscall here), the stand-in's emulation, and sockscope's own threads
    run = stats["runs"][0]
    recorded = {}
    for side in ("server", "emulation"):
        for api, n in run[side]["calls_by_api"].items():
            recorded[api] = recorded.get(api, 0) + n
    for api, n in run.get("control_calls_by_api", {}).items():
        recorded[api] = recorded.get(api, 0) + n
    seen = strace_counts(st_out)
    problems = []
    for api, names in SYSCALLS.items():
        want = sum(seen.get(n, 0) for n in names) - before_run(mechanism).get(api, 0)
        got = recorded.get(api, 0)
        if want != got:
            problems.append("%s: recorded %d, strace %d" % (api, got, want))
    summary = ", ".join("%s=%d" % (a, recorded[a]) for a in sorted(recorded) if a in SYSCALLS)
    return "; ".join(problems) if problems else "ok (" + summary + ")"


def main():
    if subprocess.call(["which", "strace"], stdout=subprocess.DEVNULL) != 0:
        print("strace is required (apt-get install strace)")
        return 1
    models = [(l.split()[0], " ".join(l.split()[3:]))
              for l in subprocess.check_output([BIN, "models"], text=True).splitlines()[1:]
              if len(l.split()) > 2 and l.split()[2] == "yes"]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        only = os.environ.get("SS_STRACE_MODELS")  # e.g. "iocp,epoll": a subset, for debugging
        for model, mechanism in models:
            if only and model not in only.split(","):
                continue
            verdict = check(model, mechanism, tmp)
            print("%-18s %s" % (model, verdict))
            if verdict.startswith("ok"):
                passed += 1
            else:
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


sys.exit(main())
