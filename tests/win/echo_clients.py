#!/usr/bin/env python3
"""Native Linux clients for a sockscope server running elsewhere (under Wine):
the textbook's test client, many at once. Each client connects, sends a
message, reads back exactly as many bytes, checks every byte, repeats.
Bounded: every socket operation times out (--timeout), counts are fixed.

usage: echo_clients.py --port P [--host 127.0.0.1] [--clients N] [--messages M] [--size S]
Exit 0 when every echo came back byte-exact."""
import argparse
import socket
import sys
import threading


def pattern(client, msg, size):
    body = bytes((ord('a') + (client * 7 + msg * 3 + i) % 26) for i in range(size - 1))
    return body + b'\n'


def run_client(args, cid, results):
    ok = 0
    try:
        with socket.create_connection((args.host, args.port), timeout=args.timeout) as s:
            s.settimeout(args.timeout)
            for m in range(args.messages):
                out = pattern(cid, m, args.size)
                s.sendall(out)
                got = bytearray()
                while len(got) < len(out):
                    chunk = s.recv(len(out) - len(got))
                    if not chunk:
                        raise ConnectionError(f"server closed after {len(got)} of {len(out)} bytes")
                    got += chunk
                if bytes(got) != out:
                    raise ValueError(f"message {m}: echoed bytes differ")
                ok += 1
        results[cid] = (ok, None)
    except Exception as e:  # noqa: BLE001 - reported per client
        results[cid] = (ok, f"client {cid}: {e}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--clients', type=int, default=20)
    ap.add_argument('--messages', type=int, default=50)
    ap.add_argument('--size', type=int, default=512)
    ap.add_argument('--timeout', type=float, default=20.0)
    args = ap.parse_args()
    results = [None] * args.clients
    threads = [threading.Thread(target=run_client, args=(args, c, results)) for c in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(r[0] for r in results)
    errors = [r[1] for r in results if r[1]]
    expected = args.clients * args.messages
    print(f"{total} of {expected} echoes byte-exact from {args.clients} native clients")
    for e in errors[:5]:
        print("  " + e)
    return 0 if total == expected and not errors else 1


if __name__ == '__main__':
    sys.exit(main())
