/* stopsig.h — how `serve` learns that the user wants it to stop: SIGINT or
 * SIGTERM on POSIX (taken synchronously, cli/stopsig.c), Ctrl-C,
 * Ctrl-Break or the console closing on Windows (a console control handler,
 * cli/stopsig_win.c). Either way the stop path then runs on the normal
 * thread that waits here, so it can record its calls like any other code. */
#ifndef SS_STOPSIG_H
#define SS_STOPSIG_H

/* Call before starting other threads. */
void ss_stopsig_init(void);
/* Waits up to ms; 1 when a stop was asked for. */
int ss_stopsig_wait(int ms);
/* For commands that take no stop requests (export): if SIGINT or SIGTERM
 * (Ctrl-C, a closing console) ends the process, remove `path` (a half-written
 * output) first, then end as the signal would have. NULL forgets the path.
 * Not a stop request: a process that called ss_stopsig_init keeps those
 * signals blocked and never gets here. */
void ss_stopsig_remove_on_stop(const char *path);

#endif
