#!/usr/bin/env bash
# The Windows package (issue 13): CPack's .zip of the Windows build holds
# sockscope.exe (static: no DLLs), its assets (fonts with licences, presets,
# lecture traces), the docs and the man page; unpacked elsewhere, the .exe
# runs under Wine: its version, stats on a shipped lecture trace, the same
# trace read from standard input ('-', a pipe), and a CSV export to
# standard output that matches the native build's.
#   zip_package.sh EMULATOR CPACK BUILD_DIR [NATIVE_SOCKSCOPE]
set -u
emu=$1 cpack=$2 build=$3 native=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # name, then a command that must succeed
    local name=$1; shift
    if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fails=$((fails + 1)); fi
}
"$cpack" -G ZIP --config "$build/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 ||
    { echo "FAIL: cpack -G ZIP"; tail -5 "$tmp/cpack.log"; exit 1; }
zip=$(ls "$tmp"/pkg/*.zip)
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$tmp/unzipped"
top=$(ls "$tmp/unzipped")
p=$tmp/unzipped/$top
for f in bin/sockscope.exe share/sockscope/assets/fonts/DejaVuSans.ttf share/sockscope/assets/fonts/LICENSE-DejaVu.txt \
    share/sockscope/assets/fonts/LICENSE-NanumSquare.txt share/sockscope/assets/scenarios/select-64-limit.ini \
    share/sockscope/assets/traces/win-select-64-limit.sstrace share/doc/sockscope/README.md share/man/man1/sockscope.1; do
    check "the zip holds $f" test -s "$p/$f"
done
check "no DLL beside sockscope.exe (a static build)" test -z "$(find "$p" -iname '*.dll')"
exe=$p/bin/sockscope.exe
trace=$p/share/sockscope/assets/traces/win-select-64-limit.sstrace
check "sockscope.exe --version" bash -c "'$emu' '$exe' stats --version | tr -d '\r' | grep -q '^sockscope [0-9]'"
timeout 120 "$emu" "$exe" stats "$trace" | tr -d '\r' >"$tmp/file.txt"
check "stats on a shipped trace" grep -q '^run 1: select' "$tmp/file.txt"
cat "$trace" | timeout 120 "$emu" "$exe" stats - | tr -d '\r' >"$tmp/pipe.txt"
check "stats - (a pipe into Windows) reads the same" cmp -s "$tmp/file.txt" "$tmp/pipe.txt"
if [[ -x "$native" ]]; then
    timeout 120 "$emu" "$exe" export "$trace" --format csv -o - >"$tmp/win.csv"
    "$native" export "$trace" --format csv -o - >"$tmp/linux.csv"
    check "export -o - (binary standard output on Windows) matches the native build" cmp -s "$tmp/win.csv" "$tmp/linux.csv"
fi
exit $((fails > 0))
