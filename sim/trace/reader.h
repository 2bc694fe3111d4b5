/* reader.h — streaming reader of sockscope trace files.
 *
 * ss_trace_scan() walks a file chunk by chunk and calls a visitor; memory does
 * not grow with the file. In ordered mode it also merges the per-thread
 * streams of a run into exit-time order, holding only the events of one
 * drain window (the SYNC chunks bound how far back an event can arrive).
 * A file cut off mid-write is read up to its last complete chunk, with a
 * warning; a damaged chunk (bad CRC, a malformed payload, a limit below
 * broken) ends the read there, with a warning that says what was wrong.
 *
 * Nothing a file claims sizes memory: every chunk length is checked against
 * the bytes the file has left before it is read, counts only bound loops
 * over the payload, and thread indices and runs have the limits below
 * (docs/trace-format.md, "What a reader enforces"). */
#ifndef SS_TRACE_READER_H
#define SS_TRACE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"

#define SS_MAX_PARAMS 32

/* Limits a reader enforces (a file past one is damaged there). Writers
 * number a run's threads from 0 and a run holds thousands at most;
 * sockscope runs one run per model. */
#define SS_MAX_THREAD_INDEX ((1u << 20) - 1)
#define SS_MAX_RUNS 1024
#define SS_MAX_ROLE 255

typedef struct ss_run_meta {
    uint32_t id;
    char model[64];
    char mechanism[512];
    char clock[96];
    uint64_t wall_start_ns;
    uint32_t pid;
    int nparams;
    char params[SS_MAX_PARAMS][2][96];
} ss_run_meta;

typedef struct ss_thread_meta {
    uint32_t run, idx;
    int role;
    uint32_t os_tid;
    char name[48];
} ss_thread_meta;

typedef struct ss_thread_end_info {
    uint32_t run, idx;
    uint64_t user_ns, sys_ns, events, dropped;
} ss_thread_end_info;

typedef struct ss_run_end_info {
    uint32_t run;
    uint64_t duration_ns, user_ns, sys_ns;
    int nnotes;
    char notes[SS_MAX_PARAMS][2][96];
} ss_run_end_info;

/* CLKA: the trace clock against CLOCK_REALTIME (one after RUNB, one before
 * RUNE): at run time t_ns the real time was real_ns, give or take err_ns. */
typedef struct ss_clock_anchor {
    uint32_t run;
    uint64_t t_ns, real_ns, err_ns;
} ss_clock_anchor;

typedef struct ss_visitor {
    void *ud;
    void (*run_begin)(void *ud, const ss_run_meta *m);
    void (*thread)(void *ud, const ss_thread_meta *t);
    void (*event)(void *ud, uint32_t run, uint32_t thread, const ss_event *ev);
    void (*thread_end)(void *ud, const ss_thread_end_info *t);
    void (*run_end)(void *ud, const ss_run_end_info *r);
    void (*anchor)(void *ud, const ss_clock_anchor *a); /* may be NULL, as every callback */
} ss_visitor;

typedef struct ss_scan_result {
    int truncated;          /* the file ends inside a chunk */
    int corrupt;            /* a chunk failed its check or broke a limit; reading stopped there */
    int runs_unfinished;    /* runs without an end record (recording was cut off) */
    uint64_t bytes, chunks, events, late_events;
    char warning[256];
} ss_scan_result;

/* Returns 0 when the file was read (possibly with a warning in res->warning),
 * -1 when it cannot be read at all (err says why: missing, not a trace,
 * unsupported version). */
int ss_trace_scan(const char *path, int ordered, const ss_visitor *v, ss_scan_result *res,
                  char *err, size_t errlen);

const char *ss_run_param(const ss_run_meta *m, const char *key); /* NULL if absent */

#endif
