#include "render/hit.h"

#include <math.h>

#define HIT_WALK 256

long vw_hit_lane(const vw_lane *l, double t, double tol)
{
    if (!l->n)
        return -1;
    size_t i = vw_lane_first_covering(l, (uint64_t)fmax(0, t - tol));
    long best = -1;
    double best_d = 0;
    for (size_t k = i, walked = 0; k < l->n && walked < HIT_WALK; k++, walked++) {
        const vw_ev *e = &l->ev[k];
        if ((double)e->t0 > t + tol)
            break;
        double a = (double)e->t0, b = (double)vw_ev_end(e);
        double d = t < a ? a - t : t > b ? t - b : 0;
        /* an enclosed call beats its container: it is the more specific answer */
        if (vw_ev_cat(e) == VW_CAT_CONTAINER && l->kind != VW_LANE_CLIENT)
            d += tol / 2;
        if (d <= tol && (best < 0 || d < best_d)) {
            best = (long)k;
            best_d = d;
        }
    }
    return best;
}

int vw_client_lane(const vw_run *r, const vw_box *b, int y)
{
    int nc = r->nlanes - r->nserver;
    if (nc <= 0)
        return -1;
    int row = (int)((double)(y - b->y) * nc / b->h);
    row = row < 0 ? 0 : row >= nc ? nc - 1 : row;
    return r->nserver + row;
}

static long hit_ops(const vw_oplane *o, double t, double tol, int row, int rows)
{
    size_t i = vw_ops_lower(o, (uint64_t)fmax(0, t + tol) + 1);
    for (size_t k = i, walked = 0; k > 0 && walked < HIT_WALK; k--, walked++) {
        const vw_op *op = &o->op[k - 1];
        if ((double)vw_op_end(op) + tol >= t && (rows <= 1 || op->row == row))
            return (long)(k - 1);
    }
    return -1;
}

vw_hit vw_hit_test(const vw_session *s, const vw_layout *L, const vw_view *v, int x, int y)
{
    vw_hit h = {0};
    int p, b;
    if (x < L->plot.x || x >= L->plot.x + L->plot.w || vw_layout_find(L, y, &p, &b) != 0 || b < 0 ||
        p >= s->nruns)
        return h;
    const vw_run *r = &s->runs[p];
    const vw_box *box = &L->panels[p].box[b];
    if (box->kind == VW_BOX_STATE || box->kind == VW_BOX_QUEUE)
        return h; /* an overview strip: a summary of many events, none in particular */
    double t = vw_view_ns(v, x), tol = VW_HIT_TOL_PX * vw_view_ns_per_px(v);
    h.run = p;
    if (box->kind == VW_BOX_THREAD || box->kind == VW_BOX_CLIENTS) {
        int lane = box->kind == VW_BOX_THREAD ? box->lane : vw_client_lane(r, box, y);
        long k = lane >= 0 ? vw_hit_lane(&r->lanes[lane], t, tol) : -1;
        if (k >= 0) {
            h.kind = VW_HIT_EVENT;
            h.lane = lane;
            h.idx = (size_t)k;
        }
        return h;
    }
    const vw_oplane *o = box->kind == VW_BOX_KERNEL ? &r->kernel : &r->msgs;
    int rows = VW_OP_ROWS, row = (int)((double)(y - box->y) * rows / box->h);
    long k = hit_ops(o, t, tol, row, box->h / rows >= 2 ? rows : 1);
    if (k >= 0) {
        h.kind = box->kind == VW_BOX_KERNEL ? VW_HIT_OP : VW_HIT_MSG;
        h.idx = (size_t)k;
    }
    return h;
}
