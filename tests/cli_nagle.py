#!/usr/bin/env python3
"""The delayed-ACK note and --nodelay (docs/scenarios.md, "Messages larger
than the servers' buffer"):

    cli_nagle.py SOCKSCOPE

- `stats` says why a run's median request took 43 ms when a built-in server
  without TCP_NODELAY echoed messages above its 512-byte buffer, and says
  nothing for the same times with nodelay, with messages that fit, through
  a relay that adds latency, or for an outside program (crafted traces:
  the stall itself is the kernel's timing, which no test may depend on);
- `run --nodelay` records the option in the trace and passes --help.
Whether the accepted sockets really get TCP_NODELAY is test_workload's
(`listener_options_reach_accepted_sockets`)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_traces import HEADER, chunk, event, evts, rune, s, thrd, uv  # noqa: E402

REQUEST, CLIENT = 50, 1
MS = 1000000


def runb(run, params):
    body = uv(run) + s(b'epoll') + s(b'crafted') + s(b'') + uv(0) + uv(1) + uv(len(params))
    for k, v in params:
        body += s(k.encode()) + s(v.encode())
    return chunk(b'RUNB', body)


def run(run_id, params, request_ms):
    reqs = [event(REQUEST, 0 if i == 0 else MS, request_ms * MS) for i in range(9)]
    return runb(run_id, params) + thrd(run_id, 0, CLIENT) + evts(run_id, 0, reqs) + rune(run_id, 20 * request_ms * MS)


BUILTIN = [('clients', '1'), ('messages', '9'), ('cpu_us', '0'), ('buffer', '512')]
CASES = [  # params, request ms, stalled?
    (BUILTIN + [('size', '2048'), ('options', '')], 43, True),
    (BUILTIN + [('size', '600-2000'), ('options', 'edge-triggered ')], 41, True),
    (BUILTIN + [('size', '2048'), ('options', 'nodelay ')], 43, False),
    (BUILTIN + [('size', '512'), ('options', '')], 43, False),
    (BUILTIN + [('size', '2048'), ('options', ''), ('link', 'latency 20 ms, jitter 0 ms, bandwidth 0 bit/s')], 43, False),
    (BUILTIN + [('size', '2048'), ('options', '')], 2, False),
    ([('clients', '1'), ('messages', '9'), ('size', '2048')], 43, False),  # an outside program: no buffer known
]


def main():
    sockscope = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'nagle.sstrace')
        with open(path, 'wb') as f:
            f.write(HEADER + b''.join(run(i + 1, p, ms) for i, (p, ms, _) in enumerate(CASES)))
        text = subprocess.run([sockscope, 'stats', path], capture_output=True, text=True)
        js = subprocess.run([sockscope, 'stats', path, '--json'], capture_output=True, text=True)
        if text.returncode or js.returncode:
            sys.exit(f'FAIL: stats: {text.stderr}{js.stderr}')
        runs = text.stdout.split('\nrun ')
        stalls = [r['nagle_stall'] for r in json.loads(js.stdout)['runs']]
        for i, (params, ms, want) in enumerate(CASES):
            said = 'delayed ACK' in runs[i]
            if said != want or stalls[i] != want:
                failures.append(f'run {i + 1} ({dict(params)}, {ms} ms): note {said}, json {stalls[i]}, want {want}')
        said = 'messages up to 2048 bytes, a 512-byte server buffer and no TCP_NODELAY: the median request took 43.0 ms'
        if said not in runs[0]:
            failures.append(f'run 1 does not say "{said}":\n{runs[0]}')

        trace = os.path.join(tmp, 'run.sstrace')
        r = subprocess.run([sockscope, 'run', '--model', 'epoll', '--clients', '2', '--messages', '5', '--size',
                            '2048', '--nodelay', '--trace', trace, '--quiet'], capture_output=True, text=True)
        st = subprocess.run([sockscope, 'stats', trace, '--json'], capture_output=True, text=True)
        if r.returncode or st.returncode:
            failures.append(f'run --nodelay: {r.returncode} {r.stderr}{st.stderr}')
        else:
            params = json.loads(st.stdout)['runs'][0]['params']
            if 'nodelay' not in params.get('options', '') or params.get('buffer') != '512':
                failures.append(f'run --nodelay recorded {params}')
        helptext = subprocess.run([sockscope, 'run', '--help'], capture_output=True, text=True).stdout
        if '--nodelay' not in helptext:
            failures.append('run --help does not list --nodelay')
    for f in failures:
        print('FAIL:', f)
    print('ok' if not failures else f'{len(failures)} failures')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
