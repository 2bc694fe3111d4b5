"""Helpers the Python command-line tests share: a check that records its
failures, an exact echo round trip, `strace -c` summaries read back, and a
free loopback port."""
import re
import socket

failures = []


def check(cond, what):
    """prints ok/FAIL for `what`; a failure is kept for finish()"""
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def finish():
    """the exit code: 1 when any check failed"""
    print("%d failed" % len(failures))
    return 1 if failures else 0


def echo_exact(sock, msg):
    """sends msg and reads back exactly as many bytes; they must be msg"""
    sock.sendall(msg)
    got = b""
    while len(got) < len(msg):
        chunk = sock.recv(len(msg) - len(got))
        if not chunk:
            raise SystemExit("server closed early")
        got += chunk
    assert got == msg, "echo differs"


def strace_counts(path):
    """system call -> count, from the table `strace -c -o path` writes"""
    counts = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and re.match(r"^[0-9.]+$", f[0]) and f[-1] != "total":
            counts[f[-1]] = int(f[3])
    return counts


def free_port():
    """a loopback port nobody listens on now"""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
