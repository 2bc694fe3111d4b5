#include "render/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/counters.h"
#include "render/preset.h"
#include "render/ui_text.h"

int vw_rect_has(const vw_rect *r, int x, int y) { return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h; }

int vw_rect_overlap(const vw_rect *a, const vw_rect *b)
{
    return a->w > 0 && a->h > 0 && b->w > 0 && b->h > 0 && a->x < b->x + b->w && b->x < a->x + a->w &&
           a->y < b->y + b->h && b->y < a->y + a->h;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static int panel_boxes(const vw_run *r)
{
    return r->nserver + (r->kernel.n > 0) + (r->msgs.n > 0) + (r->nlanes > r->nserver);
}

/* height units of a panel's lanes: a thread lane is 1, the others a bit more */
static double panel_units(const vw_run *r)
{
    return r->nserver + 1.6 * (r->kernel.n > 0) + 1.2 * (r->msgs.n > 0) + 1.6 * (r->nlanes > r->nserver);
}

static int grow(vw_layout *L, int npanels, int nboxes)
{
    if (npanels > L->cap) {
        vw_panel_box *p = realloc(L->panels, (size_t)npanels * sizeof *p);
        if (!p) return -1;
        L->panels = p;
        L->cap = npanels;
    }
    if (nboxes > L->capboxes) {
        vw_box *b = realloc(L->boxes, (size_t)nboxes * sizeof *b);
        if (!b) return -1;
        L->boxes = b;
        L->capboxes = nboxes;
    }
    return 0;
}

static int box_h(double h) { return (int)h > 1 ? (int)h : 1; }

static int add_box(vw_panel_box *p, vw_box_kind k, int lane, int y, double h)
{
    vw_box *b = &p->box[p->nbox++];
    b->kind = k;
    b->lane = lane;
    b->y = y;
    b->h = box_h(h);
    return y + b->h;
}

static int text_h(const vw_layout *L, vw_font f) { return L->o.line_h[f]; }
static int title_h(const vw_layout *L) { return text_h(L, VW_FONT_NORMAL) + 6; }
/* A counters box holds at least three rows of its smaller text, and a row
 * more for each counter beyond two that the run's preset asks about. */
static int counters_need(const vw_layout *L, const vw_run *r)
{
    char name[64];
    vw_ctr asked[VW_NCTR];
    int n = r && vw_run_scenario(r, name, sizeof name) == 0 ? vw_preset_counters(name, asked, VW_NCTR) : 0;
    return (n > 2 ? n + 1 : 3) * text_h(L, VW_FONT_SMALL) + 6;
}

/* a panel's lanes and gaps, at least as tall as its counters box */
static int lanes_h(const vw_layout *L, const vw_run *r, double unit, int gap)
{
    int h = r->nserver * (box_h(unit) + gap);
    if (r->kernel.n)
        h += box_h(unit * 1.6) + gap;
    if (r->msgs.n)
        h += box_h(unit * 1.2) + gap;
    if (r->nlanes > r->nserver)
        h += box_h(unit * 1.6) + gap;
    int need = counters_need(L, r);
    return h > need ? h : need;
}

static void place_panel(vw_layout *L, vw_panel_box *p, const vw_run *r, int y, double unit, int gap)
{
    int th = title_h(L);
    p->title = (vw_rect){0, y, L->o.w, th};
    int ly = y + th;
    for (int i = 0; i < r->nserver; i++)
        ly = add_box(p, VW_BOX_THREAD, i, ly, unit) + gap;
    if (r->kernel.n)
        ly = add_box(p, VW_BOX_KERNEL, -1, ly, unit * 1.6) + gap;
    if (r->msgs.n)
        ly = add_box(p, VW_BOX_MSGS, -1, ly, unit * 1.2) + gap;
    if (r->nlanes > r->nserver)
        ly = add_box(p, VW_BOX_CLIENTS, -1, ly, unit * 1.6) + gap;
    ly = y + th + lanes_h(L, r, unit, gap);
    p->all = (vw_rect){0, y, L->o.w, ly - y};
    int cx = L->plot.x + L->plot.w + 8;
    p->counters = (vw_rect){cx, y + th, L->o.w - cx - 4, ly - y - th};
}

static double min_unit(const vw_layout *L) { return L->o.lecture ? 12 : 7; }

/* Lane height: share the plot among the panels' lanes, within readable bounds. */
static double lane_unit(const vw_layout *L, const vw_session *s, int from, int to, int gap)
{
    double units = 0;
    int nboxes = 0;
    for (int i = from; i < to; i++) {
        units += panel_units(&s->runs[i]);
        nboxes += panel_boxes(&s->runs[i]);
    }
    if (units <= 0)
        return 0;
    int fixed = (to - from) * (title_h(L) + 8) + nboxes * gap;
    double unit = (double)(L->plot.h - fixed) / units;
    /* panels shorter than their counters box take that height: share the rest */
    int extra = 0;
    for (int i = from; i < to; i++) {
        double h = panel_units(&s->runs[i]) * unit, need = counters_need(L, &s->runs[i]);
        extra += h < need ? (int)(need - h) : 0;
    }
    unit = (double)(L->plot.h - fixed - extra) / units;
    /* a panel opened alone from the overview takes the room the others left */
    double maxu = L->o.open ? 96 : L->o.lecture ? 44 : 30, minu = min_unit(L);
    return unit > maxu ? maxu : unit < minu ? minu : unit;
}

static int panel_h(const vw_layout *L, const vw_run *r, double unit, int gap)
{
    return title_h(L) + lanes_h(L, r, unit, gap) + 8;
}

/* The first panel to show, so that panels do not run past the plot: the
 * one asked for, moved back while the panels after it leave room. */
static int first_panel(const vw_layout *L, const vw_session *s, double unit, int gap, int want)
{
    want = want < 0 ? 0 : want >= s->nruns ? s->nruns - 1 : want;
    int room = L->plot.h;
    for (int i = want; i < s->nruns; i++)
        room -= panel_h(L, &s->runs[i], unit, gap);
    while (want > 0 && room >= panel_h(L, &s->runs[want - 1], unit, gap))
        room -= panel_h(L, &s->runs[--want], unit, gap);
    return want;
}

static void hide(vw_panel_box *p) { p->all = p->title = p->counters = (vw_rect){0, -1, 0, 0}; }

static void place_panels(vw_layout *L, const vw_session *s, int top, int bottom)
{
    int gap = 2, open = L->o.open - 1;
    if (open >= s->nruns)
        open = -1;
    double unit = open >= 0 ? lane_unit(L, s, open, open + 1, gap) : lane_unit(L, s, 0, s->nruns, gap);
    L->first = open >= 0 ? open : s->nruns ? first_panel(L, s, unit, gap, L->o.first) : 0;
    int y = top;
    for (int i = 0; i < s->nruns; i++) {
        vw_panel_box *p = &L->panels[L->npanels++];
        memset(p, 0, sizeof *p);
        p->box = L->boxes + L->nboxes;
        int h = panel_h(L, &s->runs[i], unit, gap);
        /* panels above the first or below the plot are not placed (h 0);
         * the first shown is placed even when it alone is too tall */
        if (i < L->first || (L->shown > 0 && y + h - 8 > bottom) || (open >= 0 && i != open)) {
            hide(p);
            continue;
        }
        place_panel(L, p, &s->runs[i], y, unit, gap);
        L->nboxes += p->nbox;
        L->shown++;
        y += p->all.h + 8;
    }
    L->fits = open < 0 && L->shown == s->nruns;
}

/* The overview: one strip per run, a band of the server threads' state
 * over a band of its queue, name on the left, counters on the right. */
static int strip_min_h(const vw_layout *L) { return 2 * text_h(L, VW_FONT_SMALL) + 8; }

/* as tall as the counters a run's preset asks about need, in the strip's counters box */
static int strip_counters_h(const vw_layout *L, vw_draw *d, const vw_run *r, int w)
{
    char name[64];
    vw_ctr asked[VW_NCTR];
    int n = vw_run_scenario(r, name, sizeof name) == 0 ? vw_preset_counters(name, asked, VW_NCTR) : 0;
    if (!n)
        return 0;
    /* the fewest rows that hold them all (two columns when they fit) */
    int lh = text_h(L, VW_FONT_SMALL);
    for (int rows = 1; rows <= 2 * n; rows++) {
        vw_rect box = {0, 0, w, rows * lh};
        vw_ctr_layout cl;
        vw_ctr_layout_build(d, L->o.lang, &box, VW_FONT_SMALL, VW_FONT_SMALL, asked, n, &cl);
        if (cl.n == n)
            return box.h + 2;
    }
    return 2 * n * lh + 2;
}

static void place_strips(vw_layout *L, vw_draw *d, const vw_session *s, int top, int bottom)
{
    int gap = 4, n = s->nruns, room = bottom - top;
    int h = n ? room / n - gap : 0, maxh = L->o.lecture ? 130 : 90, minh = strip_min_h(L);
    int cw = L->o.w - (L->plot.x + L->plot.w + 8) - 4;
    for (int i = 0; i < n; i++) {
        int need = strip_counters_h(L, d, &s->runs[i], cw);
        minh = need > minh ? need : minh;
    }
    maxh = minh > maxh ? minh : maxh;
    h = h > maxh ? maxh : h < minh ? minh : h;
    int per_page = room / (h + gap) > 0 ? room / (h + gap) : 1;
    L->first = clampi(L->o.first, 0, n > per_page ? n - per_page : 0);
    int y = top;
    for (int i = 0; i < n; i++) {
        vw_panel_box *p = &L->panels[L->npanels++];
        memset(p, 0, sizeof *p);
        p->box = L->boxes + L->nboxes;
        if (i < L->first || i >= L->first + per_page) {
            hide(p);
            continue;
        }
        p->all = (vw_rect){0, y, L->o.w, h};
        p->title = (vw_rect){0, y, L->plot.x, h};
        int cx = L->plot.x + L->plot.w + 8;
        p->counters = (vw_rect){cx, y, L->o.w - cx - 4, h};
        int sh = (h - 2) * 3 / 5;
        add_box(p, VW_BOX_STATE, -1, y, sh);
        add_box(p, VW_BOX_QUEUE, -1, y + sh + 2, h - sh - 2);
        L->nboxes += p->nbox;
        L->shown++;
        y += h + gap;
    }
    L->fits = L->shown == n;
}

/* --- measured parts -------------------------------------------------------------- */
static const char *const LEGEND[VW_LEGEND_N] = {"user",     "kernel",  "wait",    "idle", "completion",
                                                 "inflight", "message", "request", "emul"};

/* legend items left to right in the label font, or the small one when that
 * keeps them on one row; onto a new row when the next does not fit */
static int legend_rows(vw_layout *L, vw_draw *d, vw_font f, int n, int place)
{
    int lh = text_h(L, f), rowh = lh + 6, x = 12, row = 0, W = L->o.w;
    for (int i = 0; i < n; i++) {
        int w = lh + 4 + 8 + vw_text_w(d, f, vw_label(LEGEND[i], L->o.lang));
        if (x > 12 && x + w > W - 8)
            row++, x = 12;
        if (place) {
            L->legend_key[i] = LEGEND[i];
            L->legend_item[i] = (vw_rect){x, row * rowh, w, lh};
        }
        x += w + 14;
    }
    return row + 1;
}

static int place_legend(vw_layout *L, vw_draw *d, const vw_session *s, int bottom)
{
    int n = VW_LEGEND_N - 1;
    for (int i = 0; i < s->nruns && n < VW_LEGEND_N; i++)
        n += vw_run_has_emul(&s->runs[i]); /* a stand-in's grey lanes */
    memset(L->legend_key, 0, sizeof L->legend_key);
    L->f_legend = legend_rows(L, d, L->f_label, n, 0) > 1 && legend_rows(L, d, VW_FONT_SMALL, n, 0) == 1 ? VW_FONT_SMALL
                                                                                                          : L->f_label;
    int rows = legend_rows(L, d, L->f_legend, n, 1), h = rows * (text_h(L, L->f_legend) + 6);
    L->legend = (vw_rect){4, bottom - h, L->o.w - 8, h};
    for (int i = 0; i < n; i++)
        L->legend_item[i].y += L->legend.y + 3;
    return L->legend.y;
}

/* the lane label column: as wide as the widest label, within bounds */
static int label_width(const vw_layout *L, vw_draw *d, const vw_session *s)
{
    int W = L->o.w, lo = W / 10 > 90 ? W / 10 : 90, hi = L->o.lecture ? W / 5 : W / 6, w = 0;
    const char *fixed[] = {vw_label("kernel_lane", L->o.lang), vw_label("msg_lane", L->o.lang)};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        int tw = vw_text_w(d, L->f_label, fixed[i]);
        w = tw > w ? tw : w;
    }
    char buf[128];
    snprintf(buf, sizeof buf, vw_label("clients_fmt", L->o.lang), 0, 99);
    int tw = vw_text_w(d, L->f_label, buf);
    w = tw > w ? tw : w;
    for (int r = 0; r < s->nruns; r++) {
        if (L->o.overview) { /* the strips' titles sit in this column, over what their queue band counts */
            snprintf(buf, sizeof buf, "%d. %s", r + 1, s->runs[r].model);
            tw = vw_text_w(d, L->f_label, buf);
            w = tw > w ? tw : w;
            const char *q = s->runs[r].kernel.n ? "q_ops" : s->runs[r].msgs.n ? "q_msgs" : "q_reqs";
            snprintf(buf, sizeof buf, "%s", vw_label(q, L->o.lang));
            size_t k = strlen(buf);
            snprintf(buf + k, sizeof buf - k, vw_label("max_fmt", L->o.lang), 9999ul);
            tw = vw_text_w(d, VW_FONT_SMALL, buf);
            w = tw > w ? tw : w;
        }
        for (int i = 0; i < s->runs[r].nserver && i < 64; i++) {
            snprintf(buf, sizeof buf, "%s–99",
                     vw_lane_title(&s->runs[r].lanes[i], L->o.lang)); /* room for a group label */
            tw = vw_text_w(d, L->f_label, buf);
            w = tw > w ? tw : w;
        }
    }
    return clampi(w + 16, lo, hi > lo ? hi : lo);
}

