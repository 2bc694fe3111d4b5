#include "render/counters.h"

#include <string.h>

#include "render/fold.h"

/* events of a lane that started before t; the one running at t counts with
 * its time so far */
static void lane_counts(const vw_lane *l, uint64_t t, vw_counters *c)
{
    size_t i = vw_lane_lower(l, t + 1);
    if (!l->pre || !i)
        return;
    const vw_prefix *p = &l->pre[(i - 1) / VW_BLOCK];
    c->calls += p->calls;
    c->transitions += p->transitions;
    c->blocked_ns += p->blocked_ns;
    c->completions += p->completions;
    for (size_t k = (i - 1) / VW_BLOCK * VW_BLOCK; k < i; k++) {
        const vw_ev *e = &l->ev[k];
        c->calls += (uint64_t)vw_ev_is_call(e);
        c->transitions += (e->flags & SS_EV_KERNEL) != 0;
        c->completions += e->api == SS_API_OP_COMPLETE;
        if (e->flags & SS_EV_MAYBLOCK) {
            uint64_t end = vw_ev_end(e);
            c->blocked_ns += (end < t ? end : t) - e->t0;
        }
    }
    c->threads++;
}

void vw_counters_at(const vw_run *r, double t, vw_counters *c)
{
    memset(c, 0, sizeof *c);
    if (t < 0)
        return;
    uint64_t tt = (uint64_t)t;
    for (int i = 0; i < r->nserver; i++)
        if (vw_lane_is_model(&r->lanes[i])) /* not the stand-in's emulation, not sockscope's own */
            lane_counts(&r->lanes[i], tt, c);
    c->requests = vw_u64_upper(r->req_end, r->nreq, tt);
    /* the last latency sample taken by t */
    size_t lo = 0, hi = r->nlat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->lat[mid].t <= tt)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        c->p50_ns = r->lat[lo - 1].p50;
        c->p99_ns = r->lat[lo - 1].p99;
    }
    c->inflight = vw_ops_inflight(&r->kernel, t);
}
