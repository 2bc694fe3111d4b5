# Cross toolchain: 64-bit Windows executables with Debian's mingw-w64
# (apt-get install gcc-mingw-w64-x86-64 libz-mingw-w64-dev), run under Wine
# for the tests (cmake/wine-run.sh as CMAKE_CROSSCOMPILING_EMULATOR, set by
# the `windows` preset). On MSYS2 use its own gcc instead: no toolchain file.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SS_MINGW_TRIPLE x86_64-w64-mingw32)

# The -posix variant: its runtime uses winpthreads, which sim/ links anyway.
find_program(SS_MINGW_CC NAMES ${SS_MINGW_TRIPLE}-gcc-posix ${SS_MINGW_TRIPLE}-gcc)
if(NOT SS_MINGW_CC)
  message(FATAL_ERROR "x86_64-w64-mingw32-gcc not found: apt-get install gcc-mingw-w64-x86-64 (or run scripts/test-windows.sh)")
endif()
set(CMAKE_C_COMPILER ${SS_MINGW_CC})
find_program(CMAKE_RC_COMPILER NAMES ${SS_MINGW_TRIPLE}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${SS_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config must describe the Windows libraries (zlib), not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/${SS_MINGW_TRIPLE}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
