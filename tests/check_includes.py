#!/usr/bin/env python3
"""check_includes.py — every #include "..." of the tree points down the data path.

The layers and what each may include are docs/architecture.md's table; this
is the same table, checked. A folder always includes its own files. Fails
(exit 1) on:
  - an include from one folder into another that the table does not allow
    (a dependency that runs the wrong way, or sideways between layers);
  - an internal header (NAME_int.h) included from outside its folder, save
    by the folders named for it in FRIENDS;
  - a header of sim/trace that models may not see (only the vocabulary, the
    clock and the thread API: the recorder's session is the run layer's);
  - an include of a file that does not exist.

usage: tests/check_includes.py [SOURCE_DIR]   (default: the tree this file is in)
"""
import os
import re
import sys

# folder -> the folders it may include (besides itself); bottom layer first
LAYERS = {
    "sim/compat_win": [],
    "sim/base": [],
    "sim/trace": ["sim/base"],
    "sim/probe": ["sim/trace", "sim/base"],
    "models": ["sim/probe", "sim/trace", "sim/base"],
    "sim/report": ["sim/trace", "sim/base"],
    "sim/merge": ["sim/report", "sim/trace", "sim/base"],
    "sim/load": ["sim/probe", "sim/trace", "sim/base"],
    "sim/interpose": ["sim/probe", "sim/trace", "sim/base"],
    "sim/run": ["models", "sim/interpose", "sim/load", "sim/report", "sim/probe", "sim/trace", "sim/base"],
    "render": ["sim/run", "models", "sim/load", "sim/report", "sim/trace", "sim/base"],
    "cli": ["render", "sim/merge", "sim/run", "models", "sim/interpose", "sim/load", "sim/report", "sim/probe",
            "sim/trace", "sim/base"],
    "bench": ["render", "sim/run", "models", "sim/interpose", "sim/load", "sim/report", "sim/probe", "sim/trace",
              "sim/base"],
    "tests": ["cli", "render", "sim/merge", "sim/run", "models", "sim/interpose", "sim/load", "sim/report",
              "sim/probe", "sim/trace", "sim/base"],
}

# internal header -> folders besides its own that may include it
FRIENDS = {
    "sim/trace/recorder_int.h": ["sim/probe", "tests"],
    "sim/probe/probe_int.h": ["tests", "bench",  # bench.c times a probe alone
                              "sim/interpose"],  # the interposer keeps the same lazy wait rule
}

# folder -> {layer it includes: the only headers of that layer it may include}
ONLY = {
    "models": {"sim/trace": ["event.h", "clock.h", "thread.h"]},
}

SKIP_DIRS = {".git", "build", "node_modules"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    """The folder of LAYERS a repository path belongs to (the longest match)."""
    best = None
    for folder in LAYERS:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def sources(root):
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(("build", ".")))
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(top, name), root).replace(os.sep, "/")


def resolve(root, src, inc):
    """Project includes name a path from the top ("sim/trace/event.h"); a
    bare or relative name is next to the including file ("testutil.h")."""
    if "/" in inc and not inc.startswith("."):
        return os.path.normpath(inc).replace(os.sep, "/")
    return os.path.normpath(os.path.join(os.path.dirname(src), inc)).replace(os.sep, "/")


def check(root):
    problems, edges = [], 0
    for src in sources(root):
        own = layer_of(src)
        with open(os.path.join(root, src), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        for no, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            target = resolve(root, src, inc)
            where = "%s:%d: #include \"%s\"" % (src, no, inc)
            if not os.path.isfile(os.path.join(root, target)):
                problems.append("%s: no such file (%s)" % (where, target))
                continue
            theirs = layer_of(target)
            if own is None or theirs is None:
                problems.append("%s: %s is in no layer of the table: add its folder to LAYERS in %s"
                                % (where, src if own is None else target, os.path.basename(__file__)))
                continue
            edges += 1
            name = os.path.basename(target)
            if own != theirs and theirs not in LAYERS[own]:
                problems.append("%s: %s may not include %s (it may include: %s)"
                                % (where, own, theirs, ", ".join(LAYERS[own]) or "nothing outside itself"))
            elif name.endswith("_int.h") and own != theirs and own not in FRIENDS.get(target, []):
                problems.append("%s: %s is internal to %s" % (where, target, theirs))
            elif theirs in ONLY.get(own, {}) and name not in ONLY[own][theirs]:
                problems.append("%s: %s may include only %s of %s" % (where, own, ", ".join(ONLY[own][theirs]), theirs))
    return problems, edges


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems, edges = check(os.path.abspath(root))
    for p in problems:
        print(p)
    if problems:
        print("%d include(s) against the layering (docs/architecture.md, 'What each folder may include')"
              % len(problems))
        return 1
    print("%d project includes, every one down the layers or within a folder" % edges)
    return 0


if __name__ == "__main__":
    sys.exit(main())
