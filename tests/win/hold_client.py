#!/usr/bin/env python3
"""Hold one connection to a server open across its stop: echo one line (so the
server has accepted and is serving it), say "held", then wait for the server
to close the connection. Exit 0 when it did (within --timeout seconds)."""
import argparse
import socket
import sys

ap = argparse.ArgumentParser()
ap.add_argument('--port', type=int, required=True)
ap.add_argument('--timeout', type=float, default=60.0)
a = ap.parse_args()
s = socket.create_connection(('127.0.0.1', a.port), timeout=a.timeout)
s.sendall(b'held\n')
got = b''
while len(got) < 5:
    chunk = s.recv(5 - len(got))
    if not chunk:
        sys.exit("closed before the echo")
    got += chunk
print("held", flush=True)
try:
    while s.recv(512):
        pass
except (ConnectionResetError, socket.timeout) as e:
    if isinstance(e, socket.timeout):
        sys.exit("the server did not close the connection on stop")
sys.exit(0)
