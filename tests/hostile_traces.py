#!/usr/bin/env python3
"""Writes the hostile traces of issue 11 (docs/trace-format.md), one per
reproducer, for tests/cli_hostile.sh:

    hostile_traces.py DIR

Each file is small; what it claims (a thread index of 2^31, 100,000 runs,
40,000 barriers over 400,000 buffered events) is what used to hang a
reader or make it allocate gigabytes."""
import os
import struct
import sys
import zlib


def chunk(kind, payload):
    return kind + struct.pack('<II', len(payload), zlib.crc32(payload)) + payload


def uv(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80])
        v >>= 7
    return out + bytes([v])


def sv(v):
    return uv(v << 1 if v >= 0 else ((-v) << 1) - 1)


def s(text):
    return uv(len(text)) + text


HEADER = b'SSTRACE\0\2\0\x10\0\0\0\0\0'


def runb(run):
    return chunk(b'RUNB', uv(run) + s(b'epoll') + s(b'crafted') + s(b'') + uv(0) + uv(1) + uv(0))


def thrd(run, idx, role=0):
    return chunk(b'THRD', uv(run) + uv(idx) + uv(role) + uv(1) + s(b't%d' % idx))


def event(api, dt0, dur):
    """api, no flags, no optional fields, t0 delta, duration"""
    return uv(api) + b'\0\0' + sv(dt0) + uv(dur)


def evts(run, thread, events):
    return chunk(b'EVTS', uv(run) + uv(thread) + uv(len(events)) + b''.join(events))


def sync(run, t):
    return chunk(b'SYNC', uv(run) + uv(t))


def rune(run, duration):
    return chunk(b'RUNE', uv(run) + uv(duration) + uv(0) + uv(0) + uv(0))


RECV, SEND = 6, 7


def traces():
    # the 56 bytes, as the issue wrote them: THRD index 2^31 (version 1)
    yield 'index-2g', (b'SSTRACE\0\1\0\20\0\0\0\0\0' + chunk(b'RUNB', b'\1\0\0\0\0\1\0') +
                       chunk(b'THRD', b'\1\x80\x80\x80\x80\x08\0\1\0'))
    # a thread index of 10^8 in a few dozen bytes
    yield 'index-1e8', HEADER + runb(1) + thrd(1, 10**8) + evts(1, 10**8, [event(RECV, 5, 3)]) + rune(1, 100)
    # the highest index a reader takes: one thread, one entry in memory
    top = (1 << 20) - 1
    yield 'index-top', HEADER + runb(1) + thrd(1, top) + evts(1, top, [event(RECV, 5, 3)]) + rune(1, 100)
    # 100,000 run begins in 2.6 MB
    yield 'runs-100k', HEADER + b''.join(runb(i + 1) for i in range(100000))
    # 1,024 empty runs: read whole, each costing what it holds
    yield 'runs-1024', HEADER + b''.join(runb(i + 1) + rune(i + 1, 1) for i in range(1024))
    # 400,000 events whose exit times lie beyond 40,000 barriers: a merge
    # that re-sorts its buffer at every barrier never ends
    out = [HEADER, runb(1), thrd(1, 0)]
    for k in range(400):
        out.append(evts(1, 0, [event(RECV, 10**12 + k * 1000 if j == 0 else 1, 1) for j in range(1000)]))
    out += [sync(1, 10**8 + i) for i in range(40000)]
    out.append(rune(1, 2 * 10**12))
    yield 'sync-40k', b''.join(out)
    # 150,000 threads with one event each (the viewer: a lane each)
    out = [HEADER, runb(1)]
    for i in range(150000):
        out.append(thrd(1, i) + evts(1, i, [event(SEND, 1000 + i, 10)]))
    out.append(rune(1, 10**6))
    yield 'threads-150k', b''.join(out)
    # a run without its end record: readable, incomplete
    yield 'no-end', HEADER + runb(1) + thrd(1, 0) + evts(1, 0, [event(RECV, 1000, 10), event(SEND, 100, 10)])
    # clock anchors (CLKA): one naming a run that is not open, one whose run time is past 2^62 ns
    body = thrd(1, 0) + evts(1, 0, [event(RECV, 1000, 10)])
    yield 'anchor-run', HEADER + runb(1) + chunk(b'CLKA', uv(2) + uv(0) + uv(10**18) + uv(10)) + body + rune(1, 10**4)
    yield 'anchor-time', HEADER + runb(1) + body + chunk(b'CLKA', uv(1) + uv(1 << 63) + uv(10**18) + uv(10)) + rune(1, 1)
    # the first chunk is empty (an unknown type): the reader must not do null + 0
    yield 'empty-chunk', HEADER + chunk(b'XTRA', b'') + runb(1) + rune(1, 1)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in traces():
        with open(os.path.join(out, name + '.sstrace'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
