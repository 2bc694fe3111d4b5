/* scene_panel.c — one run's panel: thread lanes, the kernel lane of
 * asynchronous operations, the message queue, the clients band, arrows for
 * completion packets / messages / wake-ups, packets travelling near the
 * playhead, and the live counters. Everything is clipped to the plot and
 * built from folded segments, so cost follows pixels, not events. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/counters.h"
#include "render/preset.h"
#include "render/scene_kit.h"
#include "render/scene_panel.h"
#include "render/ui_text.h"

#define DETAIL_EVENTS 3000   /* walk a lane's visible events only below this */
#define TRAVEL_WALL_S 0.35   /* a packet takes this long on screen to travel... */
#define TRAVEL_MAX_PX 30     /* ...or the time the playhead needs to cross this many pixels */

/* how long before its arrival a packet starts travelling */
static double travel_span(const vw_sc *c)
{
    double wall = c->app->a.speed * TRAVEL_WALL_S, px = TRAVEL_MAX_PX * vw_view_ns_per_px(c->v);
    return wall < px ? wall : px;
}

static int clampi(double x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : (int)x; }

static void rect_split(vw_sc *c, int x0, int x1, int y, int h, vw_rgba col) { vw_sc_rect_split(c, x0, x1, y, h, col); }

static vw_rgba request_color(const vw_run *r, const vw_ev *e)
{
    if (e->flags & SS_EV_FAILED)
        return VW_C_WAIT;
    uint64_t p99 = r->nlat ? r->lat[r->nlat - 1].p99 : 0;
    return p99 && vw_ev_dur(e) >= p99 ? VW_C_REQ_SLOW : VW_C_REQUEST;
}

static vw_rgba event_color(const vw_run *r, const vw_ev *e)
{
    if (e->api == SS_API_REQUEST)
        return request_color(r, e);
    return vw_cat_color(vw_ev_cat(e));
}

/* a folded column: stacked shares, waiting at the bottom; heights in pixels */
typedef struct column {
    int x0, x1, part[VW_NCAT], tick;
} column;

static const vw_cat fold_order[VW_NCAT] = {VW_CAT_WAIT, VW_CAT_KERNEL, VW_CAT_USER};

static void column_of(const vw_seg *s, int h, int spans, column *col)
{
    int left = h;
    col->x0 = s->x0, col->x1 = s->x1;
    for (int k = 0; k < VW_NCAT; k++) {
        int part = (int)lround((double)s->frac[fold_order[k]] * h / 1000.0);
        if (s->frac[fold_order[k]] > 0 && part == 0)
            part = 1; /* a sliver of waiting must not vanish when zoomed out */
        col->part[k] = part > left ? left : part;
        left -= col->part[k];
    }
    col->tick = s->instants && !spans;
}

static void draw_column(vw_sc *c, const column *col, int y, int h, int spans)
{
    int bottom = y + h;
    for (int k = 0; k < VW_NCAT; k++) {
        rect_split(c, col->x0, col->x1, bottom - col->part[k], col->part[k],
                   spans ? VW_C_REQUEST : vw_cat_color(fold_order[k]));
        bottom -= col->part[k];
    }
    if (col->tick)
        rect_split(c, col->x0, col->x1, y, h / 3 > 2 ? h / 3 : 2, VW_C_PACKET);
}

static void draw_single(vw_sc *c, const vw_run *r, const vw_lane *l, const vw_seg *s, int y, int h)
{
    const vw_ev *e = &l->ev[s->idx];
    rect_split(c, s->x0, s->x1, y, h, event_color(r, e));
    int w = s->x1 - s->x0;
    if (w > 46 && h >= vw_text_h(c->d, VW_FONT_SMALL)) {
        const char *name = vw_ev_name(e); /* the role's name: a stand-in's Windows call as Windows names it */
        if (vw_text_w(c->d, VW_FONT_SMALL, name) < w - 6)
            vw_text(c->d, s->x0 + 3, y + (h - vw_text_h(c->d, VW_FONT_SMALL)) / 2, VW_FONT_SMALL,
                    VW_RGB(0xff, 0xff, 0xff), VW_ALIGN_LEFT, name);
    }
}

/* neighbouring folded columns of equal shape become one rectangle set:
 * fewer commands to draw, and a much smaller SVG */
