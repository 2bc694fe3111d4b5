/* session.h — the viewer's session: a trace as the viewer holds it,
 * compact per-lane arrays built once at load, plus the summaries that let
 * every frame and every counter be computed without walking events that
 * are off screen. (The I/O model interface is models/model.h.)
 *
 * Times are nanoseconds since the start of each run (panels are aligned at
 * run start). Plain C: no SDL here. */
#ifndef VW_SESSION_H
#define VW_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "sim/base/util.h"
#include "sim/trace/event.h"

/* One event in a lane: 24 bytes (a trace event is 56). Durations above
 * 2^31 ns (~2.1 s) are kept in microseconds, flagged by the top bit. */
typedef struct vw_ev {
    uint64_t t0;
    uint32_t dur_enc;
    int32_t ret;
    int32_t sock;
    uint8_t api;   /* ss_api */
    uint8_t sub;   /* the operation's API for OP_SUBMIT/OP_COMPLETE, message code otherwise */
    uint8_t err;   /* ss_err, and VW_EV_USERSPACE (see vw_ev_impl) */
    uint8_t flags; /* SS_EV_* */
} vw_ev;

/* vw_ev.sub for a code above 255: a window message that is not a socket
 * message (SS_MSG_UI; WM_QUIT), the UI work that handles one. */
#define VW_SUB_BIG 255

/* vw_ev.err's top bit: a stand-in's Windows call (SS_EV_STANDIN) that its
 * machinery did without entering the kernel (a packet already queued). */
#define VW_EV_USERSPACE 0x80

/* Drawing/timing category of an event on a thread lane. */
typedef enum vw_cat {
    VW_CAT_USER = 0,   /* computing in user space (CPU work) */
    VW_CAT_KERNEL,     /* inside a kernel call that did not sleep */
    VW_CAT_WAIT,       /* inside a call that put the thread to sleep */
    VW_NCAT,
    VW_CAT_INSTANT = VW_NCAT, /* completion taken, message, signal, wake-up: no duration */
    VW_CAT_CONTAINER          /* encloses other calls (message dispatch, request) */
} vw_cat;

/* Cumulative totals over events [0, b*VW_BLOCK) of a lane, and the latest
 * end time among them: folding and counters read differences of these. */
#define VW_BLOCK 64
typedef struct vw_prefix {
    uint64_t cat_ns[VW_NCAT];
    uint64_t blocked_ns;  /* time in calls that could block (as sim/report/stats.h) */
    uint64_t max_end;     /* latest t1 among events before the block */
    uint32_t calls, transitions, completions, instants;
} vw_prefix;

/* Thread lanes are the model's (role server), a Linux stand-in's
 * emulation (VW_LANE_EMUL: its emulation threads, and one lane gathering
 * the emulation calls made on the model's own threads), or sockscope's own
 * (control: the runner, a stop watcher, a simulated UI). Only the model's
 * lanes count and are captioned. Lanes are sorted in that order, clients
 * last. */
typedef enum vw_lane_kind { VW_LANE_THREAD = 0, VW_LANE_EMUL, VW_LANE_CLIENT } vw_lane_kind;
#define VW_INLINE_EMUL_THREAD 0xfffffffeu /* thread_idx of the lane of inline emulation calls */

typedef struct vw_lane {
    char name[48];
    int role;             /* ss_role */
    uint32_t thread_idx;  /* index in the run */
    vw_lane_kind kind;
    vw_ev *ev;            /* sorted by t0 */
    size_t n, cap;
    vw_prefix *pre;       /* n / VW_BLOCK + 1 entries */
    uint64_t first, last; /* lifetime: first t0, last t1 */
    int unsorted;         /* set while loading when an event arrived out of t0 order */
} vw_lane;

/* An asynchronous operation (submit -> complete) or a window message
 * (post -> dispatch): a span on the run's kernel or message-queue lane. */
typedef struct vw_op {
    uint64_t t0;     /* submitted / posted */
    uint32_t dur;    /* until completed / dispatched (ns, saturated) */
    int32_t sock;
    uint16_t lane_from, lane_to; /* thread lanes of submit and completion (UINT16_MAX unknown) */
    uint8_t api;     /* operation API or message code */
    uint8_t row;     /* sub-row for drawing overlapping spans */
    uint8_t open:1;    /* never completed within the trace */
    uint8_t ret_neg:1; /* completed with an error */
    uint8_t depth;     /* completion-queue depth when the packet was taken (255 = more) */
} vw_op;

#define VW_OP_ROWS 6 /* overlapping spans of an operation lane are drawn on this many rows */

typedef struct vw_oplane {
    vw_op *op;           /* sorted by t0 */
    size_t n, cap;
    uint64_t *t_end;     /* completion times, sorted: in-flight(t) = #t0<=t - #end<=t */
    uint32_t max_depth;  /* deepest completion queue seen */
} vw_oplane;

/* p50/p99 of the requests finished so far, sampled as they finish. */
typedef struct vw_lat_snap {
    uint64_t t;          /* finish time of the request that completed the sample */
    uint64_t count, p50, p99;
} vw_lat_snap;

