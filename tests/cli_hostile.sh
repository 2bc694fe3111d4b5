#!/usr/bin/env bash
# Issue 11's hostile inputs through the real binary: each reproducer must end
# (CTest's timeout is the bound, never a clock here), within a bounded peak
# memory, with the documented exit code and a message that names the file
# and what is wrong. Also the messages and leftovers: a directory, an empty
# file, a full disk, a refused run, a killed export.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0 passes=0
python3 "$here/hostile_traces.py" "$tmp" || { echo "FAIL: writing the hostile traces"; exit 1; }

# run CMD...: sets $rc (exit code; 128+N for signal N), $out (stdout and
# stderr), $rss (the command's peak resident memory, KiB)
run() {
    local res
    res=$(python3 - "$@" <<'PY'
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.buffer.write(p.stdout)
rc = p.returncode if p.returncode >= 0 else 128 - p.returncode
print("\n@@ %d %d" % (rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
)
    out=${res%$'\n@@ '*}
    read -r rc rss <<<"${res##*$'\n@@ '}"
}

ok() { passes=$((passes + 1)); }
bad() {
    echo "FAIL: $1"
    echo "$out" | head -5 | sed 's/^/    /'
    fails=$((fails + 1))
}

# expect CODE PATTERN MAX_RSS_MIB -- command...
expect() {
    local code=$1 pattern=$2 max=$3
    shift 4
    run "$@"
    if [[ $rc -ne $code ]] || ! grep -qiE -- "$pattern" <<<"$out"; then
        bad "$* -> exit $rc (want $code, and /$pattern/)"
    elif ((rss > max * 1024)); then
        bad "$* -> peak memory $((rss / 1024)) MiB (at most $max MiB)"
    else
        ok
    fi
}

t=$tmp
readers=("stats" "stats --json" "export --format csv -o $t/o.csv" "export --format chrome -o $t/o.json")

# 1. a thread index of 2^31 (56 bytes) used to loop forever, 10^8 to take
#    gigabytes: refused, damaged from there, in a few MiB
for f in index-2g index-1e8; do
    for r in "${readers[@]}"; do
        # shellcheck disable=SC2086
        expect 3 "$f.sstrace' is damaged .*thread index [0-9]+, above the limit" 64 -- "$bin" $r "$t/$f.sstrace"
    done
done
# the highest index a reader takes costs one entry, not an array that long
for r in "${readers[@]}"; do
    # shellcheck disable=SC2086
    expect 0 "" 64 -- "$bin" $r "$t/index-top.sstrace"
done
grep -q '^1,"epoll",1048575,server,"t1048575",recv,' "$t/o.csv" && ok || { out=$(head -3 "$t/o.csv"); bad "the CSV names thread 1048575"; }
grep -q '"tid":1048576' "$t/o.json" && ok || { out=$(head -c 300 "$t/o.json"); bad "the Chrome export's tid of thread 1048575"; }

# 2. 100,000 run begins (2.6 MB; stats took 4.5 GB): the first 1,024 are read
expect 3 "runs-100k.sstrace' is damaged .*more than 1024 runs" 128 -- "$bin" stats "$t/runs-100k.sstrace"
expect 0 "" 128 -- "$bin" stats --json "$t/runs-1024.sstrace"
[[ $(grep -c '"run":' <<<"$out") -eq 1024 ]] && ok || bad "stats --json lists 1024 runs"

# 3. 40,000 barriers after 400,000 events: the merge ends (it re-sorted
#    everything at each barrier), and delivers every event in exit order
expect 0 "wrote 400000 events" 512 -- "$bin" export "$t/sync-40k.sstrace" --format csv -o "$t/sync.csv"
awk -F, 'NR > 1 { if ($8 < last) { print "out of order at row " NR; exit 1 } last = $8 }' "$t/sync.csv" && ok ||
    { out=""; bad "the merged CSV is in exit-time order"; }

# clock anchors: one naming a run that is not open, one past 2^62 ns, end the read there
expect 3 "anchor-run.sstrace' is damaged .*run 2" 64 -- "$bin" stats "$t/anchor-run.sstrace"
expect 3 "anchor-time.sstrace' is damaged .*clock anchor" 64 -- "$bin" stats "$t/anchor-time.sstrace"

# merge: a damaged input is merged up to where it is readable, and says so (exit 3, as export);
# hostile inputs cost what they hold
expect 3 "anchor-time.sstrace' is damaged" 64 -- "$bin" merge "$t/anchor-time.sstrace" -o "$t/m1.sstrace"
expect 3 "index-1e8.sstrace' is damaged" 64 -- "$bin" merge "$t/index-1e8.sstrace" "$t/no-end.sstrace" -o "$t/m2.sstrace"
expect 0 "wrote 150000 events of 1 run" 512 -- "$bin" merge "$t/threads-150k.sstrace" -o "$t/m3.sstrace"
expect 0 "wrote 400000 events of 1 run" 512 -- "$bin" merge "$t/sync-40k.sstrace" -o "$t/m4.sstrace"
expect 0 "" 512 -- "$bin" stats "$t/m4.sstrace"

# an empty first chunk reads as nothing (UBSan: no null pointer + 0)
expect 0 "" 64 -- "$bin" stats "$t/empty-chunk.sstrace"

# 9. a run without its end record is readable but incomplete: every reader
#    says so on stderr and agrees on the exit code (0)
for r in "${readers[@]}"; do
    # shellcheck disable=SC2086
    expect 0 "no-end.sstrace': 1 run\(s\) have no end record" 64 -- "$bin" $r "$t/no-end.sstrace"
done

# 9. a directory and an empty file are called what they are
mkdir "$t/dir.sstrace"
: >"$t/empty.sstrace"
expect 3 "'$t/dir.sstrace' is a directory" 64 -- "$bin" stats "$t/dir.sstrace"
expect 3 "'$t/empty.sstrace' is empty" 64 -- "$bin" stats "$t/empty.sstrace"
expect 3 "'$t/empty.sstrace' is empty" 64 -- "$bin" export "$t/empty.sstrace" --format csv -o "$t/e.csv"
compgen -G "$t/e.csv*" >/dev/null && bad "a failed export left a file" || ok

# 9. a full disk: the trace is not said to be written
expect 1 "writing the trace failed" 256 -- "$bin" serve --model select --port 0 --duration 0.3 --trace /dev/full
grep -q "trace written" <<<"$out" && bad "serve on a full disk says the trace was written" || ok

# 9. a run the system refuses (too few descriptors) prints no table and
#    leaves no trace
(
    ulimit -n 256
    run "$bin" run --model epoll --clients 1000 --messages 1 --trace "$t/refused.sstrace"
    [[ $rc -eq 4 ]] && grep -q "open descriptors" <<<"$out" && ! grep -q "req/s" <<<"$out"
) && ok || bad "run --clients 1000 under ulimit -n 256: exit 4, no table"
[[ -e "$t/refused.sstrace" ]] && bad "a refused run left its trace" || ok

# 9. an export killed mid-way leaves no partial file: the input is a FIFO
#    nobody writes, so the export waits with its output created
mkfifo "$t/fifo.sstrace"
"$bin" export "$t/fifo.sstrace" --format csv -o "$t/killed.csv" 2>/dev/null &
pid=$!
for _ in $(seq 100); do compgen -G "$t/killed.csv.partial*" >/dev/null && break; sleep 0.1; done
if compgen -G "$t/killed.csv.partial*" >/dev/null; then
    kill -INT "$pid"
    wait "$pid"
    krc=$?
    [[ $krc -eq 130 ]] && ok || { out=""; bad "a SIGINT export exits as SIGINT does (130), got $krc"; }
    compgen -G "$t/killed.csv*" >/dev/null && { out=$(ls "$t"); bad "a killed export left a file"; } || ok
else
    out=$(ls "$t")
    bad "the export never created its partial file"
    kill "$pid" 2>/dev/null
fi

echo "$passes passed, $fails failed"
[[ $fails -eq 0 ]]
