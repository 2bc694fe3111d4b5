/* scene_overview.c — one summary strip per run, for comparisons with more
 * models than panels fit (the chapter's closing comparison has eleven):
 * the run's name, a band of what its server threads are doing (stacked
 * shares of waiting, in kernel, user code per pixel column, over the
 * threads alive), a band of its queue (asynchronous operations in flight,
 * window messages queued, or else client requests waiting for their echo),
 * and its key counters. A strip opens into the run's full panel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/scene_kit.h"
#include "render/scene_overview.h"
#include "render/scene_panel.h"
#include "render/ui_text.h"

enum { SH_WAIT, SH_KERNEL, SH_USER, SH_ALIVE, SH_N };

/* per column, the number of server threads in each state (fractions) */
static void server_state(vw_sc *c, const vw_run *r, double *acc)
{
    const vw_view *v = c->v;
    int w = v->w;
    for (int i = 0; i < r->nserver; i++) {
        const vw_lane *l = &r->lanes[i];
        if (!vw_lane_is_model(l) || !l->n) /* the model's threads, as its counters */
            continue;
        int a0 = (int)floor(vw_view_px(v, (double)l->first)) - v->x0, a1 = (int)ceil(vw_view_px(v, (double)l->last)) - v->x0;
        for (int x = a0 < 0 ? 0 : a0; x < a1 && x < w; x++)
            acc[SH_ALIVE * w + x] += 1;
        int n = vw_fold_lane(l, v, 0, c->seg, c->segcap);
        for (int k = 0; k < n; k++) {
            const vw_seg *s = &c->seg[k];
            int x0 = s->x0 - v->x0, x1 = s->x1 - v->x0;
            x0 = x0 < 0 ? 0 : x0;
            for (int x = x0; x < x1 && x < w; x++) {
                if (s->folded) {
                    acc[SH_WAIT * w + x] += s->frac[VW_CAT_WAIT] / 1000.0;
                    acc[SH_KERNEL * w + x] += s->frac[VW_CAT_KERNEL] / 1000.0;
                    acc[SH_USER * w + x] += s->frac[VW_CAT_USER] / 1000.0;
                    continue;
                }
                vw_cat cat = vw_ev_cat(&l->ev[s->idx]);
                if (cat < VW_NCAT)
                    acc[(cat == VW_CAT_WAIT ? SH_WAIT : cat == VW_CAT_KERNEL ? SH_KERNEL : SH_USER) * w + x] += 1;
            }
        }
    }
}

/* stacked columns, bottom up: waiting, in kernel, user code, alive between
 * calls; neighbouring columns of the same shape drawn as one */
static void state_band(vw_sc *c, const vw_run *r, const vw_box *b)
{
    int w = c->v->w, X0 = c->v->x0;
    vw_fill(c->d, X0, b->y, w, b->h, VW_C_IDLE);
    double *acc = calloc((size_t)w * SH_N, sizeof *acc);
    if (!acc)
        return;
    server_state(c, r, acc);
    double n = 0;
    for (int i = 0; i < r->nserver; i++)
        n += vw_lane_is_model(&r->lanes[i]);
    static const vw_rgba col[SH_N] = {VW_C_WAIT, VW_C_KERNEL, VW_C_USER, VW_C_ALIVE};
    int prev[SH_N] = {-1, -1, -1, -1}, start = 0;
    for (int x = 0; x <= w; x++) {
        int cur[SH_N] = {0}, used = 0;
        for (int k = 0; x < w && k < SH_N; k++) {
            double share = n > 0 ? acc[k * w + x] / n : 0;
            if (k == SH_ALIVE) /* alive and in no call: the rest of the alive share */
                share -= (acc[SH_WAIT * w + x] + acc[SH_KERNEL * w + x] + acc[SH_USER * w + x]) / (n > 0 ? n : 1);
            int h = (int)lround((share < 0 ? 0 : share > 1 ? 1 : share) * b->h);
            cur[k] = h > b->h - used ? b->h - used : h;
            used += cur[k];
        }
        if (x > 0 && (x == w || memcmp(cur, prev, sizeof cur) != 0)) {
            int bottom = b->y + b->h;
            for (int k = 0; k < SH_N; k++) {
                vw_sc_rect_split(c, X0 + start, X0 + x, bottom - prev[k], prev[k], col[k]);
                bottom -= prev[k];
            }
        }
        if (x == 0 || memcmp(cur, prev, sizeof cur) != 0) {
            memcpy(prev, cur, sizeof cur);
            start = x;
        }
    }
    free(acc);
}