typedef struct vw_run {
    uint32_t id;
    char model[64];
    char mechanism[512];
    char params[256];    /* "clients=10 messages=100 ..." */
    char source[256];    /* the file it came from */
    uint64_t duration;   /* ns, from the run end record or the last event */
    uint64_t work_end;   /* ns when the clients finished (run note), 0 if unknown */
    vw_lane *lanes;      /* model lanes (by thread index), emulation, control, then clients */
    int nlanes, nserver, capl; /* nserver: every lane before the clients */
    ss_idmap lane_ix;    /* thread index -> position in lanes: a run may hold 100,000s of threads */
    uint8_t impl[SS_API_COUNT]; /* a stand-in's Windows call -> the Linux call that played it */
    vw_oplane kernel, msgs;
    uint64_t *req_end;   /* finish times of successful requests, sorted */
    size_t nreq;
    vw_lat_snap *lat;
    size_t nlat;
    uint64_t dropped, nevents;
    int has_end;
    int nagle_prone; /* messages above the server's buffer, no TCP_NODELAY (sim/report/stats.h) */
    long size_max;   /* the largest message, bytes (0: not recorded) */
    int buffer;      /* the server's echo buffer, bytes (0: not recorded) */
} vw_run;

typedef struct vw_session {
    vw_run *runs;
    int nruns, capr;
    char warning[512];   /* the last load warning (truncated/corrupt file, runs without an end) */
    int damaged;         /* the last load's file was cut off or failed a check (bad input); runs
                            without an end record alone are readable, only incomplete */
    uint64_t nevents;       /* events held (client calls other than requests are not) */
    uint64_t trace_events;  /* events read from the files */
} vw_session;

/* Loads every run of a trace file and appends them as panels. Returns 0 (with
 * a warning in s->warning when the file was damaged but partly readable), or
 * -1 with err saying why nothing could be read. */
int  vw_session_load(vw_session *s, const char *path, char *err, size_t errlen);
void vw_session_free(vw_session *s);
void vw_session_remove(vw_session *s, int run);      /* drop one panel */
void vw_session_move(vw_session *s, int run, int dir); /* reorder a panel by -1/+1 */
uint64_t vw_session_duration(const vw_session *s);  /* longest run */
/* where the work of the longest-working run ends (its clients finished),
 * or the session's duration when a run does not say */
uint64_t vw_session_work_end(const vw_session *s);
size_t   vw_session_bytes(const vw_session *s);     /* memory held for events and summaries */

/* --- building a run by hand (tests, synthetic data) ----------------------- */
vw_run *vw_session_add_run(vw_session *s, const char *model);
vw_lane *vw_run_lane(vw_run *r, uint32_t thread_idx, int role, const char *name);
int vw_run_lane_index(const vw_run *r, uint32_t thread_idx); /* position in r->lanes, or -1 */
void vw_lane_push(vw_lane *l, const ss_event *ev);
void vw_run_finish(vw_run *r); /* sorts, builds summaries: call once after pushing */

/* --- event helpers ------------------------------------------------------- */
static inline uint64_t vw_ev_dur(const vw_ev *e)
{
    return (e->dur_enc & 0x80000000u) ? (uint64_t)(e->dur_enc & 0x7fffffffu) * 1000u : e->dur_enc;
}
static inline uint64_t vw_ev_end(const vw_ev *e) { return e->t0 + vw_ev_dur(e); }
static inline uint64_t vw_op_dur(const vw_op *o) { vw_ev e = {.dur_enc = o->dur}; return vw_ev_dur(&e); }
static inline uint64_t vw_op_end(const vw_op *o) { return o->t0 + vw_op_dur(o); }
uint32_t vw_dur_encode(uint64_t ns);
vw_cat   vw_ev_cat(const vw_ev *e);
/* The run is a Linux stand-in's: it has emulation lanes. */
int vw_run_has_emul(const vw_run *r);
/* The lane counts for the model and may be captioned. */
static inline int vw_lane_is_model(const vw_lane *l) { return l->kind == VW_LANE_THREAD && l->role == SS_ROLE_SERVER; }
static inline int vw_ev_err(const vw_ev *e) { return e->err & 0x7f; }
/* A wait over many sockets (select, poll, WSAWaitForMultipleEvents) keeps
 * how many it watched in sock, as -2 - n (it has no one socket). */
static inline int vw_ev_watched(const vw_ev *e) { return e->sock <= -2 ? -2 - e->sock : -1; }
/* The name of an event in its model ("GetQueuedCompletionStatus",
 * "WSARecv", "recv"), and for a stand-in's Windows call the Linux call
 * that did it here (0: none, it stayed in user space; -1: not a stand-in). */
const char *vw_ev_name(const vw_ev *e);
int      vw_ev_impl(const vw_run *r, const vw_ev *e);
int vw_ev_is_call(const vw_ev *e); /* counted as a socket call (sim/report/stats.h) */

/* first index i with ev[i].t0 >= t (n if none) */
size_t vw_lane_lower(const vw_lane *l, uint64_t t);
/* first index whose event may still be running at t (covers enclosing spans) */
size_t vw_lane_first_covering(const vw_lane *l, uint64_t t);
size_t vw_ops_lower(const vw_oplane *o, uint64_t t);
size_t vw_u64_upper(const uint64_t *a, size_t n, uint64_t t); /* count of a[i] <= t */

#endif
