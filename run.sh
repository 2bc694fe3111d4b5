#!/usr/bin/env bash
# Sets everything up, builds, and runs sockscope's default comparison.
# Extra arguments go to sockscope (e.g. ./run.sh run --model epoll,io_uring).
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh
cmake --preset release -G Ninja >/dev/null
cmake --build --preset release >/dev/null
exec ./build/release/sockscope "$@"
