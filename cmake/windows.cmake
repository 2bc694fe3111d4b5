# Windows build (mingw-w64, native or cross): included by CMakeLists.txt
# before the targets are made. The portable sources stay; the platform layer
# and the models are swapped for their Winsock twins (*_win.c, models/win_*.c).

# Platform layer: clock (QueryPerformanceCounter), probes (Winsock), server
# (stop by wake-up instead of a pipe), console stop (SetConsoleCtrlHandler).
list(REMOVE_ITEM SIM_SOURCES sim/trace/clock.c sim/probe/probe.c sim/run/server.c cli/stopsig.c sim/probe/uring.c
  sim/load/relay.c sim/load/workload_ev.c)
list(APPEND SIM_SOURCES sim/trace/clock_win.c sim/probe/probe_win.c sim/run/server_win.c cli/stopsig_win.c sim/load/relay_win.c)

# The textbook's Windows servers, one file each, registered under the same
# names as their POSIX siblings (models/registry.c).
set(MODEL_SOURCES
  models/registry.c models/common.c
  models/win_blocking_iterative.c models/win_blocking_threads.c models/win_nonblocking.c
  models/win_select.c models/win_poll.c models/win_async_select.c models/win_event_select.c
  models/win_overlapped.c models/win_overlapped_event.c models/win_iocp.c models/win_wsaio.c models/stop_win.c)

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