static void draw_segments(vw_sc *c, const vw_run *r, const vw_lane *l, int y, int h, int spans)
{
    int n = vw_fold_lane(l, c->v, spans, c->seg, c->segcap), open = 0;
    column run = {0}, col;
    for (int i = 0; i < n; i++) {
        if (!c->seg[i].folded) {
            if (open)
                draw_column(c, &run, y, h, spans), open = 0;
            draw_single(c, r, l, &c->seg[i], y, h);
            continue;
        }
        column_of(&c->seg[i], h, spans, &col);
        if (open && col.x0 == run.x1 && !memcmp(col.part, run.part, sizeof col.part) && col.tick == run.tick) {
            run.x1 = col.x1;
            continue;
        }
        if (open)
            draw_column(c, &run, y, h, spans);
        run = col, open = 1;
    }
    if (open)
        draw_column(c, &run, y, h, spans);
}

/* the event running at the playhead lights up with a frame */
static void highlight_current(vw_sc *c, const vw_lane *l, int y, int h)
{
    double t = c->app->a.t;
    long k = vw_hit_lane(l, t, 0);
    if (k < 0)
        return;
    const vw_ev *e = &l->ev[k];
    int x0 = clampi(vw_view_px(c->v, (double)e->t0), c->v->x0, c->v->x0 + c->v->w);
    int x1 = clampi(vw_view_px(c->v, (double)vw_ev_end(e)), c->v->x0, c->v->x0 + c->v->w);
    if (x1 - x0 < 3)
        x0 -= 1, x1 += 2;
    vw_frame(c->d, x0 - 1, y - 1, x1 - x0 + 2, h + 2, VW_C_SELECT, 2);
}

static void draw_containers(vw_sc *c, const vw_lane *l, size_t i, size_t j, int y, int h)
{
    for (size_t k = i; k < j; k++) {
        const vw_ev *e = &l->ev[k];
        if (vw_ev_cat(e) != VW_CAT_CONTAINER)
            continue;
        int x0 = clampi(vw_view_px(c->v, (double)e->t0), c->v->x0, c->v->x0 + c->v->w);
        int x1 = clampi(vw_view_px(c->v, (double)vw_ev_end(e)), c->v->x0, c->v->x0 + c->v->w);
        rect_split(c, x0, x1 > x0 ? x1 : x0 + 1, y, h / 5 > 2 ? h / 5 : 2, VW_C_MESSAGE_D);
    }
}

static const vw_box *find_box(const vw_panel_box *pb, vw_box_kind k, int lane)
{
    for (int b = 0; b < pb->nbox; b++)
        if (pb->box[b].kind == k && (k != VW_BOX_THREAD || pb->box[b].lane == lane))
            return &pb->box[b];
    return NULL;
}

static int lane_of_thread(const vw_run *r, int64_t thread)
{
    for (int i = 0; i < r->nserver; i++)
        if ((int64_t)r->lanes[i].thread_idx == thread)
            return i;
    return -1;
}

/* a dot travelling down the arrow during the last moments before its time */
static void travelling_dot(vw_sc *c, int x, int y0, int y1, double t_arrive)
{
    double span = travel_span(c), t = c->app->a.t;
    if (t < t_arrive - span || t > t_arrive || c->dots_left <= 0)
        return;
    c->dots_left--;
    double f = (t - (t_arrive - span)) / span;
    int y = (int)(y0 + (y1 - y0) * f);
    vw_fill(c->d, x - 4, y - 4, 9, 9, VW_C_PACKET);
    vw_frame(c->d, x - 4, y - 4, 9, 9, VW_C_TEXT, 1);
}

/* arrows into a thread lane: completion packets from the kernel lane,
 * messages from the queue, wake-ups from another thread */
static void lane_arrows(vw_sc *c, const vw_run *r, const vw_panel_box *pb, int lane, size_t i, size_t j)
{
    const vw_box *home = find_box(pb, VW_BOX_THREAD, lane);
    for (size_t k = i; k < j && c->arrows_left > 0; k++) {
        const vw_ev *e = &r->lanes[lane].ev[k];
        const vw_box *from = NULL, *to = home;
        vw_rgba col = VW_C_PACKET;
        if (e->api == SS_API_OP_COMPLETE) {
            from = find_box(pb, VW_BOX_KERNEL, -1);
        } else if (e->api == SS_API_MSG_DISPATCH) {
            from = find_box(pb, VW_BOX_MSGS, -1);
            col = VW_C_MESSAGE_D;
        } else if (e->api == SS_API_WAKEUP) {
            int target = lane_of_thread(r, e->ret);
            from = home;
            to = target >= 0 ? find_box(pb, VW_BOX_THREAD, target) : NULL;
            col = VW_C_TEXT;
        }
        if (!from || !to || from == to)
            continue;
        int x = (int)vw_view_px(c->v, (double)e->t0);
        int y0 = from->y + from->h / 2, y1 = to->y > from->y ? to->y + 1 : to->y + to->h - 1;
        vw_arrow(c->d, x, y0, x, y1, (double)e->t0 > c->app->a.t ? vw_future(col) : col, 2);
        travelling_dot(c, x, y0, y1, (double)e->t0);
        c->arrows_left--;
    }
}

