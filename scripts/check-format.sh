#!/usr/bin/env bash
# Checks that the C lines a change touches are formatted as .clang-format
# says (the code as it is written: 4-space indents, 120 columns, ...). Only
# the touched lines, and a moved file's moved lines do not count: the rest
# of the tree keeps its hand-laid tables.
#   scripts/check-format.sh [BASE]
# BASE defaults to where this branch left main (git merge-base HEAD main),
# or, on main itself, the commit before (HEAD~); uncommitted changes count
# too. To format what it shows:
#   git diff -M -U0 BASE -- '*.c' '*.h' | clang-format-diff -p1 -i
set -euo pipefail
cd "$(dirname "$0")/.."
cfd=$(command -v clang-format-diff || command -v clang-format-diff-14 || true)
if [ -z "$cfd" ] || ! command -v clang-format >/dev/null; then
    echo "check-format: clang-format is missing (scripts/deps.sh installs it)" >&2
    exit 2
fi
if ! git rev-parse --verify -q HEAD >/dev/null; then
    echo "check-format: not a git checkout with a commit: nothing to compare, nothing checked" >&2
    exit 0
fi
base=${1:-}
if [ -z "$base" ]; then
    base=$(git merge-base HEAD main 2>/dev/null || true)
    if [ -z "$base" ] || [ "$base" = "$(git rev-parse HEAD)" ]; then
        base=$(git rev-parse -q --verify HEAD~ || git rev-parse HEAD)
    fi
fi
short=$(git rev-parse --short "$base")
out=$(git diff -M -U0 --no-color "$base" -- '*.c' '*.h' | "$cfd" -p1)
# new files not added yet: every line of them is new
while IFS= read -r f; do
    [ -n "$f" ] && out+=$(clang-format "$f" | diff -u --label "$f" --label "$f (formatted)" "$f" - || true)
done < <(git ls-files --others --exclude-standard -- '*.c' '*.h')
if [ -n "$out" ]; then
    echo "$out"
    echo "check-format: the lines above, changed since $short, are not formatted as .clang-format says;" \
         "git diff -M -U0 $short -- '*.c' '*.h' | $(basename "$cfd") -p1 -i formats them" >&2
    exit 1
fi
echo "check-format: every C line changed since $short is formatted as .clang-format says"
