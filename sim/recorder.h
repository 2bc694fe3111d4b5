/* recorder.h — the recording side of instrumentation.
 *
 * A recording session owns one trace file and a writer thread. A session holds
 * runs one after another (one run per model); threads join the current run
 * with ss_thread_begin() and leave with ss_thread_end(). Each thread records
 * into its own single-producer ring; the writer drains the rings every
 * millisecond into chunks of the trace file. With no session open every
 * probe is a plain call: untraced runs pay one predictable branch. */
#ifndef SS_RECORDER_H
#define SS_RECORDER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/clock.h"
#include "sim/event.h"
#include "sim/ring.h"

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
void     ss_run_end(void);
void     ss_run_note(const char *key, const char *value); /* a fact added to the run's end record */

void ss_thread_begin(ss_role role, const char *name);
void ss_thread_end(void);
int  ss_thread_index(void); /* calling thread's index in the current run, -1 if none */

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

/* totals so far in the current run (for progress lines) */
/* Did the writer get real-time priority (root or RLIMIT_RTPRIO)? Without
 * it, a spinning model on a loaded machine may fill its ring and wait for
 * the writer (trace_wait events). */
int      ss_rec_writer_realtime(void);
uint64_t ss_rec_dropped(void);
/* ns since the current run began (0 when none is open) */
uint64_t ss_rec_run_ns(void);

/* --- hot path ------------------------------------------------------------ */
extern _Atomic int ss_rec_active;   /* a run is open: probes record */
extern int ss_rec_detect_waits;

typedef struct ss_tls_rec {
    ss_ring *ring;
    uint32_t gen;
} ss_tls_rec;
extern _Thread_local ss_tls_rec ss_tls;
extern _Atomic uint32_t ss_rec_gen;

ss_ring *ss_rec_attach(void); /* slow path: join the current run as an unnamed thread */
/* slow path: the ring is full. Waits (bounded) for the writer to make room,
 * records that wait as an SS_API_TRACE_WAIT event, or drops and counts. */
void ss_rec_full(ss_ring *r, const ss_event *ev);

static inline int ss_recording(void) { return atomic_load_explicit(&ss_rec_active, memory_order_relaxed); }

static inline void ss_emit(const ss_event *ev)
{
    ss_ring *r = ss_tls.ring;
    if (__builtin_expect(!r || ss_tls.gen != atomic_load_explicit(&ss_rec_gen, memory_order_relaxed), 0)) {
        r = ss_rec_attach();
        if (!r)
            return;
    }
    if (__builtin_expect(!ss_ring_try_push(r, ev), 0))
        ss_rec_full(r, ev);
}

#endif