static void thread_lane(vw_sc *c, const vw_run *r, const vw_panel_box *pb, const vw_box *b)
{
    const vw_lane *l = &r->lanes[b->lane];
    int X0 = c->v->x0, X1 = c->v->x0 + c->v->w;
    c->grey = l->kind == VW_LANE_EMUL; /* the stand-in's machinery, not the model */
    vw_fill(c->d, X0, b->y, X1 - X0, b->h, VW_C_IDLE);
    int a0 = clampi(vw_view_px(c->v, (double)l->first), X0, X1), a1 = clampi(vw_view_px(c->v, (double)l->last), X0, X1);
    rect_split(c, a0, a1, b->y, b->h, VW_C_ALIVE);
    draw_segments(c, r, l, b->y, b->h, 0);
    size_t i = vw_lane_first_covering(l, (uint64_t)fmax(0, c->v->t0));
    size_t j = vw_lane_lower(l, (uint64_t)fmax(0, c->v->t1));
    if (j - i < DETAIL_EVENTS) {
        draw_containers(c, l, i, j, b->y, b->h);
        lane_arrows(c, r, pb, b->lane, i, j);
    }
    if (c->show_playhead)
        highlight_current(c, l, b->y, b->h);
    c->grey = 0;
}

/* a message wide enough for it names its network event (FD_READ...) */
static void message_label(vw_sc *c, const vw_op *op, int x0, int x1, int y, int h)
{
    char ne[64];
    vw_net_events(op->api, ne, sizeof ne);
    if (ne[0] && h >= vw_text_h(c->d, VW_FONT_SMALL) - 2 && vw_text_w(c->d, VW_FONT_SMALL, ne) < x1 - x0 - 4)
        vw_text(c->d, x0 + 2, y + (h - vw_text_h(c->d, VW_FONT_SMALL)) / 2, VW_FONT_SMALL, VW_C_TEXT, VW_ALIGN_LEFT, ne);
}

static void op_bars(vw_sc *c, const vw_oplane *o, const vw_box *b, vw_rgba col)
{
    int X0 = c->v->x0, X1 = c->v->x0 + c->v->w, rh = b->h / VW_OP_ROWS;
    size_t i = vw_ops_first_visible(o, c->v), j = vw_ops_lower(o, (uint64_t)fmax(0, c->v->t1));
    for (size_t k = i; k < j; k++) {
        const vw_op *op = &o->op[k];
        int x0 = clampi(vw_view_px(c->v, (double)op->t0), X0, X1), x1 = clampi(vw_view_px(c->v, (double)vw_op_end(op)), X0, X1);
        if (x1 <= X0 || x0 >= X1)
            continue;
        int y = rh >= 2 ? b->y + op->row * rh : b->y, h = rh >= 2 ? rh - 1 : b->h;
        rect_split(c, x0, x1 > x0 ? x1 : x0 + 1, y, h, op->ret_neg ? VW_C_WAIT : col);
        if (col == VW_C_MESSAGE)
            message_label(c, op, x0, x1, y, h);
        if (op->depth && x1 < X1) { /* the completion queue when it was taken: taller = more packets */
            int qh = op->depth * b->h / (VW_OP_ROWS * 2) + 1;
            qh = qh > b->h ? b->h : qh;
            rect_split(c, x1 - 1, x1 + 2, b->y + b->h - qh, qh, VW_C_PACKET);
        }
    }
}

/* zoomed out: how many operations are in flight, per column */
static void op_depth(vw_sc *c, const vw_oplane *o, const vw_box *b, vw_rgba col)
{
    int X0 = c->v->x0, w = c->v->w;
    size_t maxv = 1;
    int *h = malloc((size_t)w * sizeof *h);
    size_t *n = malloc((size_t)w * sizeof *n);
    for (int x = 0; h && n && x < w; x++) {
        n[x] = vw_ops_inflight(o, vw_view_ns(c->v, X0 + x + 0.5));
        maxv = n[x] > maxv ? n[x] : maxv;
    }
    for (int x = 0; h && n && x < w; x++)
        h[x] = (int)((double)n[x] * b->h / (double)maxv);
    if (h && n)
        vw_sc_bars(c, X0, h, w, b->y + b->h, col, 1);
    free(h);
    free(n);
}

