/* recorder.h — the recording side of instrumentation.
 *
 * A recording session owns one trace file and a writer thread. A session holds
 * runs one after another (one run per model); threads join the current run
 * with ss_thread_begin() and leave with ss_thread_end() (thread.h). Each
 * thread records into its own single-producer ring; the writer drains the
 * rings every millisecond into chunks of the trace file. With no session
 * open every probe is a plain call: untraced runs pay one predictable
 * branch. The hot path the probes take is recorder_int.h. */
#ifndef SS_RECORDER_H
#define SS_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"
#include "sim/trace/thread.h"

typedef struct ss_kv {
    const char *key, *value;
} ss_kv;

typedef struct ss_run_info {
    const char *model;      /* model name */
    const char *mechanism;  /* the real mechanism behind it on this platform */
    const ss_kv *params;    /* workload parameters, for the record */
    int nparams;
} ss_run_info;

typedef struct ss_rec_opts {
    size_t ring_events;     /* per-thread ring capacity (power of two); 0 = default 16384 */
    int detect_waits;       /* whether blocking calls really waited: 0 off, 1 on (lazy),
                               2 verify (read around every call, flag lazy misses) */
    int full_wait_ms;       /* a thread whose ring is full waits this long for the writer
                               before it drops the event: 0 = default 250, < 0 = drop at once */
} ss_rec_opts;

int  ss_rec_open(const char *path, const ss_rec_opts *opts, char *err, size_t errlen);
/* finishes any open run, drains, closes; returns 0, or -1 if a write failed */
int  ss_rec_close(char *err, size_t errlen);

uint32_t ss_run_begin(const ss_run_info *info); /* returns the run id (1-based) */
void ss_run_end(void);

/* How the open session decides whether a blocking call really waited:
 * ss_rec_opts.detect_waits (0 off, 1 on, 2 verify). */
int ss_rec_wait_detection(void);
/* Events the calling thread has recorded that the writer has not taken yet
 * (its ring's fill), and the ring's capacity; 0 and 0 outside a run. A
 * thread that writes events as fast as it can (sim/load/synth.c) waits on
 * this instead of filling its ring. */
size_t ss_rec_thread_backlog(size_t *capacity);

/* A thread of another process (an outside program traced through the
 * interposer, sim/interpose/): it joins the current run like any thread,
 * but its events, in raw clock ticks, are pushed by whoever drains them.
 * Push waits for the writer like a full ring does (ss_rec_full), then
 * drops and counts. End gives its CPU time and the events its own ring
 * dropped before they reached us. NULL when no run is open. */
typedef struct ss_thr ss_rec_thread;
ss_rec_thread *ss_rec_foreign_begin(ss_role role, uint32_t os_tid, const char *name);
void ss_rec_foreign_push(ss_rec_thread *t, const ss_event *ev, size_t n);
void ss_rec_foreign_end(ss_rec_thread *t, uint64_t user_ns, uint64_t sys_ns, uint64_t dropped_before);

/* Did the writer get real-time priority (root or RLIMIT_RTPRIO)? Without
 * it, a spinning model on a loaded machine may fill its ring and wait for
 * the writer (trace_wait events). */
int      ss_rec_writer_realtime(void);
/* totals so far in the current run (for progress lines) */
uint64_t ss_rec_dropped(void);
/* ns since the current run began (0 when none is open) */
uint64_t ss_rec_run_ns(void);

#endif