static int counters_width(const vw_layout *L)
{
    int W = L->o.w;
    if (L->o.overview) /* a strip's counters sit side by side in two or three rows */
        return clampi(W * 3 / 8, 300, 560);
    if (L->o.lecture)
        return clampi(W / 4, 240, 460);
    return clampi(W / 6, 150, 260);
}

static void build(vw_layout *L, const vw_session *s, const vw_layout_opts *o, vw_draw *d);

void vw_layout_build(vw_layout *L, const vw_session *s, const vw_layout_opts *o)
{
    if (o->d) {
        build(L, s, o, o->d);
        return;
    }
    /* no font: an estimate at the sizes the line heights imply */
    int px[VW_NFONTS];
    for (int f = 0; f < VW_NFONTS; f++)
        px[f] = o->line_h[f] * 3 / 4 > 0 ? o->line_h[f] * 3 / 4 : 12;
    vw_draw est;
    vw_draw_init(&est, NULL, NULL, px);
    build(L, s, o, &est);
    vw_draw_free(&est);
}

static void build(vw_layout *L, const vw_session *s, const vw_layout_opts *o, vw_draw *d)
{
    L->o = *o;
    L->f_label = o->lecture ? VW_FONT_NORMAL : VW_FONT_SMALL;
    int W = o->w, H = o->h, small = o->line_h[0], normal = o->line_h[1], large = o->line_h[2];
    int nboxes = 0;
    for (int i = 0; i < s->nruns; i++)
        nboxes += o->overview ? 2 : panel_boxes(&s->runs[i]);
    L->npanels = L->nboxes = L->first = L->shown = L->fits = 0;
    if (grow(L, s->nruns, nboxes) != 0)
        return;
    L->label_w = label_width(L, d, s);
    int counters_w = counters_width(L);
    L->header = (vw_rect){0, 0, W, o->line_h[3] + 10};
    L->axis = (vw_rect){L->label_w, L->header.h, W - L->label_w - counters_w - 8, small + 8};
    L->message = (vw_rect){0, L->axis.y + L->axis.h, W, o->message ? o->line_h[o->lecture ? 2 : 1] + 10 : 0};
    int bottom = H;
    L->minimap = (vw_rect){L->label_w, bottom - (o->lecture ? 44 : 34), L->axis.w, o->lecture ? 36 : 28};
    bottom = place_legend(L, d, s, L->minimap.y - 4) - 2;
    L->caption = (vw_rect){4, bottom, W - 8, 0};
    if (o->lecture) {
        int others = s->nruns > 3 ? 2 : s->nruns > 1 ? s->nruns - 1 : 0;
        int ch = o->caption_h > 0 ? o->caption_h : 3 * large + (2 + others) * normal + 28;
        L->caption = (vw_rect){4, bottom - ch, W - 8, ch};
        bottom = L->caption.y - 4;
    }
    L->form = (vw_rect){4, bottom, W - 8, 0};
    if (o->run_form) {
        int fh = o->form_h > 0 ? o->form_h : 3 * normal + 38; /* models; preset; workload fields and Run */
        L->form = (vw_rect){4, bottom - fh, W - 8, fh};
        bottom = L->form.y - 4;
    }
    int top = L->message.y + L->message.h;
    L->plot = (vw_rect){L->label_w, top, L->axis.w, bottom - top};
    if (o->overview && s->nruns)
        place_strips(L, d, s, top, bottom);
    else
        place_panels(L, s, top, bottom);
}