static void op_lane(vw_sc *c, const vw_oplane *o, const vw_box *b, vw_rgba col)
{
    vw_fill(c->d, c->v->x0, b->y, c->v->w, b->h, VW_C_PANEL);
    size_t i = vw_ops_first_visible(o, c->v), j = vw_ops_lower(o, (uint64_t)fmax(0, c->v->t1));
    if (j - i <= (size_t)c->v->w * 2)
        op_bars(c, o, b, col);
    else
        op_depth(c, o, b, col);
}

/* requests near the playhead: a dot goes up when the request is sent and
 * comes back down when the echo arrives */
static void request_dots(vw_sc *c, const vw_lane *l, int row_y, int top_y)
{
    double t = c->app->a.t, span = travel_span(c);
    long k = vw_hit_lane(l, t, span);
    if (k < 0 || c->dots_left <= 0)
        return;
    const vw_ev *e = &l->ev[k];
    double t0 = (double)e->t0, t1 = (double)vw_ev_end(e);
    double f = -1;
    if (t >= t0 && t <= t0 + span) f = (t - t0) / span;            /* going up */
    else if (t >= t1 - span && t <= t1) f = 1 - (t - (t1 - span)) / span; /* coming back */
    if (f < 0)
        return;
    int x = (int)c->ph_x, y = (int)(row_y + (top_y - row_y) * f);
    vw_fill(c->d, x - 3, y - 3, 7, 7, VW_C_REQUEST);
    c->dots_left--;
}

static void clients_band(vw_sc *c, const vw_run *r, const vw_box *b, int top_y)
{
    int nc = r->nlanes - r->nserver;
    vw_fill(c->d, c->v->x0, b->y, c->v->w, b->h, VW_C_PANEL);
    for (int i = 0; i < nc; i++) {
        int y0 = b->y + (int)((double)i * b->h / nc), y1 = b->y + (int)((double)(i + 1) * b->h / nc);
        int h = y1 - y0 > 2 ? y1 - y0 - (y1 - y0 > 4) : y1 - y0;
        draw_segments(c, r, &r->lanes[r->nserver + i], y0, h > 0 ? h : 1, 1);
        if (c->app->a.playing || c->app->a.t > 0)
            request_dots(c, &r->lanes[r->nserver + i], y0 + h / 2, top_y);
    }
}

/* Lane labels: one per lane when the lanes are tall enough, else one per
 * group of lanes ("conn 0–19"), with a bracket over the lanes it names.
 * The smaller font is tried before lanes of different kinds are grouped. */
static void lane_labels(vw_sc *c, const vw_run *r, const vw_panel_box *pb)
{
    vw_lane_label lab[64];
    vw_font f = c->f_label;
    int n = vw_lane_labels(r, pb, vw_text_h(c->d, f), c->app->lang, lab, 64);
    for (int i = 0; i < n && f != VW_FONT_SMALL; i++)
        if (strstr(lab[i].text, ", ")) {
            f = VW_FONT_SMALL;
            n = vw_lane_labels(r, pb, vw_text_h(c->d, f), c->app->lang, lab, 64);
            break;
        }
    int th = vw_text_h(c->d, f), right = c->v->x0 - 8;
    for (int i = 0; i < n; i++) {
        const vw_lane_label *l = &lab[i];
        int y = l->y + (l->h - th) / 2;
        vw_text_fit_in(c->d, 4, y, f, VW_C_TEXT, l->text, right - 4, VW_ALIGN_RIGHT);
        if (l->b1 > l->b0) /* a bracket: the label names every lane it spans */
            vw_fill(c->d, c->v->x0 - 4, l->y, 2, l->h, VW_C_TEXT_DIM);
    }
}

/* the counters run p shows, in order; returns how many, and how many of
 * them its preset's caption asks about */
