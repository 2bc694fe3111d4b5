# cli_expect.sh — sourced by the shell CLI tests: counts of passed and
# failed checks, and expect(), which runs a command and wants its exit code
# and a pattern in its output (stdout and stderr together).
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE PATTERN -- command...
expect() {
    local code=$1 pattern=$2
    shift 3
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [[ $rc -ne $code ]] || ! grep -qiE -- "$pattern" <<<"$out"; then
        bad "$* -> exit $rc (want $code /$pattern/), output:"
        echo "$out" | head -5 | sed 's/^/    /'
    else
        ok
    fi
}

# the summary line and the script's exit status
expect_done() {
    echo "$passes passed, $fails failed"
    [[ $fails -eq 0 ]]
}
