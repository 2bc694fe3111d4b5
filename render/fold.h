/* fold.h — turning a lane into what fits on screen. Events wider than a
 * pixel or two become their own segment; a pixel column holding many
 * events becomes one folded segment carrying the share of that column's
 * time spent in each category. Cost per frame is O(columns x log n): the
 * block summaries (vw_prefix) answer dense columns without touching their
 * events, and nothing off screen is walked. */
#ifndef VW_FOLD_H
#define VW_FOLD_H

#include <stddef.h>

#include "render/session.h"
#include "render/timeline.h"

typedef struct vw_seg {
    int x0, x1;                 /* pixel columns [x0, x1) */
    int folded;                 /* 1: several events summarised; 0: one event */
    size_t idx;                 /* the event (folded: the first one) */
    unsigned n;                 /* events in the segment (approximate when dense) */
    unsigned short frac[VW_NCAT]; /* folded: per-mille of the column per category */
    unsigned instants;          /* zero-length events inside */
} vw_seg;

/* Fills out[] (at most max) for lane l in view v; returns the count.
 * spans_only_containers: lanes whose containers (requests) are the spans
 * themselves; otherwise containers (message dispatch) are left to the
 * caller, drawn over the calls they enclose. */
int vw_fold_lane(const vw_lane *l, const vw_view *v, int containers_are_spans, vw_seg *out, int max);

/* Operations in flight at time t on an operation lane. */
size_t vw_ops_inflight(const vw_oplane *o, double t);
/* Index of the first op to draw individually for view v (walks back over
 * ops still in flight at v->t0, at most a bounded number). */
size_t vw_ops_first_visible(const vw_oplane *o, const vw_view *v);

#endif
