#!/usr/bin/env python3
"""Where the bytes of a Chrome JSON export go, per recorded event.

  bench/chrome_size.py FILE.json RECORDED_EVENTS

RECORDED_EVENTS is what `sockscope export` reports writing ("wrote N events").
Prints the file's bytes by kind of JSON event (phase and category), then the
same file re-serialised the way sockscope writes it (one event a line,
no spaces) with parts taken away, to show what each part costs: the args,
the categories, the operations' in-flight spans (b/e). The last lines are
bounds, not proposals: a file without any args cannot say what a call moved.
"""
import collections
import json
import sys


def line_bytes(e):
    return len(json.dumps(e, separators=(",", ":"), ensure_ascii=False).encode()) + 2  # ",\n"


def without(e, keys):
    return {k: v for k, v in e.items() if k not in keys}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, recorded = sys.argv[1], int(sys.argv[2])
    raw = open(path, "rb").read()
    events = json.loads(raw)["traceEvents"]
    kinds = collections.defaultdict(lambda: [0, 0])
    for e in events:
        k = kinds[(e.get("ph"), e.get("cat", "-"))]
        k[0] += 1
        k[1] += line_bytes(e)
    print(f"{path}: {len(raw)} bytes, {len(events)} JSON events, {recorded} recorded events")
    print(f"  {len(raw) / recorded:.1f} bytes a recorded event, {len(raw) / len(events):.1f} a JSON event\n")
    print("  ph  cat          JSON events        bytes   each   per recorded event")
    for (ph, cat), (n, b) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
        print(f"  {ph:3} {cat:12} {n:11} {b:12} {b / n:6.0f} {b / recorded:8.1f}")
    print()
    variants = [
        ("as written", lambda e: e),
        ("without in-flight spans (b/e)", lambda e: None if e["ph"] in "be" else e),
        ("without any args", lambda e: without(e, {"args"})),
        ("without any args or cat", lambda e: without(e, {"args", "cat"})),
    ]
    for what, f in variants:
        total = sum(line_bytes(x) for x in map(f, events) if x is not None)
        print(f"  {what:32} {total / recorded:6.1f} bytes a recorded event")


if __name__ == "__main__":
    main()
