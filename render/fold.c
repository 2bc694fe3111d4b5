#include "render/fold.h"
#include "render/sortutil.h"

#include <math.h>
#include <string.h>

#define WALK_LIMIT (2 * VW_BLOCK) /* denser columns use block summaries */

static void sum_walk(const vw_lane *l, size_t i, size_t j, double c0, double c1, int spans, uint64_t cat[VW_NCAT],
                     unsigned *inst)
{
    for (size_t k = i; k < j; k++) {
        const vw_ev *e = &l->ev[k];
        vw_cat c = vw_ev_cat(e);
        if (c == VW_CAT_INSTANT) {
            (*inst)++;
            continue;
        }
        if (c == VW_CAT_CONTAINER) {
            if (!spans)
                continue;
            c = VW_CAT_USER;
        }
        double a = (double)e->t0 > c0 ? (double)e->t0 : c0;
        double b = (double)vw_ev_end(e) < c1 ? (double)vw_ev_end(e) : c1;
        if (b > a)
            cat[c] += (uint64_t)(b - a);
    }
}

static void sum_blocks(const vw_lane *l, size_t i, size_t j, uint64_t cat[VW_NCAT], unsigned *inst)
{
    const vw_prefix *a = &l->pre[i / VW_BLOCK], *b = &l->pre[j / VW_BLOCK];
    for (int c = 0; c < VW_NCAT; c++)
        cat[c] = b->cat_ns[c] - a->cat_ns[c];
    *inst = b->instants - a->instants;
}

/* one pixel column [x, x+1) holding events [i, j) */
static void fold_column(const vw_lane *l, const vw_view *v, int x, size_t i, size_t j, int spans, vw_seg *s)
{
    uint64_t cat[VW_NCAT] = {0};
    unsigned inst = 0;
    double c0 = vw_view_ns(v, x), c1 = vw_view_ns(v, x + 1);
    if (j - i > WALK_LIMIT && l->pre)
        sum_blocks(l, i, j, cat, &inst);
    else
        sum_walk(l, i, j, c0, c1, spans, cat, &inst);
    memset(s, 0, sizeof *s);
    s->x0 = x;
    s->x1 = x + 1;
    s->folded = 1;
    s->idx = i;
    s->n = (unsigned)(j - i);
    s->instants = inst;
    double width = c1 - c0;
    for (int c = 0; c < VW_NCAT; c++) {
        double f = (double)cat[c] / width;
        s->frac[c] = (unsigned short)(f > 1 ? 1000 : f * 1000 + 0.5);
    }
}

/* first index >= from with t0 >= t: galloping from where the previous
 * column ended, so a sweep costs log(events per column), not log(n), and
 * stays in cache */
static size_t lower_from(const vw_lane *l, size_t from, uint64_t t)
{
    size_t step = 1, lo = from, hi;
    while (from + step < l->n && l->ev[from + step].t0 < t) {
        lo = from + step;
        step *= 2;
    }
    hi = from + step < l->n ? from + step : l->n;
    return vw_lower_t0(l->ev, sizeof *l->ev, lo, hi, t);
}

int vw_fold_lane(const vw_lane *l, const vw_view *v, int spans, vw_seg *out, int max)
{
    int n = 0, x = v->x0, xend = v->x0 + v->w;
    if (!l->n || max <= 0)
        return 0;
    size_t i = vw_lane_first_covering(l, (uint64_t)fmax(0, vw_view_ns(v, x)));
    while (x < xend && i < l->n && n < max) {
        const vw_ev *e = &l->ev[i];
        if (!spans && vw_ev_cat(e) == VW_CAT_CONTAINER) {
            i++;
            continue;
        }
        double a = vw_view_px(v, (double)e->t0), b = vw_view_px(v, (double)vw_ev_end(e));
        if (b < x || (b == x && a < x)) { /* over before this column */
            i++;
            continue;
        }
        if (a >= x + 1) { /* a gap: jump to the event's column */
            x = (int)floor(a);
            continue;
        }
        if (b >= x + 2) { /* wide enough to be drawn on its own */
            vw_seg *s = &out[n++];
            memset(s, 0, sizeof *s);
            s->x0 = x;
            s->x1 = b > xend ? xend : (int)ceil(b);
            s->idx = i;
            s->n = 1;
            x = (int)floor(b) > x ? (int)floor(b) : x + 1;
            i++;
            continue;
        }
        size_t j = lower_from(l, i, (uint64_t)fmax(0, ceil(vw_view_ns(v, x + 1))));
        if (j <= i)
            j = i + 1;
        fold_column(l, v, x, i, j, spans, &out[n++]);
        /* the last event of the column may run on into the next ones */
        i = (j > i + 1 && vw_ev_end(&l->ev[j - 1]) > vw_view_ns(v, x + 1)) ? j - 1 : j;
        x++;
    }
    return n;
}

size_t vw_ops_inflight(const vw_oplane *o, double t)
{
    if (t < 0 || !o->t_end)
        return 0;
    size_t started = vw_ops_lower(o, (uint64_t)t + 1);
    size_t ended = vw_u64_upper(o->t_end, o->n, (uint64_t)t);
    return started > ended ? started - ended : 0;
}

#define OPS_WALK_BACK 4096
size_t vw_ops_first_visible(const vw_oplane *o, const vw_view *v)
{
    double t0 = v->t0 > 0 ? v->t0 : 0;
    size_t i = vw_ops_lower(o, (uint64_t)t0), first = i;
    size_t want = vw_ops_inflight(o, t0), found = 0;
    for (size_t k = i; k > 0 && found < want && i - k < OPS_WALK_BACK; k--) {
        const vw_op *op = &o->op[k - 1];
        if ((double)vw_op_end(op) > t0) {
            found++;
            first = k - 1;
        }
    }
    return first;
}
