/* counters.h — the textbook's comparison as it unfolds: per panel, the
 * server side's numbers for everything that happened up to the playhead,
 * and where they go in a panel's counters box.
 *
 * Definitions match sim/report/stats.h, except CPU time: the trace holds each
 * thread's measured CPU only as a total at its end (stats shows it), so at
 * the playhead it is the time spent in calls that did not sleep plus the
 * requests' CPU work: a spinning non-blocking server's CPU shows, a thread
 * asleep in a blocking call or idle between runs does not. Each query is
 * O(lanes x (log n + block)) thanks to the per-lane block prefix sums and
 * an index (vw_cindex) of the counts the prefix blocks do not hold. */
#ifndef VW_COUNTERS_H
#define VW_COUNTERS_H

#include <stdint.h>

#include "render/caption.h"
#include "render/draw.h"
#include "render/layout.h"
#include "render/session.h"

typedef struct vw_counters {
    uint64_t calls;        /* socket calls (kernel entries + submissions) */
    uint64_t transitions;  /* user/kernel transitions */
    uint64_t blocked_ns;   /* time in calls that could block */
    uint64_t completions;  /* completion packets taken */
    uint64_t threads;      /* server threads started */
    uint64_t requests;     /* client requests finished */
    uint64_t p50_ns, p99_ns; /* latency of the requests finished so far */
    uint64_t inflight;     /* asynchronous operations in flight */
    uint64_t alive_ns;     /* the server threads' lifetimes so far (blocked % is of this) */
    uint64_t cpu_ns;       /* on-CPU time so far, estimated: in calls that did not sleep, and CPU work */
    int cpu_unknown;       /* the run could not tell sleeping calls (waits not measured): no estimate */
    uint64_t wouldblock;   /* calls that returned EWOULDBLOCK */
    uint64_t refused;      /* connections refused at a model's limit */
} vw_counters;

/* The counters a panel can show, most asked-for first in vw_ctr_default. */
typedef enum vw_ctr {
    VW_CTR_CALLS, VW_CTR_TRANSITIONS, VW_CTR_PER_REQUEST, VW_CTR_BLOCKED, VW_CTR_BLOCKED_PCT, VW_CTR_CPU,
    VW_CTR_WOULDBLOCK, VW_CTR_PACKETS, VW_CTR_THREADS, VW_CTR_REQUESTS, VW_CTR_REFUSED, VW_CTR_LATENCY, VW_NCTR
} vw_ctr;

/* Per run: what the block prefix sums do not count (would-block returns,
 * refusals) as per-block prefix counts, request start and end times for
 * "requests in flight", and the run's totals. Built once per run. */
typedef struct vw_cblk {
    uint32_t wouldblock, refused; /* before the block */
} vw_cblk;

typedef struct vw_cindex {
    const vw_lane *lanes;    /* the run it was built for (runs move in the session; lanes do not) */
    uint64_t nevents;
    int nserver;
    vw_cblk **blk;           /* per server lane */
    uint64_t *req_t0, *req_t1; /* every request's start and end, each sorted */
    size_t nreq;
    vw_counters total;       /* at the end of the run */
} vw_cindex;

typedef struct vw_cindex_set {
    vw_cindex *x;
    int n;
} vw_cindex_set;

/* The index of run `run` of s, built or found (after a panel moved). */
const vw_cindex *vw_cindex_get(vw_cindex_set *set, const vw_session *s, int run);
void vw_cindex_free(vw_cindex_set *set);
/* requests sent and not yet answered at t */
size_t vw_requests_inflight(const vw_cindex *x, double t);

/* Counters at t. x may be NULL: would-block returns and refusals are then
 * counted by walking the lanes (small runs, tests). */
void vw_counters_at_x(const vw_run *r, const vw_cindex *x, double t, vw_counters *c);
void vw_counters_at(const vw_run *r, double t, vw_counters *c);

const char *vw_ctr_key(vw_ctr k);      /* the label key (ui_text.c) */
void vw_ctr_value(const vw_counters *c, vw_ctr k, char *out, int n);
/* A value as wide as this counter's usually get: what the layout makes room for. */
const char *vw_ctr_sample(vw_ctr k);
/* Which counters a run shows, most important first: those its preset's
 * caption asks about (asked, nasked), then the usual ones; counters that
 * stay zero for the whole run (no completion packets in a readiness model)
 * are left out unless asked. Returns the count. */
int vw_ctr_order(const vw_counters *total, const vw_ctr *asked, int nasked, vw_ctr *out);

/* Where each counter's label and value go in a box. */
typedef struct vw_ctr_cell {
    vw_ctr k;
    vw_rect label, value;   /* value: right-aligned in its rect */
} vw_ctr_cell;

typedef struct vw_ctr_layout {
    vw_font font;
    int n;                  /* counters placed: the first n of the order */
    vw_ctr_cell cell[VW_NCTR];
} vw_ctr_layout;

/* Places counters order[0..n) in box: the larger font in one column, or
 * two when that shows more, else the smaller font likewise; a label too
 * wide to share its row puts its value below it; as many as fit, in order,
 * no two texts overlapping. */
void vw_ctr_layout_build(vw_draw *d, vw_lang lang, const vw_rect *box, vw_font big, vw_font small,
                         const vw_ctr *order, int n, vw_ctr_layout *out);

#endif