static int counter_order(vw_sc *c, int p, vw_ctr *order, int *nasked)
{
    vw_app *app = c->app;
    const vw_cindex *x = vw_cindex_get(&app->cx, &app->s, p);
    char name[64];
    vw_ctr asked[VW_NCTR];
    *nasked = vw_run_scenario(&app->s.runs[p], name, sizeof name) == 0 ? vw_preset_counters(name, asked, VW_NCTR) : 0;
    return vw_ctr_order(x ? &x->total : NULL, asked, *nasked, order);
}

/* One font for every panel's counters: the larger one only when it leaves
 * no panel short of what its caption asks about and the usual first three. */
vw_font vw_sc_counters_font(vw_sc *c, vw_font big, vw_font small)
{
    const vw_layout *L = &c->app->L;
    for (int p = 0; p < L->npanels && p < c->app->s.nruns; p++) {
        if (L->panels[p].all.h == 0)
            continue;
        vw_ctr order[VW_NCTR];
        vw_ctr_layout cl;
        int nasked, n = counter_order(c, p, order, &nasked), want = nasked + 3 < n ? nasked + 3 : n;
        vw_ctr_layout_build(c->d, c->app->lang, &L->panels[p].counters, big, big, order, n, &cl);
        if (cl.n < want)
            return small;
    }
    return big;
}

void vw_sc_counters(vw_sc *c, int p, const vw_rect *box, vw_font big, vw_font small)
{
    vw_app *app = c->app;
    const vw_run *r = &app->s.runs[p];
    const vw_cindex *x = vw_cindex_get(&app->cx, &app->s, p);
    vw_counters k;
    vw_counters_at_x(r, x, app->a.t, &k);
    vw_ctr order[VW_NCTR];
    int nasked, n = counter_order(c, p, order, &nasked);
    vw_ctr_layout cl;
    vw_ctr_layout_build(c->d, app->lang, box, big, small, order, n, &cl);
    vw_fill(c->d, box->x, box->y, box->w, box->h, VW_C_PANEL);
    for (int i = 0; i < cl.n; i++) {
        const vw_ctr_cell *cell = &cl.cell[i];
        char v[64];
        vw_ctr_value(&k, cell->k, v, sizeof v);
        /* what the preset's caption asks to compare stands out */
        vw_rgba lc = i < nasked ? VW_C_KERNEL : VW_C_TEXT_DIM;
        vw_text(c->d, cell->label.x, cell->label.y, cl.font, lc, VW_ALIGN_LEFT, vw_label(vw_ctr_key(cell->k), app->lang));
        vw_text_fit_in(c->d, cell->value.x, cell->value.y, cl.font, VW_C_TEXT, v, cell->value.w, VW_ALIGN_RIGHT);
    }
}

/* a small framed button, right-aligned at *right; returns its left edge */
static int title_button(vw_sc *c, const vw_rect *t, int right, const char *label, int id, int arg)
{
    int bw = vw_text_w(c->d, VW_FONT_SMALL, label) + 12, bx = right - bw;
    vw_frame(c->d, bx, t->y + 2, bw, t->h - 4, VW_C_TEXT_DIM, 1);
    vw_text(c->d, bx + 6, t->y + (t->h - vw_text_h(c->d, VW_FONT_SMALL)) / 2, VW_FONT_SMALL, VW_C_TEXT, VW_ALIGN_LEFT,
            label);
    vw_sc_zone(c, bx, t->y + 2, bw, t->h - 4, id, arg);
    return bx;
}

static void panel_title(vw_sc *c, int p, const vw_run *r, const vw_rect *t)
{
    vw_lang lang = c->app->lang;
    vw_fill(c->d, 0, t->y, c->app->w, t->h, VW_C_PANEL);
    /* panel buttons, right to left: remove, move down, move up; back to the
     * overview when this panel was opened from it */
    int bx = c->app->w - 8;
    if (!c->app->slide) { /* a picture for a slide has no buttons */
        bx = title_button(c, t, bx, "×", VW_Z_REMOVE, p) - 4;
        bx = title_button(c, t, bx, "▼", VW_Z_DOWN, p) - 4;
        bx = title_button(c, t, bx, "▲", VW_Z_UP, p) - 4;
        if (c->app->open)
            bx = title_button(c, t, bx, vw_label("opened", lang), VW_Z_BACK, 0) - 4;
    }
    char title[1024];
    snprintf(title, sizeof title, "%d. %s", p + 1, r->model);
    int x = 8 + vw_text_fit(c->d, 8, t->y + 3, VW_FONT_NORMAL, VW_C_TEXT, title, bx - 18) + 14;
    /* a warning first, where a cut title cannot hide it; then where the run was recorded */
    char origin[160], setsize[32], limit[48] = "";
    const char *params = vw_run_origin(r->params, r->mechanism, lang, origin, sizeof origin);
    vw_param_value(r->params, "fd_setsize", setsize, sizeof setsize); /* select's limit in force, before a cut */
    if (setsize[0])
        snprintf(limit, sizeof limit, "FD_SETSIZE %s   ", setsize);
    snprintf(title, sizeof title, "%s%s%s%s%s%s   %s", r->dropped ? vw_label("dropped", lang) : "",
             r->dropped ? "   " : "", limit, origin, origin[0] ? "   " : "", vw_mechanism(r->model, r->mechanism, lang),
             params);
    vw_text_fit(c->d, x, t->y + 3 + (vw_text_h(c->d, VW_FONT_NORMAL) - vw_text_h(c->d, VW_FONT_SMALL)) / 2,
                VW_FONT_SMALL, VW_C_TEXT_DIM, title, bx - 10 - x);
}