/* the run's queue per column: operations in flight (completion models),
 * messages queued (async-select), or requests not yet echoed */
static const char *queue_band(vw_sc *c, int p, const vw_box *b, size_t *maxv)
{
    const vw_run *r = &c->app->s.runs[p];
    const vw_cindex *x = vw_cindex_get(&c->app->cx, &c->app->s, p);
    int w = c->v->w, X0 = c->v->x0;
    const char *what = r->kernel.n ? "q_ops" : r->msgs.n ? "q_msgs" : "q_reqs";
    vw_rgba col = r->kernel.n ? VW_C_INFLIGHT : r->msgs.n ? VW_C_MESSAGE : VW_C_REQUEST;
    vw_fill(c->d, X0, b->y, w, b->h, VW_C_PANEL);
    size_t *n = malloc((size_t)w * sizeof *n);
    int *h = malloc((size_t)w * sizeof *h);
    *maxv = 0;
    for (int i = 0; n && h && i < w; i++) {
        double t = vw_view_ns(c->v, X0 + i + 0.5);
        n[i] = r->kernel.n ? vw_ops_inflight(&r->kernel, t) : r->msgs.n ? vw_ops_inflight(&r->msgs, t)
                                                                      : vw_requests_inflight(x, t);
        *maxv = n[i] > *maxv ? n[i] : *maxv;
    }
    for (int i = 0; n && h && i < w; i++)
        h[i] = *maxv ? (int)((double)n[i] * b->h / (double)*maxv + 0.5) : 0;
    if (n && h)
        vw_sc_bars(c, X0, h, w, b->y + b->h, col, 1);
    free(n);
    free(h);
    return what;
}

/* the strips' titles in one size: the label font when every title fits it */
vw_font vw_sc_strip_font(vw_sc *c)
{
    const vw_layout *L = &c->app->L;
    char s[160];
    for (int p = 0; p < L->npanels && p < c->app->s.nruns; p++) {
        snprintf(s, sizeof s, "%d. %s", p + 1, c->app->s.runs[p].model);
        if (L->panels[p].all.h && vw_text_w(c->d, c->f_label, s) > L->panels[p].title.w - 16)
            return VW_FONT_SMALL;
    }
    return c->f_label;
}

void vw_sc_strip(vw_sc *c, int p)
{
    vw_app *app = c->app;
    const vw_panel_box *pb = &app->L.panels[p];
    if (pb->all.h == 0 || pb->nbox < 2)
        return;
    const vw_run *r = &app->s.runs[p];
    vw_fill(c->d, 0, pb->all.y, app->w, pb->all.h, VW_C_PANEL);
    state_band(c, r, &pb->box[0]);
    size_t maxv;
    const char *what = queue_band(c, p, &pb->box[1], &maxv);
    /* name, and what the lower band counts with its scale (when there is room for it) */
    char s[160], q[96];
    int tw = pb->title.w - 16;
    snprintf(s, sizeof s, "%d. %s", p + 1, r->model);
    vw_font fl = c->f_strip;
    int lh = vw_text_h(c->d, fl), sh = vw_text_h(c->d, VW_FONT_SMALL);
    int y = pb->all.y + (pb->all.h - lh - sh) / 2;
    vw_text_fit(c->d, 8, y, fl, VW_C_TEXT, s, tw);
    snprintf(q, sizeof q, vw_label("max_fmt", app->lang), (unsigned long)maxv);
    snprintf(s, sizeof s, "%s%s", vw_label(what, app->lang), q);
    if (vw_text_w(c->d, VW_FONT_SMALL, s) > tw)
        snprintf(s, sizeof s, "%s", vw_label(what, app->lang));
    vw_text_fit(c->d, 8, y + lh, VW_FONT_SMALL, VW_C_TEXT_DIM, s, tw);
    vw_sc_counters(c, p, &pb->counters, c->f_counters, c->f_counters);
    if (p == app->focus) /* the strip the caption explains; Enter opens it */
        vw_frame(c->d, 1, pb->all.y, app->w - 2, pb->all.h, VW_C_SELECT, 2);
    vw_sc_zone(c, 0, pb->all.y, pb->title.w, pb->all.h, VW_Z_STRIP, p);
    vw_sc_zone(c, pb->counters.x, pb->all.y, pb->counters.w, pb->all.h, VW_Z_STRIP, p);
}
