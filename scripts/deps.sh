#!/usr/bin/env bash
# Installs what sockscope needs to build, run and test on Debian/Ubuntu,
# plus any packages named as arguments (scripts/test-windows.sh adds the
# cross compiler and Wine). Idempotent: packages present are skipped quickly.
#   scripts/deps.sh [--fuzz] [PACKAGE...]
# --fuzz adds clang and its libFuzzer runtime (scripts/fuzz-smoke.sh,
# docs/fuzzing.md).
set -euo pipefail
fuzz=0
if [[ ${1:-} == --fuzz ]]; then
    fuzz=1
    shift
fi
packages=("$@"

    build-essential cmake ninja-build pkg-config git
    zlib1g-dev liburing-dev libsdl2-dev libsdl2-ttf-dev libpng-dev   # build (SDL2/ttf/png: the viewer)
    libfreetype-dev libharfbuzz-dev                       # build: glyph outlines and shaping for SVG text
    libinih-dev                                           # scenario files (INI)
    libcmocka-dev libjansson-dev                          # tests
    strace netcat-openbsd python3 procps xvfb xauth       # tests: real peers, strace, a real X server
    clang-format                                          # tests: the format of changed lines (check-format.sh)
    xdotool imagemagick                                   # tests: keys into a real window, what the screen shows
    librsvg2-bin fontconfig                               # tests: a third-party SVG reader, a font-less fontconfig
    iproute2 socat                                        # tests: hosts from network namespaces, a third-party echo server
    dpkg-dev groff-base man-db bsdextrautils              # tests: the .deb (cpack: dpkg-shlibdeps), the man page (groff, man, col)
)
((fuzz)) && packages+=(clang)                             # fuzzers: libFuzzer, ASan, UBSan
# tests: the Chrome export through DevTools' trace engine (tests/cli_export_loaders.sh runs
# `npm ci` on tests/js/package-lock.json). Debian's node and npm unless a node with its npm
# is here already (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
command -v node > /dev/null && command -v npm > /dev/null || packages+=(nodejs npm)

install() {
    local missing=() p sudo=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "sockscope: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install "${packages[@]}"
# libFuzzer comes with clang's runtime on Ubuntu; Debian 12 packages it
# apart (libclang-rt-N-dev, only recommended, so not installed above)
if ((fuzz)) && [[ $(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a") != /* ]]; then
    install "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
fi