static void selection_chain(vw_sc *c, const vw_run *r, const vw_panel_box *pb)
{
    const vw_hit *s = &c->app->sel;
    if (s->kind != VW_HIT_EVENT)
        return;
    int sock = r->lanes[s->lane].ev[s->idx].sock;
    /* related: the calls on the same socket, in every lane of the run */
    for (int b = 0; b < pb->nbox && sock >= 0; b++) {
        if (pb->box[b].kind != VW_BOX_THREAD)
            continue;
        const vw_lane *l = &r->lanes[pb->box[b].lane];
        size_t i = vw_lane_first_covering(l, (uint64_t)fmax(0, c->v->t0)), j = vw_lane_lower(l, (uint64_t)fmax(0, c->v->t1));
        for (size_t k = i; k < j && j - i < DETAIL_EVENTS; k++) {
            if (l->ev[k].sock != sock)
                continue;
            int x0 = (int)vw_view_px(c->v, (double)l->ev[k].t0), x1 = (int)vw_view_px(c->v, (double)vw_ev_end(&l->ev[k]));
            vw_frame(c->d, x0 - 1, pb->box[b].y, (x1 - x0) + 3, pb->box[b].h, VW_C_TEXT, 1);
        }
    }
    const vw_ev *e = &r->lanes[s->lane].ev[s->idx];
    const vw_box *bx = r->lanes[s->lane].kind == VW_LANE_CLIENT ? find_box(pb, VW_BOX_CLIENTS, -1)
                                                                : find_box(pb, VW_BOX_THREAD, s->lane);
    if (!bx)
        return;
    int x0 = (int)vw_view_px(c->v, (double)e->t0), x1 = (int)vw_view_px(c->v, (double)vw_ev_end(e));
    vw_frame(c->d, x0 - 2, bx->y - 2, x1 - x0 + 5, bx->h + 4, VW_C_SELECT, 3);
}

void vw_sc_panel(vw_sc *c, int p)
{
    vw_app *app = c->app;
    const vw_run *r = &app->s.runs[p];
    const vw_panel_box *pb = &app->L.panels[p];
    if (pb->all.h == 0)
        return; /* paged out */
    panel_title(c, p, r, &pb->title);
    int top = pb->nbox ? pb->box[0].y : pb->title.y;
    lane_labels(c, r, pb);
    for (int b = 0; b < pb->nbox; b++) {
        const vw_box *box = &pb->box[b];
        switch (box->kind) {
        case VW_BOX_THREAD: break; /* after the others: arrows land on top */
        case VW_BOX_KERNEL: op_lane(c, &r->kernel, box, VW_C_INFLIGHT); break;
        case VW_BOX_MSGS: op_lane(c, &r->msgs, box, VW_C_MESSAGE); break;
        case VW_BOX_CLIENTS: clients_band(c, r, box, top); break;
        default: break;
        }
    }
    for (int b = 0; b < pb->nbox; b++)
        if (pb->box[b].kind == VW_BOX_THREAD)
            thread_lane(c, r, pb, &pb->box[b]);
    if (app->sel.kind && app->sel.run == p)
        selection_chain(c, r, pb);
    if (r->nevents == 0)
        vw_text(c->d, c->v->x0 + 8, pb->title.y + pb->title.h + 2, c->f_label, VW_C_TEXT_DIM, VW_ALIGN_LEFT,
                vw_label("empty run", app->lang));
    vw_sc_counters(c, p, &pb->counters, c->f_counters, c->f_counters);
}
