#!/usr/bin/env bash
# The install (issue 13): `cmake --install` into a temporary prefix, then
# the .deb CPack builds, unpacked with dpkg -x. Each puts the program, its
# assets (fonts with licences, presets, lecture traces), the docs and the
# man page in the GNUInstallDirs places; the man page describes every
# command and option the program's --help lists. Then the install is moved
# and run with the source and build trees out of reach (a mount namespace
# with an empty tmpfs over them): a preset by name, stats, and the pictures,
# whose fonts come only from beside the program.
#   tests/cli_install.sh CMAKE CPACK BUILD_DIR SOURCE_DIR
set -u
cmake=$1 cpack=$2 build=$(realpath "$3") src=$(realpath "$4")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! unshare -rm true 2>/dev/null; then
    echo "SKIP: no mount namespace (unshare -rm) to put the source tree out of reach"
    exit 77
fi

# check_tree PREFIX LABEL: what must be there
check_tree() {
    local p=$1 what=$2 f
    for f in bin/sockscope share/man/man1/sockscope.1 share/doc/sockscope/README.md \
        share/doc/sockscope/docs/trace-format.md share/sockscope/assets/fonts/DejaVuSans.ttf \
        share/sockscope/assets/fonts/NanumSquareR.ttf share/sockscope/assets/fonts/LICENSE-DejaVu.txt \
        share/sockscope/assets/fonts/LICENSE-NanumSquare.txt; do
        [[ -s "$p/$f" ]] && ok || bad "$what: $f missing"
    done
    for d in scenarios traces; do
        diff <(ls "$src/assets/$d") <(ls "$p/share/sockscope/assets/$d") >/dev/null && ok ||
            bad "$what: assets/$d differs from the source tree's"
    done
}

# check_man PREFIX: renders without a warning; every command and option of --help is in it
check_man() {
    local p=$1 man=$tmp/man.txt c o cmds
    local warn
    warn=$(groff -man -Tutf8 -ww -z "$p/share/man/man1/sockscope.1" 2>&1)
    [[ -z $warn ]] && ok || bad "man page: groff warns: $warn"
    MANWIDTH=200 man -l "$p/share/man/man1/sockscope.1" 2>/dev/null | col -b >"$man"
    cmds=$("$p/bin/sockscope" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} /^$/ {on = 0}')
    [[ $(wc -w <<<"$cmds") -ge 6 ]] && ok || bad "could not read the commands from --help: $cmds"
    for c in $cmds; do
        grep -qE "^ *$c( |$)" "$man" && ok || bad "man page: no section for '$c'"
        for o in $("$p/bin/sockscope" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
            grep -q -- "$o" "$man" && ok || bad "man page: '$c $o' (in its --help) is not described"
        done
    done
}

# run_hidden PREFIX LABEL: the moved install, run with the source tree hidden
run_hidden() {
    local p=$1 what=$2
    cat >"$tmp/inner.sh" <<EOF
set -u
mount -t tmpfs none "$src" || exit 90
[[ -d /usr/share/sockscope ]] && mount -t tmpfs none /usr/share/sockscope
[[ ! -e "$src/assets/fonts" ]] || exit 91
mkdir -p "$tmp/work" && cd "$tmp/work" || exit 92
exec env -i PATH=/usr/bin:/bin HOME="$tmp" TMPDIR="$tmp" bash "$tmp/steps.sh" "$p"
EOF
    cat >"$tmp/steps.sh" <<'EOF'
p=$1
bin=$p/bin/sockscope
fail() { echo "$*"; exit 1; }
"$bin" --version | grep -q '^sockscope ' || fail "--version"
# a preset by name: assets/scenarios, found beside the program
"$bin" run --scenario select-64-limit --scale 0.1 --trace p.sstrace --quiet >run.out 2>&1 || fail "run --scenario select-64-limit: $(tail -3 run.out)"
grep -q "\[holds\] select-refuses" run.out || fail "the preset's claims were not checked: $(tail -5 run.out)"
"$bin" stats p.sstrace | grep -q "^run 2: epoll" || fail "stats"
"$bin" stats "$p/share/sockscope/assets/traces/closing-comparison.sstrace" >/dev/null || fail "stats on a lecture trace"
# trace (Linux): the installed interposer, found relative to the program; /bin/true makes
# no socket call, so it says so, loaded (not "never loaded", nor "cannot find the interposer")
if [[ $(uname) == Linux ]]; then
    "$bin" trace -o t.sstrace -- /bin/true >t.out 2>&1
    rc=$?
    [[ $rc -eq 1 ]] && grep -q "with the interposer loaded" t.out || fail "trace -- /bin/true: exit $rc: $(cat t.out)"
fi
if "$bin" --help | grep -q '^  view '; then
    "$bin" export p.sstrace --format png -o p.png || fail "export png"
    [[ $(head -c 4 p.png | tail -c 3) == PNG ]] || fail "p.png is not a PNG"
    "$bin" export p.sstrace --format svg -o p.svg && grep -q '<svg' p.svg || fail "export svg"
    # and with the installed assets gone, the fonts are nowhere: the source tree really was out of reach
    mv "$p/share/sockscope" "$p/share/sockscope.off"
    "$bin" export p.sstrace --format png -o q.png >q.err 2>&1 && fail "png drawn without any assets?"
    grep -q "font" q.err || fail "no fonts: the message does not say so: $(cat q.err)"
    mv "$p/share/sockscope.off" "$p/share/sockscope"
fi
echo done
EOF
    local out
    out=$(unshare -rm bash "$tmp/inner.sh" 2>&1)
    [[ $(tail -1 <<<"$out") == done ]] && ok || bad "$what, moved, source hidden: $(tail -5 <<<"$out")"
}

# 1. cmake --install into a prefix, then move it
"$cmake" --install "$build" --prefix "$tmp/stage/prefix" >"$tmp/install.log" 2>&1 ||
    bad "cmake --install: $(tail -3 "$tmp/install.log")"
check_tree "$tmp/stage/prefix" "cmake --install"
check_man "$tmp/stage/prefix"
mkdir -p "$tmp/moved"
mv "$tmp/stage/prefix" "$tmp/moved/somewhere-else"
run_hidden "$tmp/moved/somewhere-else" "cmake --install"

# 2. the .deb, unpacked
if "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1; then
    deb=$(ls "$tmp"/pkg/*.deb)
    dpkg-deb -f "$deb" Depends | grep -q "zlib1g" && ok || bad "the .deb declares no Depends: $(dpkg-deb -f "$deb" Depends)"
    dpkg -x "$deb" "$tmp/deb"
    check_tree "$tmp/deb/usr" ".deb"
    run_hidden "$tmp/deb/usr" ".deb"
else
    bad "cpack -G DEB: $(tail -5 "$tmp/cpack.log")"
fi

echo "$passes passed, $fails failed"
[[ $fails -eq 0 && $passes -gt 0 ]]
