/* trace_win.c — `sockscope trace` on Windows: the interposer is a Linux
 * LD_PRELOAD library (docs/trace-any-program.md); Windows has no such
 * thing, so the command says plainly that it is not available here. */
#include "cli/trace.h"

#include <stdio.h>
#include <string.h>

#include "sim/base/util.h"

int ss_cli_trace(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: sockscope trace [-o FILE] [--] PROGRAM [ARGS...]\n\n"
                   "Not available on Windows: tracing a program sockscope did not write takes\n"
                   "an LD_PRELOAD interposer, which only the Linux build has (see\n"
                   "docs/trace-any-program.md). Run it on Linux, then open the trace here.\n");
            return SS_EXIT_OK;
        }
    fprintf(stderr, "sockscope: trace is not available on Windows: it records a program through an LD_PRELOAD "
                    "interposer, which only the Linux build has (docs/trace-any-program.md)\n");
    return SS_EXIT_ENV;
}
