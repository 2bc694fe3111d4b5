"""mergecheck.py — what the multi-host tests check in a merged trace, read
back through its CSV export (not through sockscope's own pairing code):

- pairs(): every client send's first byte, paired by the client's address
  (its getsockname after connect = the server's accept) and byte offsets
  with the server's recv and send of that byte and the client's recv of its
  echo, as times on the merged axis;
- check_order(): each such server recv returns after its client's send
  began, and the server's send of the echo begins before the client's recv
  of it returns, within the uncertainty merge reported for the client's run;
- check_offset(): a deliberately shifted clock anchor is recovered to within
  the reported uncertainty plus what the anchors' own readings may be off by.
"""
import bisect
import csv
import io
import json
import subprocess

RECV_API, SEND_API = 6, 7  # api numbers (docs/trace-format.md): an overlapped operation's aux


class Conn:
    def __init__(self, server, ep, t_open):
        self.server, self.ep, self.t_open = server, ep, t_open
        self.ins, self.outs = [], []  # (offset, bytes, enter_ns, exit_ns) in stream order
        self.in_total = self.out_total = 0

    def add(self, out, n, t0, t1):
        if out:
            self.outs.append((self.out_total, n, t0, t1))
            self.out_total += n
        else:
            self.ins.append((self.in_total, n, t0, t1))
            self.in_total += n


def piece_at(pieces, off):
    i = bisect.bisect_right([p[0] for p in pieces], off) - 1
    return pieces[i] if i >= 0 and pieces[i][0] + pieces[i][1] > off else None


def connections(rows):
    """run -> [Conn], from one run's rows in time order (fds reused after close)"""
    runs, submitted = {}, {}
    for r in sorted(rows, key=lambda r: (int(r["run"]), int(r["enter_ns"]), int(r["exit_ns"]))):
        if r["call_role"] == "emulation":
            continue
        run, api, fd, res = int(r["run"]), r["api"], int(r["socket"]), int(r["result"])
        conns, fds = runs.setdefault(run, ([], {}))
        c = fds.get(fd)
        if api == "accept" and res >= 0 and int(r["id"]):
            fds[res] = Conn(True, int(r["id"]), int(r["exit_ns"]))
            conns.append(fds[res])
        elif api == "connect" and fd >= 0:
            fds[fd] = Conn(False, 0, int(r["exit_ns"]))
            conns.append(fds[fd])
        elif api == "getsockname" and c and not c.server and not c.ep:
            c.ep = int(r["id"])
        elif api == "close":
            fds.pop(fd, None)
        elif api in ("op_submit", "WSASend") and int(r["aux"]) == SEND_API:  # an overlapped send starts here
            submitted[(run, int(r["id"]))] = int(r["enter_ns"])
        elif c and res > 0 and api in ("recv", "send"):
            c.add(api == "send", res, int(r["enter_ns"]), int(r["exit_ns"]))
        elif c and res > 0 and api == "op_complete" and int(r["aux"]) in (RECV_API, SEND_API):
            send = int(r["aux"]) == SEND_API
            t0 = submitted.get((run, int(r["id"])), int(r["enter_ns"])) if send else int(r["enter_ns"])
            c.add(send, res, t0, int(r["exit_ns"]))
    return {run: conns for run, (conns, _) in runs.items()}


def export_csv(binary, trace):
    out = subprocess.run([binary, "export", trace, "--format", "csv"], capture_output=True, text=True, check=True)
    return list(csv.DictReader(io.StringIO(out.stdout)))


def pairs(conns, server_run, client_run):
    """[(c1, s2, s3, c4)] on the merged axis, for the client run's connections to the server run"""
    servers = [c for c in conns.get(server_run, []) if c.server]
    out = []
    for c in conns.get(client_run, []):
        if c.server or not c.ep:
            continue
        same = [s for s in servers if s.ep == c.ep]
        if not same:
            continue
        s = min(same, key=lambda s: abs(s.t_open - c.t_open))
        for off, _n, t0, _t1 in c.outs:
            s2, s3, c4 = piece_at(s.ins, off), piece_at(s.outs, off), piece_at(c.ins, off)
            if s2 and s3 and c4:
                out.append((t0, s2[3], s3[2], c4[3]))
    return out


def check_order(ps, unc, what):
    """every pair in order within unc ns (1 ns more for rounding); returns the worst slack"""
    worst = float("inf")
    for c1, s2, s3, c4 in ps:
        slack = min(s2 - c1, c4 - s3)
        worst = min(worst, slack)
        if slack < -(unc + 1):
            raise SystemExit(f"FAIL {what}: server recv/send at {s2}/{s3} ns not within client send {c1} .. reply {c4} "
                             f"+- {unc:.0f} ns")
    return worst


def merge_json(binary, inputs, out):
    p = subprocess.run([binary, "merge", *inputs, "-o", out, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"FAIL: merge exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def check_offset(placed, ref, shift_ns, what):
    """the correction undoes the shift put into the run's anchors (the reference unshifted)"""
    if placed["placed_by"] != "requests":
        raise SystemExit(f"FAIL {what}: placed by {placed['placed_by']}, not by requests")
    err = abs(placed["correction_ns"] + shift_ns)
    allowed = placed["uncertainty_ns"] + placed["anchor_err_ns"] + ref["anchor_err_ns"] + 2
    print(f"{what}: anchors shifted by {shift_ns / 1e6:+.3f} ms, merge corrected by "
          f"{placed['correction_ns'] / 1e6:+.6f} ms +- {placed['uncertainty_ns'] / 1e3:.1f} us "
          f"({placed['pairs']} pairs, best pair +- {placed['best_half_rtt_ns'] / 1e3:.1f} us): "
          f"off by {err / 1e3:.2f} us, allowed {allowed / 1e3:.2f} us")
    if err > allowed:
        raise SystemExit(f"FAIL {what}: recovered offset off by {err:.0f} ns > {allowed:.0f} ns")
