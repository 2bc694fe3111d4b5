#!/bin/sh
# The Chrome JSON export of one trace by two sockscope builds, side by side:
# bytes per recorded event (plain and gzip) and what Chrome DevTools' trace
# engine (tests/js/devtools_load.mjs) takes to load each: time, heap after
# the load, peak RSS. Loads alternate, so the ratios share the machine's
# noise. A benchmark, not a test (docs/benchmarks.md, Chrome export).
#   bench/chrome_export.sh OLD_SOCKSCOPE NEW_SOCKSCOPE TRACE [ROUNDS]
set -eu
old=$1 new=$2 trace=$3 rounds=${4:-2}
js=$(cd "$(dirname "$0")/../tests/js" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$js/package.json" "$js/package-lock.json" "$js/devtools_load.mjs" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
"$old" export "$trace" --format chrome -o "$work/old.json" 2> /dev/null
"$new" export "$trace" --format chrome -o "$work/new.json" 2> "$work/wrote"
"$new" export "$trace" --format chrome -o "$work/new.json.gz" 2> /dev/null
events=$(sed -n 's/^sockscope: wrote \([0-9]*\) events.*/\1/p' "$work/wrote") # recorded events
gzip -c "$work/old.json" > "$work/old.json.gz" # level 6, as the new export writes it
size() { wc -c < "$1" | tr -d ' '; }
echo "trace: $trace, $events recorded events"
for f in old.json old.json.gz new.json new.json.gz; do
    awk -v f="$f" -v b="$(size "$work/$f")" -v n="$events" \
        'BEGIN { printf "  %-12s %12d bytes  %7.1f bytes/event\n", f, b, b / n }'
done
echo "DevTools trace engine load (time ms, heap MiB after, peak RSS MiB); old then new, $rounds rounds:"
for i in $(seq "$rounds"); do
    for f in old.json new.json new.json.gz; do
        node --max-old-space-size=8192 "$work/devtools_load.mjs" "$work/$f" > "$work/$f.load" 2> /dev/null || true
    done
    node -e '
      const fs = require("fs"), r = {};
      for (const f of ["old.json", "new.json", "new.json.gz"]) {
        r[f] = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}.load`, "utf8"));
        const x = r[f];
        console.log(`  ${f.padEnd(12)} ${String(x.load_ms).padStart(7)} ms ${String(x.heap_mib).padStart(6)} MiB heap ` +
                    `${String(x.max_rss_mib).padStart(6)} MiB rss  flows ${x.flows}`);
      }
      const q = (k, f) => (r[f][k] / r["old.json"][k]).toFixed(2);
      console.log(`  new/old: time ${q("load_ms", "new.json")} (gzip ${q("load_ms", "new.json.gz")}), ` +
                  `heap ${q("heap_mib", "new.json")}, rss ${q("max_rss_mib", "new.json")}`);' "$work"
done
