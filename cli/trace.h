/* trace.h — the `sockscope trace` subcommand: any program, its socket calls
 * recorded through the interposer (cli/trace.c, docs/trace-any-program.md).
 * On Windows there is no LD_PRELOAD: cli/trace_win.c says so. */
#ifndef SS_CLI_TRACE_H
#define SS_CLI_TRACE_H

int ss_cli_trace(int argc, char **argv);

#endif
