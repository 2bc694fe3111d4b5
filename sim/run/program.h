/* program.h — `sockscope run --program 'CMD ... {port}' --name NAME`: an
 * echo server sockscope did not write joins a comparison (docs/trace-any-program.md).
 *
 * It runs as a run target (sim/run/runner.h) under the same workload, special
 * clients and network conditions as the built-in models: sockscope picks a
 * free port, starts CMD with {port} replaced and the interposer preloaded,
 * waits until a connect is accepted, runs the clients, stops it (SIGTERM to
 * its process group, SIGKILL after 3 s) and drains what it recorded into
 * the same run as the clients. Every process of the program is in that one
 * run (a forked child's threads are named "NAME (pid N)"). Its I/O model is
 * only known once it has run: the run is written with a placeholder
 * mechanism, and ss_program_patch_trace() puts the observed one in the
 * trace once the recording is closed. */
#ifndef SS_INTERPOSE_PROGRAM_H
#define SS_INTERPOSE_PROGRAM_H

#include <stddef.h>

#include "sim/run/runner.h"

typedef struct ss_program ss_program;

/* Checks the command (a program that can be traced, a {port} in it) before
 * anything runs. NULL with err and *code (an SS_EXIT_*). */
ss_program *ss_program_new(const char *cmd, const char *name, int index, int *code, char *err, size_t errlen);
const char *ss_program_name(const ss_program *p);
/* One run, like ss_run_one (an SS_EXIT_* code, err explains). */
int ss_program_run(ss_program *p, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
                   ss_workload_result *res, char *err, size_t errlen);
/* After ss_rec_close: each program's run gets the I/O model observed and
 * the program's pid. 0, or -1 with err (the trace is then left as it was). */
int ss_program_patch_trace(const char *trace, ss_program *const *progs, int n, char *err, size_t errlen);
void ss_program_free(ss_program *p);

/* Splits a command line as a shell would split a simple command (words,
 * '...' and "..." quoting, backslash escapes; no variables, globs or
 * pipes) and replaces {port} in each word. NULL-terminated, one
 * allocation (free() it); NULL with err. */
char **ss_split_command(const char *cmd, int port, char *err, size_t errlen);

#endif