void vw_layout_free(vw_layout *L)
{
    free(L->panels);
    free(L->boxes);
    memset(L, 0, sizeof *L);
}

int vw_layout_find(const vw_layout *L, int y, int *panel, int *box)
{
    for (int p = 0; p < L->npanels; p++) {
        const vw_panel_box *pb = &L->panels[p];
        if (y < pb->all.y || y >= pb->all.y + pb->all.h)
            continue;
        *panel = p;
        *box = -1;
        for (int b = 0; b < pb->nbox; b++)
            if (y >= pb->box[b].y && y < pb->box[b].y + pb->box[b].h)
                *box = b;
        return 0;
    }
    return -1;
}

/* --- lane labels ------------------------------------------------------------------ */
/* "conn 12" -> prefix length 4 ("conn"), number 12; -1 when the name does
 * not end in a number */
static int name_number(const char *name, size_t *plen)
{
    size_t n = strlen(name), i = n;
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
        i--;
    if (i == n || i < 2 || name[i - 1] != ' ' || n - i > 6)
        return -1;
    *plen = i - 1;
    return atoi(name + i);
}

static const char *box_name(const vw_run *r, const vw_box *b, vw_lang lang, char *buf, size_t n)
{
    switch (b->kind) {
    case VW_BOX_THREAD: return vw_lane_title(&r->lanes[b->lane], lang);
    case VW_BOX_KERNEL: return vw_label("kernel_lane", lang);
    case VW_BOX_MSGS: return vw_label("msg_lane", lang);
    case VW_BOX_CLIENTS: {
        int nc = r->nlanes - r->nserver;
        if (nc <= 1)
            return vw_label("clients", lang);
        snprintf(buf, n, vw_label("clients_fmt", lang), 0, nc - 1);
        return buf;
    }
    default: return "";
    }
}

