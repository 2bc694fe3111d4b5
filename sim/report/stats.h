/* stats.h — the numbers of a trace, per run, server and built-in clients
 * apart. Built by streaming the file once (ss_stats_load); memory depends on
 * the number of runs and threads, not on the number of events. */
#ifndef SS_STATS_H
#define SS_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "sim/base/hist.h"
#include "sim/base/util.h"
#include "sim/report/stats_conn.h"
#include "sim/trace/reader.h"

typedef struct ss_side {
    uint64_t calls[SS_API_COUNT];   /* recorded events by API */
    uint64_t socket_calls;          /* calls that entered the kernel */
    uint64_t transitions;           /* user/kernel transitions (kernel entries) */
    uint64_t blocking_calls;        /* calls that could block */
    uint64_t waited_calls;          /* ... and really waited */
    uint64_t blocked_ns;            /* time threads were held in calls that could block */
    uint64_t wouldblock;            /* EWOULDBLOCK returns */
    uint64_t errors;                /* other failed calls */
    uint64_t submissions, completions; /* async operations / completion packets */
    uint64_t bytes_in, bytes_out;
    uint64_t cpu_work_ns;
    uint64_t threads, thread_span_ns;  /* threads seen; sum of their first..last event spans */
    uint64_t user_ns, sys_ns;       /* CPU time of the side's threads */
    uint64_t events, dropped;
    uint64_t trace_waits, trace_wait_ns; /* the recorder held a thread: its ring was full */
} ss_side;

/* async-select's message queue: posts matched to dispatches by id */
typedef struct ss_msg_stats {
    uint64_t posted, dispatched, ui;   /* ui: ordinary UI messages dispatched */
    ss_hist *socket_delay;             /* post -> dispatch of socket messages (FD_*), ns; NULL: none */
    uint64_t behind_ui;                /* socket messages that waited while UI work ran */
    /* matching while loading: messages whose other half is not read yet */
    struct ss_msg_slot *pending;
    size_t cap, n;
    uint64_t ui_end;                   /* end of the latest UI handling read so far */
    uint64_t latest;                   /* the newest message time read so far */
} ss_msg_stats;

/* Sides of a run. `server` is the model as its Windows program (or its
 * POSIX one) would run: every server event that is not emulation, a
 * stand-in's Windows calls counted as Windows makes them. `emul` is what a
 * Linux stand-in needed on top (emulation threads, and SS_EV_EMUL events
 * on the model's threads): its calls, transitions, threads and CPU. The
 * CPU of emulation calls made on the model's own threads cannot be read
 * per call. Those inside a stand-in's Windows call that enters the kernel
 * on Windows do that call's work, so their CPU stays the model's; for the
 * others it is estimated as their number times the median duration of
 * those that did not sleep (a duration also holds time the thread was
 * preempted, the median mostly does not) and moved from `server` to
 * `emul`. Threads of sockscope's own (control: the runner, the stop
 * watcher, a simulated UI) are counted apart in `control`; the relay
 * belongs to none. */
typedef struct ss_run_stats {
    ss_run_meta meta;
    ss_run_end_info end;
    int has_end;
    ss_side server, client, emul, control;
    /* Histograms (16 KiB each) are made at their first sample, NULL until
     * then: a run costs what it holds, so a file of many empty runs stays
     * small in memory. */
    ss_hist *emul_inline;           /* durations of emulation kernel entries on model threads */
    uint64_t requests_ok, requests_failed, refused;
    int serve;           /* a `serve` run: no requests recorded, its connections instead */
    ss_conn_stats conns; /* (serve runs only) */
    ss_msg_stats msgs;
    ss_hist *latency;
    /* CPU/I-O overlap (the chapter's third requirement): of the model's
     * request CPU work (cpu_work events on its threads, UI work excluded),
     * the time during which at least one of its own asynchronous recv/send
     * operations was in flight (submitted, its completion not yet taken).
     * Computed by a second, time-ordered pass, only for runs with CPU work
     * (ss_run_overlap_pct). */
    uint64_t overlap_work_ns, overlap_ns;
    uint64_t overlap_unsure_ns;     /* work whose start lay beyond the kept history (see stats.c) */
    /* per-thread bookkeeping while loading, in slots made as threads are
     * first named (thread index -> slot): memory follows the threads a
     * file holds, not the values of their indices */
    ss_idmap thread_ix;
    struct ss_thread_acc *threads;
    size_t nthreads, capthreads;
} ss_run_stats;

typedef struct ss_stats {
    ss_run_stats *runs;
    int nruns;
    size_t capruns;
    ss_scan_result scan;
} ss_stats;

int  ss_stats_load(const char *path, ss_stats *st, char *err, size_t errlen);
void ss_stats_free(ss_stats *st);

/* derived figures */
double ss_run_seconds(const ss_run_stats *r);
double ss_run_rps(const ss_run_stats *r);
double ss_side_blocked_pct(const ss_side *s);
double ss_per_request(const ss_run_stats *r, uint64_t v);
int    ss_run_has_emul(const ss_run_stats *r); /* a Linux stand-in: emulation was recorded */
/* % of the model's request CPU work that overlapped its own asynchronous
 * I/O; -1 when the run did no CPU work (the figure means nothing there) */
double ss_run_overlap_pct(const ss_run_stats *r);
/* A delayed-ACK stall: a built-in server without TCP_NODELAY echoes
 * messages larger than its buffer in pieces, Nagle holds the last piece
 * back until the client's delayed ACK (Linux: 40 ms at least), and that,
 * not the I/O model, sets the request time. Prone: the run's parameters
 * allow it (no relay latency to blame instead); a stall: its median
 * request also took SS_NAGLE_STALL_NS or more. */
#define SS_NAGLE_STALL_NS 30000000ull
int ss_run_nagle_prone(const ss_run_meta *m);
int ss_run_nagle_stall(const ss_run_stats *r);
/* The largest message of the run's "size" parameter, 0 if absent. */
long ss_run_size_max(const ss_run_meta *m);

void ss_stats_print(FILE *f, const ss_stats *st);
void ss_stats_print_table(FILE *f, const ss_stats *st); /* one row per run */
void ss_stats_print_json(FILE *f, const ss_stats *st);

/* the histograms above may be NULL (no sample): these read them as empty */
uint64_t ss_hist_count_of(const ss_hist *h);
uint64_t ss_hist_pct_of(const ss_hist *h, double pct);
uint64_t ss_hist_max_of(const ss_hist *h);

#endif
