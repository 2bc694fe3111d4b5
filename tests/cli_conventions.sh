#!/usr/bin/env bash
# Command-line conventions (issue 13): every write error, standard output
# included, exits 1 with a message; '-' is standard input for every trace
# reader (pipes too) and standard output for every format; -o writes through
# FIFOs, devices and symlinks; errors list every valid choice; one exit code
# per kind of failure; --version on every command.
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d)
export TMPDIR=$tmp/tmpdir # where a copy of standard input would be left
mkdir "$TMPDIR"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/cli_expect.sh"
# full CODE PATTERN -- command...: stdout to /dev/full (ENOSPC on every write)
full() {
    local code=$1 pattern=$2
    shift 3
    local err rc
    err=$("$@" 2>&1 >/dev/full)
    rc=$?
    if [[ $rc -ne $code ]] || ! grep -qiE -- "$pattern" <<<"$err"; then
        bad "$* >/dev/full -> exit $rc (want $code /$pattern/): $(head -3 <<<"$err")"
    else
        ok
    fi
}
viewer=0
"$bin" --help | grep -q '^  view ' && viewer=1

t="$tmp/t.sstrace"
"$bin" run --model epoll,select --clients 3 --messages 40 --trace "$t" --quiet >/dev/null 2>&1 || bad "run"

# --- write errors on standard output: exit 1 and say so ---------------------------
W="writing standard output failed|write"
full 1 "$W" -- "$bin" stats "$t"
full 1 "$W" -- "$bin" stats --json "$t"
full 1 "$W" -- "$bin" models
full 1 "$W" -- "$bin" explain epoll
full 1 "$W" -- "$bin" --help
full 1 "$W" -- "$bin" stats --version
full 1 "$W" -- "$bin" export "$t" --format csv
full 1 "$W" -- "$bin" export "$t" --format chrome -o -
full 1 "$W" -- "$bin" run --model epoll --clients 2 --messages 10 --trace "$tmp/full.sstrace" --quiet
full 1 "$W" -- "$bin" run --model epoll --clients 2 --messages 10 --trace "$tmp/full.sstrace" --quiet --json
if ((viewer)); then
    full 1 "$W" -- "$bin" export "$t" --format png -o -
    full 1 "$W" -- "$bin" export "$t" --format svg -o -
    full 1 "$W" -- "$bin" view "$t" --screenshot -
fi
# ... and onto a device given as -o
expect 1 "cannot write|failed" -- "$bin" export "$t" --format csv -o /dev/full
[[ -c /dev/full ]] && ok || bad "/dev/full is no longer a device"

# --- '-' is standard input, for a redirect and for a pipe -------------------------
"$bin" stats "$t" >"$tmp/stats.file"
"$bin" stats - <"$t" >"$tmp/stats.redirect" && cmp -s "$tmp/stats.file" "$tmp/stats.redirect" && ok ||
    bad "stats - < FILE differs from stats FILE"
cat "$t" | "$bin" stats - >"$tmp/stats.pipe" && cmp -s "$tmp/stats.file" "$tmp/stats.pipe" && ok ||
    bad "cat FILE | stats - differs from stats FILE"
cat "$t" | "$bin" stats --json - | python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"]; assert len(r)==2 and r[0]["requests_ok"]==120, r' &&
    ok || bad "stats --json - from a pipe"
"$bin" export "$t" --format csv -o "$tmp/file.csv" 2>/dev/null
for f in csv chrome; do
    cat "$t" | "$bin" export - --format $f >"$tmp/pipe.$f" || bad "cat | export - --format $f: exit $?"
done
cmp -s "$tmp/file.csv" "$tmp/pipe.csv" && ok || bad "export - (pipe) differs from export FILE"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/pipe.chrome" && ok || bad "export - --format chrome: not JSON"
# a FIFO named as the trace: read once, front to back
mkfifo "$tmp/in.fifo"
(cat "$t" >"$tmp/in.fifo" &)
timeout 20 "$bin" stats "$tmp/in.fifo" >"$tmp/stats.fifo" && cmp -s "$tmp/stats.file" "$tmp/stats.fifo" && ok ||
    bad "stats on a FIFO"
expect 3 "standard input.*empty" -- "$bin" stats - </dev/null
printf 'not a trace at all' | { out=$("$bin" stats - 2>&1); rc=$?; [[ $rc -eq 3 && $out == *"standard input"*"not a sockscope trace"* ]]; } &&
    ok || bad "junk on a pipe: not exit 3 naming standard input"
cat "$t" | "$bin" stats - | head -1 >/dev/null # ended by SIGPIPE: still no copy left
[[ -z $(ls "$TMPDIR") ]] && ok || bad "a copy of standard input was left in \$TMPDIR: $(ls "$TMPDIR")"

