/* spool.h — the trace of `sockscope trace`: one run per process of the
 * program (docs/trace-any-program.md).
 *
 * The processes of a forking server run at the same time, but a trace
 * holds its runs one after another (docs/trace-format.md: every chunk
 * names the run its last RUNB opened). So the drain's chunks (EVTS, SYNC,
 * THRE, in the same encoding the recorder writes) are spooled into one
 * unlinked temporary file as they come, each run's pieces remembered; at
 * the end the trace is assembled run by run, in the order the processes
 * started: RUNB (now that the I/O model has been observed), the threads
 * with the names they ended with, the spooled chunks, RUNE. Every run
 * shares one time axis: t = 0 is when the program was started. */
#ifndef SS_INTERPOSE_SPOOL_H
#define SS_INTERPOSE_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/interpose/drain.h"

typedef struct ss_spool ss_spool;

/* base_ticks: t = 0 of every run (and its wall-clock time is the runs' start) */
ss_spool *ss_spool_open(uint64_t base_ticks, char *err, size_t errlen);
/* the sink to hand to ss_drain_start */
void ss_spool_sink(ss_spool *s, ss_drain_sink *out);

/* What a run says about its process; filled by the caller at the end. */
#define SS_SPOOL_MAX_KV 24
typedef struct ss_spool_run {
    char model[64], mechanism[160];
    int nparams, nnotes;
    struct {
        char key[32], value[96];
    } params[SS_SPOOL_MAX_KV], notes[SS_SPOOL_MAX_KV];
} ss_spool_run;
void ss_spool_param(ss_spool_run *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ss_spool_note(ss_spool_run *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

typedef void (*ss_spool_describe)(void *ud, ss_drain *d, size_t proc, ss_spool_run *out);

/* Writes the trace (beside path, renamed over it at the end: a failure
 * leaves no half file) once the drain has stopped. 0, or -1 with err. */
int ss_spool_write(ss_spool *s, const char *path, ss_drain *d, ss_spool_describe fn, void *ud, char *err,
                   size_t errlen);
/* wall-clock ns at t = 0, and CLOCK_REALTIME - CLOCK_MONOTONIC then (+- err_ns) */
void ss_spool_clock(const ss_spool *s, uint64_t *wall_ns, int64_t *offset_ns, uint64_t *err_ns);
void ss_spool_close(ss_spool *s);

#endif
