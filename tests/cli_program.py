#!/usr/bin/env python3
"""`sockscope run --program 'CMD {port}' --name NAME`: an outside echo server
(tests/progs) joins a comparison next to a built-in model, under the same
clients (docs/trace-any-program.md): its own row in the table, its own run in
the trace and `stats --json` (with the I/O model it was seen to use), and its
own panel in the viewer (a headless PNG, and the SVG's panel titles). A
program that dies before it listens, or a command without {port}, gets a
clear message and its exit code. Loopback only, bounded loads.

usage: cli_program.py SOCKSCOPE_BINARY PROGS_DIR"""
import json, os, struct, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

from clitest import check, finish

BIN, PROGS = sys.argv[1], sys.argv[2]


def run(args, timeout=240):
    return subprocess.run([BIN] + args, capture_output=True, text=True, timeout=timeout)


def has_viewer():
    return " view " in run(["--help"]).stdout


def main():
    env_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "cmp.sstrace")
        r = run(["run", "--model", "epoll", "--program", PROGS + "/select_server {port}", "--name", "my-select",
                 "--program", PROGS + "/fork_server {port}", "--clients", "3", "--messages", "20",
                 "--trace", trace, "--quiet"])
        if not check(r.returncode == 0, "run --model epoll --program x2 exits 0 (%d: %s)" % (r.returncode, r.stderr)):
            return 1
        rows = [l.split()[0] for l in r.stdout.splitlines() if l.split()]
        check("my-select" in rows and "fork_server" in rows and "epoll" in rows,
              "the table has a row for each program and the model: %s" % rows)
        runs = json.loads(subprocess.check_output([BIN, "stats", trace, "--json"]))["runs"]
        check([x["model"] for x in runs] == ["epoll", "my-select", "fork_server"],
              "the trace holds the model's run and each program's: %s" % [x["model"] for x in runs])
        sel, frk = runs[1], runs[2]
        check(sel["mechanism"] == "select-based (observed)", "my-select is seen as select-based (%s)" % sel["mechanism"])
        check(frk["mechanism"] == "process per client (observed)",
              "fork_server is seen as process per client (%s)" % frk["mechanism"])
        for x in runs:
            calls = x["server"]["calls_by_api"]
            check(x["requests_ok"] == 60 and x["requests_failed"] == 0,
                  "%s: the same 60 requests verified (%d ok)" % (x["model"], x["requests_ok"]))
            check(calls.get("recv", 0) >= 60 and calls.get("send", 0) >= 60,
                  "%s: its server side is recorded (%s)" % (x["model"], calls))
        check(sel["params"].get("program", "").endswith("select_server {port}") and
              sel["params"].get("recorded_by", "").startswith("interposer"),
              "the program's run says what ran and how it was recorded")
        check(frk["server"]["threads"] >= 4, "a forked child's threads are in the program's run (%d threads)"
              % frk["server"]["threads"])

        if has_viewer():
            env = dict(os.environ, SDL_VIDEODRIVER="dummy")
            env.pop("DISPLAY", None)
            env.pop("WAYLAND_DISPLAY", None)
            png, svg = os.path.join(tmp, "cmp.png"), os.path.join(tmp, "cmp.svg")
            v = subprocess.run([BIN, "view", trace, "--screenshot", png, "--size", "900x700", "--at", "0.5"],
                               capture_output=True, text=True, env=env, timeout=120)
            b = open(png, "rb").read() if os.path.exists(png) else b""
            check(v.returncode == 0 and b[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", b[16:24]) == (900, 700),
                  "a headless PNG of the comparison (%s)" % v.stderr.strip())
            e = subprocess.run([BIN, "export", trace, "--format", "svg", "-o", svg], capture_output=True, text=True,
                               env=env, timeout=120)
            if check(e.returncode == 0, "an SVG of the comparison (%s)" % e.stderr.strip()):
                ns = "{http://www.w3.org/2000/svg}"
                texts = [g.get("aria-label") or "" for g in ET.parse(svg).getroot().iter(ns + "g")]
                for name in ("my-select", "fork_server", "epoll"):
                    check(any(name in t for t in texts), "the viewer draws a panel for %s" % name)
        else:
            print("skip viewer: this sockscope was built without SDL2")

        # bad input: said clearly, exit codes as README documents
        r = run(["run", "--program", PROGS + "/select_server 9000", "--trace", os.path.join(tmp, "x.sstrace")])
        check(r.returncode == 2 and "{port}" in r.stderr, "a command without {port}: exit 2 (%d: %s)"
              % (r.returncode, r.stderr.strip()))
        r = run(["run", "--program", PROGS + "/no_such_server {port}", "--trace", os.path.join(tmp, "x.sstrace")])
        check(r.returncode == 3 and "no such file" in r.stderr, "a missing program: exit 3 (%d: %s)"
              % (r.returncode, r.stderr.strip()))
        r = run(["run", "--name", "x", "--trace", os.path.join(tmp, "x.sstrace")])
        check(r.returncode == 2 and "--name" in r.stderr, "--name without --program: exit 2 (%d: %s)"
              % (r.returncode, r.stderr.strip()))
        # dies before it listens: its exit status and the tail of what it wrote
        dies = os.path.join(tmp, "dies.sh")
        open(dies, "w").write("#!/bin/sh\necho \"cannot open config for port $1\" >&2\nexit 7\n")
        os.chmod(dies, 0o755)
        r = run(["run", "--program", dies + " {port}", "--name", "dies", "--clients", "2", "--messages", "5",
                 "--trace", os.path.join(tmp, "dies.sstrace"), "--quiet"])
        check(r.returncode == 1 and "exited with status 7" in r.stderr and "cannot open config" in r.stderr,
              "a program that dies early: exit 1, its status and last output (%d: %s)" % (r.returncode, r.stderr.strip()))
    return finish()


sys.exit(main())
