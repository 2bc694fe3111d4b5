#!/usr/bin/env python3
"""Three hosts made of network namespaces this test creates (and always
removes): a server namespace and two client namespaces, each on a veth pair
to a bridge in a fourth ("switch") namespace; the second client's link is
limited to 20 Mbit/s both ways by tbf. `serve` records the server, `load`
records each client host, and `merge` puts the three traces on one axis.

Namespaces share the machine's clock, so a host whose clock is off is
played by shifting what a trace records as its real-time anchor
(SOCKSCOPE_TEST_ANCHOR_SHIFT_NS): +250 ms on one client, -120 ms on the
other. The merge must recover both shifts from the requests, and on the
merged axis every server recv must fall between its client's send and the
reply, within the uncertainty merge reports (tests/mergecheck.py reads the
merged trace back through its CSV export to check that).

Needs root and `ip netns`; exits 77 (skipped) only when either is missing.
usage: cli_multihost.py SOCKSCOPE_BINARY"""
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mergecheck  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
TAG = f"ssmh{os.getpid() % 100000}"
NS = {h: f"{TAG}-{h}" for h in ("sw", "srv", "c1", "c2")}
ADDR = {"srv": "10.77.0.1", "c1": "10.77.0.2", "c2": "10.77.0.3"}
SHIFT = {"c1": 250_000_000, "c2": -120_000_000}
procs = []


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def sh(*args):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    for ns in NS.values():  # deleting a namespace removes its veth ends and the bridge
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def on_signal(sig, _frame):
    cleanup()
    sys.exit(128 + sig)


def build_hosts():
    for ns in NS.values():
        sh("ip", "netns", "add", ns)
    sh("ip", "-n", NS["sw"], "link", "add", "br0", "type", "bridge", "forward_delay", "0")
    sh("ip", "-n", NS["sw"], "link", "set", "br0", "up")
    for h, addr in ADDR.items():
        sh("ip", "link", "add", f"v-{h}", "netns", NS["sw"], "type", "veth", "peer", "name", "eth0", "netns", NS[h])
        sh("ip", "-n", NS["sw"], "link", "set", f"v-{h}", "master", "br0", "up")
        sh("ip", "-n", NS[h], "addr", "add", f"{addr}/24", "dev", "eth0")
        sh("ip", "-n", NS[h], "link", "set", "eth0", "up")
        sh("ip", "-n", NS[h], "link", "set", "lo", "up")
    # bandwidth on the second client's link, both ways: its egress and the switch's towards it
    for ns, dev in ((NS["c2"], "eth0"), (NS["sw"], "v-c2")):
        sh("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", "20mbit", "burst",
           "32kb", "latency", "50ms")
    print("hosts: " + ", ".join(f"{h} {a}" for h, a in ADDR.items()) + "; c2's link tbf 20mbit")


def start_server(tmp):
    err = open(os.path.join(tmp, "serve.err"), "w+")
    p = subprocess.Popen(["ip", "netns", "exec", NS["srv"], BIN, "serve", "--model", "epoll", "--bind", ADDR["srv"],
                          "--port", "9000", "--trace", os.path.join(tmp, "srv.sstrace"), "--duration", "120"],
                         stderr=err)
    procs.append(p)
    for _ in range(300):
        err.seek(0)
        if "listening on" in err.read():
            return p
        if p.poll() is not None:
            break
        time.sleep(0.05)
    err.seek(0)
    raise SystemExit(f"FAIL: the server did not start: {err.read()}")


def start_load(h, tmp, extra):
    env = dict(os.environ, SOCKSCOPE_TEST_ANCHOR_SHIFT_NS=str(SHIFT[h]))
    p = subprocess.Popen(["ip", "netns", "exec", NS[h], BIN, "load", f"{ADDR['srv']}:9000", "--quiet", "--trace",
                          os.path.join(tmp, f"{h}.sstrace"), *extra], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    procs.append(p)
    return p


def main():
    if os.geteuid() != 0:
        skip("creating network namespaces needs root")
    if not shutil.which("ip") or subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        skip("'ip netns' is not available (scripts/deps.sh installs iproute2)")
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    tmp = tempfile.mkdtemp(prefix="sockscope-multihost-")
    build_hosts()
    server = start_server(tmp)
    loads = {"c1": start_load("c1", tmp, ["-c", "4", "-n", "300"]),
             "c2": start_load("c2", tmp, ["-c", "3", "-n", "150", "--size", "64-512", "--seed", "7",
                                          "--slow-clients", "1", "--slow-chunk", "128", "--slow-delay-ms", "1"])}
    for h, p in loads.items():
        out, _ = p.communicate(timeout=240)
        print(f"--- load on {h}:\n{out.strip()}")
        if p.returncode != 0:
            raise SystemExit(f"FAIL: load on {h} exited {p.returncode}")
    server.send_signal(signal.SIGTERM)
    if server.wait(timeout=60) != 0:
        raise SystemExit(f"FAIL: serve exited {server.returncode}")

    traces = [os.path.join(tmp, f"{h}.sstrace") for h in ("srv", "c1", "c2")]
    merged = os.path.join(tmp, "all.sstrace")
    placed = mergecheck.merge_json(BIN, traces, merged)
    runs = placed["runs"]
    if [r["model"] for r in runs] != ["epoll", "load", "load"] or runs[0]["placed_by"] != "reference":
        raise SystemExit(f"FAIL: unexpected runs: {runs}")
    for k, h in ((1, "c1"), (2, "c2")):
        mergecheck.check_offset(runs[k], runs[0], SHIFT[h], f"client host {h}")

    rows = mergecheck.export_csv(BIN, merged)
    conns = mergecheck.connections(rows)
    for k, h in ((1, "c1"), (2, "c2")):
        ps = mergecheck.pairs(conns, 1, k + 1)
        if len(ps) != runs[k]["pairs"] or not ps:
            raise SystemExit(f"FAIL {h}: {len(ps)} pairs in the merged trace, merge reported {runs[k]['pairs']}")
        worst = mergecheck.check_order(ps, runs[k]["uncertainty_ns"], h)
        print(f"{h}: all {len(ps)} server recvs between their client's send and reply "
              f"(tightest slack {worst / 1e3:.1f} us, uncertainty {runs[k]['uncertainty_ns'] / 1e3:.1f} us)")

    # the merged trace is a trace like any other: stats, the Chrome export
    st = subprocess.run([BIN, "stats", merged], capture_output=True, text=True)
    if st.returncode != 0 or st.stdout.count("host=") != 3:
        raise SystemExit(f"FAIL: stats of the merged trace: {st.returncode} {st.stderr}")
    ch = subprocess.run([BIN, "export", merged, "--format", "chrome", "-o", os.path.join(tmp, "all.json")],
                        capture_output=True, text=True)
    if ch.returncode != 0:
        raise SystemExit(f"FAIL: chrome export of the merged trace: {ch.stderr}")
    shutil.rmtree(tmp)
    print("PASS")


if __name__ == "__main__":
    main()