# --- '-' is standard output for every format ------------------------------------------
"$bin" export "$t" --format csv -o - >"$tmp/dash.csv" && cmp -s "$tmp/file.csv" "$tmp/dash.csv" && ok || bad "csv -o -"
[[ ! -e ./- && ! -e "$tmp/-" ]] && ok || bad "a file named '-' was written"
if ((viewer)); then
    (cd "$tmp" && "$bin" export "$t" --format png -o - >"$tmp/dash.png") && [[ $(head -c 4 "$tmp/dash.png" | tail -c 3) == PNG ]] &&
        ok || bad "png -o - is not a PNG on standard output"
    (cd "$tmp" && "$bin" export "$t" --format svg -o - >"$tmp/dash.svg") && grep -q '<svg' "$tmp/dash.svg" && ok ||
        bad "svg -o -"
    (cd "$tmp" && cat "$t" | "$bin" view - --screenshot - >"$tmp/shot.png") &&
        [[ $(head -c 4 "$tmp/shot.png" | tail -c 3) == PNG ]] && ok || bad "view - --screenshot - from a pipe"
    [[ ! -e "$tmp/-" ]] && ok || bad "a picture named '-' was written"
fi

# --- -o onto a FIFO, a device, a symlink: written through -----------------------------
mkfifo "$tmp/out.fifo"
(cat "$tmp/out.fifo" >"$tmp/from.fifo" &)
timeout 20 "$bin" export "$t" --format csv -o "$tmp/out.fifo" 2>/dev/null && [[ -p "$tmp/out.fifo" ]] && ok ||
    bad "-o FIFO: failed, or the FIFO was replaced"
sleep 0.2
cmp -s "$tmp/file.csv" "$tmp/from.fifo" && ok || bad "-o FIFO: the reader got something else"
expect 0 "" -- "$bin" export "$t" --format chrome -o /dev/null
[[ -c /dev/null ]] && ok || bad "/dev/null was replaced"
mkdir "$tmp/real"
ln -s real/target.csv "$tmp/link.csv"
for round in 1 2; do # a dangling link (its file made through it), then a link to a regular file
    "$bin" export "$t" --format csv -o "$tmp/link.csv" 2>/dev/null || bad "-o symlink (round $round)"
    [[ -L "$tmp/link.csv" ]] && cmp -s "$tmp/file.csv" "$tmp/real/target.csv" && ok ||
        bad "-o symlink (round $round): the link was replaced or its file not written"
done
if ((viewer)); then
    ln -s real/pic.png "$tmp/pic.png"
    "$bin" export "$t" --format png -o "$tmp/pic.png" 2>/dev/null && "$bin" export "$t" --format png -o "$tmp/pic.png" 2>/dev/null &&
        [[ -L "$tmp/pic.png" && -s "$tmp/real/pic.png" ]] && ok || bad "png -o symlink"
fi
compgen -G "$tmp/*partial*" >/dev/null && bad "partial files left: $(ls "$tmp" | grep partial)" || ok
compgen -G "$tmp/real/*partial*" >/dev/null && bad "partial files left in real/" || ok

# --- errors list every valid choice ---------------------------------------------------
formats="chrome.*csv"
((viewer)) && formats="chrome.*csv.*png.*svg"
expect 2 "unknown export format 'xml'; valid formats: $formats" -- "$bin" export "$t" --format xml
expect 2 "valid formats: $formats" -- "$bin" export "$t"
expect 2 "valid models: .*epoll.*iocp" -- "$bin" run --model nope
expect 2 "--lang must be ko or en" -- "$bin" explain epoll --lang fr

# --- one exit code per kind of failure (README): 1 output, 2 usage, 3 input -------------
expect 1 "cannot write '$tmp/no/dir/x.csv'" -- "$bin" export "$t" --format csv -o "$tmp/no/dir/x.csv"
expect 1 "cannot write '$tmp/no/dir/x.json'" -- "$bin" export "$t" --format chrome -o "$tmp/no/dir/x.json"
if ((viewer)); then
    expect 1 "cannot write '$tmp/no/dir/x.png'" -- "$bin" export "$t" --format png -o "$tmp/no/dir/x.png"
    expect 1 "cannot write '$tmp/no/dir/x.svg'" -- "$bin" export "$t" --format svg -o "$tmp/no/dir/x.svg"
fi
expect 1 "cannot create trace file" -- "$bin" run --model epoll --clients 1 --messages 1 --trace "$tmp/no/dir/x.sstrace"
expect 2 "--trace needs a file name" -- "$bin" run --model epoll --trace -
expect 3 "cannot open trace" -- "$bin" export "$tmp/missing.sstrace" --format csv -o "$tmp/m.csv"
expect 2 "unknown command" -- "$bin" nosuch

# --- --version everywhere -------------------------------------------------------------------
cmds="models serve run stats export explain"
((viewer)) && cmds="$cmds view"
for c in "" $cmds; do
    expect 0 "^sockscope [0-9]+\.[0-9]+\.[0-9]+$" -- "$bin" $c --version
done
expect 0 "^sockscope [0-9]" -- "$bin" stats "$t" --version

expect_done
