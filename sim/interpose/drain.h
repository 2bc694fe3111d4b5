/* drain.h — sockscope takes what a traced program recorded out of the
 * shared rings (sim/interpose/shm.h) and hands it to a sink: the trace
 * writer of `sockscope trace` (a run per process, sim/interpose/spool.h), or
 * the recorder of a `run --program` (one run with the built-in clients,
 * sim/run/program.c).
 *
 * A drain thread passes over the rings every 0.5–4 ms. A process that is
 * gone (its pidfd says it exited, or an exec replaced its image) is drained
 * to its last committed event before its threads are ended: a program
 * killed with SIGKILL loses nothing it recorded. Everything the sink gets
 * comes from one thread at a time (the drain thread, then the caller of
 * ss_drain_stop), in each thread's own order. */
#ifndef SS_INTERPOSE_DRAIN_H
#define SS_INTERPOSE_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "sim/interpose/ipc.h"
#include "sim/interpose/observe.h"

typedef struct ss_drain_proc {
    uint32_t pid, ppid;
    char exe[SS_SHM_EXE], comm[SS_SHM_NAME];
    uint64_t t_start, t_end;          /* clock ticks: registered; seen gone (0 while it runs) */
    int parent;                       /* index of the recorded process that forked it, or -1 */
    int still_running;                /* alive when recording stopped */
    int exec_replaced;                /* ended by an exec: the next image of its pid is another process */
    int cpu_known;                    /* it exited normally and said its CPU time; else the sum of */
    uint64_t cpu_user_ns, cpu_sys_ns; /* its threads' last readings */
    uint32_t threads;                 /* threads recorded */
    int counter_used;                 /* "really waited" read the BPF counter (else getrusage) */
    uint64_t events, dropped, unrecorded;
    ss_observe obs;
    void *sink; /* the sink's own data */
} ss_drain_proc;

typedef struct ss_drain_thread_end {
    uint64_t cpu_user_ns, cpu_sys_ns; /* at its end; or, killed with its process, at its last blocking
                                         call's wait reading (0 with --no-wait-detect) */
    uint64_t pushed, dropped, unrecorded;
} ss_drain_thread_end;

typedef struct ss_drain_sink {
    void *ud;
    void (*proc_begin)(void *ud, ss_drain_proc *p);
    /* a thread, at its first events: returns the sink's handle for it */
    void *(*thread_begin)(void *ud, ss_drain_proc *p, uint32_t tid, const char *name);
    /* its events, raw clock ticks, in its order */
    void (*events)(void *ud, void *th, const ss_event *ev, size_t n);
    void (*thread_rename)(void *ud, void *th, const char *name); /* may be NULL */
    void (*thread_end)(void *ud, void *th, const ss_drain_thread_end *e);
    void (*proc_end)(void *ud, ss_drain_proc *p); /* may be NULL; its threads have ended */
    /* end of a pass that began at `barrier`: every event that ended before
     * it has been handed over (may be NULL) */
    void (*pass_end)(void *ud, uint64_t barrier);
} ss_drain_sink;

typedef struct ss_drain ss_drain;

/* starts the drain thread; NULL with err */
ss_drain *ss_drain_start(ss_ipc *ipc, const ss_drain_sink *sink, char *err, size_t errlen);
/* Stops: the drain thread ends, a last pass takes every committed event,
 * and every thread and process not yet ended is ended (those still
 * running are marked so). The region is marked closed: a program still
 * running drops its events rather than wait for a drain that is gone. */
void ss_drain_stop(ss_drain *d);
/* processes recorded and not yet seen gone (any thread, while running) */
int ss_drain_live(ss_drain *d);
/* processes recorded so far (any thread) */
int ss_drain_seen(ss_drain *d);
/* after ss_drain_stop: the processes, in the order they registered */
size_t ss_drain_nprocs(const ss_drain *d);
ss_drain_proc *ss_drain_proc_at(ss_drain *d, size_t i);
void ss_drain_free(ss_drain *d);

#endif
