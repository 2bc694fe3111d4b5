# Windows build (mingw-w64, native or cross): included by CMakeLists.txt
# before the layers are made. Each folder's CMakeLists.txt picks the
# Winsock twin (NAME_win.c) of its platform files; here are what every
# file of the build needs: mingw's POSIX gaps filled, Winsock linked, one
# static .exe.

# POSIX gaps of mingw-w64 (getrusage, <sys/socket.h>, ...): sim/compat_win.
include_directories(BEFORE SYSTEM ${CMAKE_CURRENT_SOURCE_DIR}/sim/compat_win)
add_compile_options(-include ${CMAKE_CURRENT_SOURCE_DIR}/sim/compat_win/ss_compat.h)
add_compile_definitions(_WIN32_WINNT=0x0601 WIN32_LEAN_AND_MEAN __USE_MINGW_ANSI_STDIO=1)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  # one self-contained sockscope.exe: no libwinpthread/libgcc DLLs to ship
  add_link_options(-static)
endif()
link_libraries(ws2_32 pthread)
set(CMAKE_EXECUTABLE_SUFFIX .exe)