/* same group: consecutive thread lanes whose names differ only in their number */
static int alike(const vw_run *r, const vw_box *a, const vw_box *b)
{
    size_t la, lb;
    if (a->kind != VW_BOX_THREAD || b->kind != VW_BOX_THREAD)
        return 0;
    const char *na = r->lanes[a->lane].name, *nb = r->lanes[b->lane].name;
    return name_number(na, &la) >= 0 && name_number(nb, &lb) >= 0 && la == lb && strncmp(na, nb, la) == 0;
}

/* a lane's name, or an alike group's by its numbers' range: "conn 0–19"
 * (threads are in creation order, so numbers may come in any order) */
static void label_text(const vw_run *r, const vw_panel_box *pb, vw_lane_label *l, vw_lang lang)
{
    char a[96];
    const char *first = box_name(r, &pb->box[l->b0], lang, a, sizeof a);
    size_t plen;
    int lo = name_number(first, &plen), hi = lo;
    for (int k = l->b0 + 1; k <= l->b1 && lo >= 0; k++) {
        int v = name_number(r->lanes[pb->box[k].lane].name, &plen);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (l->b0 == l->b1 || lo < 0)
        snprintf(l->text, sizeof l->text, "%s", first);
    else
        snprintf(l->text, sizeof l->text, "%.*s %d–%d", (int)plen, first, lo, hi);
}

/* "main" + "clients 0–5" -> "main, clients 0–5", cut at a whole character
 * when long (it is drawn cut to its column anyway) */
static void join_text(char *dst, size_t size, const char *add)
{
    size_t len = strlen(dst), m = strlen(add);
    if (len + 3 >= size)
        return;
    if (m > size - len - 3)
        for (m = size - len - 3; m > 0 && ((unsigned char)add[m] & 0xc0) == 0x80;)
            m--;
    memcpy(dst + len, ", ", 2);
    memmove(dst + len + 2, add, m);
    dst[len + 2 + m] = 0;
}

static void span_of(const vw_panel_box *pb, vw_lane_label *l)
{
    l->y = pb->box[l->b0].y;
    l->h = pb->box[l->b1].y + pb->box[l->b1].h - l->y;
}

int vw_lane_labels(const vw_run *r, const vw_panel_box *pb, int th, vw_lang lang, vw_lane_label *out, int max)
{
    int n = 0, need = th - 2;
    /* runs of alike lanes; a run whose lanes are all tall enough is labelled lane by lane */
    for (int b = 0; b < pb->nbox && n < max;) {
        int e = b, tall = pb->box[b].h >= need;
        while (e + 1 < pb->nbox && alike(r, &pb->box[e], &pb->box[e + 1])) {
            e++;
            tall &= pb->box[e].h >= need;
        }
        for (int k = b; k <= e && n < max; k = tall ? k + 1 : e + 1) {
            out[n] = (vw_lane_label){k, tall ? k : e, 0, 0, ""};
            span_of(pb, &out[n]);
            label_text(r, pb, &out[n++], lang);
        }
        b = e + 1;
    }
    /* a span still too short joins its shorter neighbour, until none is */
    for (;;) {
        int k = -1;
        for (int i = 0; i < n && k < 0; i++)
            if (out[i].h < need)
                k = i;
        if (k < 0 || n < 2)
            break;
        int j = k == 0 ? 1 : k == n - 1 ? k - 1 : out[k - 1].h <= out[k + 1].h ? k - 1 : k + 1;
        /* threads join threads rather than the kernel lane or the clients band */
        int kt = pb->box[out[k].b0].kind == VW_BOX_THREAD;
        if (k > 0 && k < n - 1 && kt && (pb->box[out[k - 1].b1].kind == VW_BOX_THREAD) != (pb->box[out[k + 1].b0].kind == VW_BOX_THREAD))
            j = pb->box[out[k - 1].b1].kind == VW_BOX_THREAD ? k - 1 : k + 1;
        int lo = k < j ? k : j;
        join_text(out[lo].text, sizeof out->text, out[lo + 1].text);
        out[lo].b1 = out[lo + 1].b1;
        span_of(pb, &out[lo]);
        memmove(&out[lo + 1], &out[lo + 2], (size_t)(n - lo - 2) * sizeof *out);
        n--;
    }
    return n;
}
