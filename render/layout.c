#include "render/layout.h"

#include <stdlib.h>
#include <string.h>

int vw_rect_has(const vw_rect *r, int x, int y) { return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h; }

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
    int need = 4 * L->o.line_h[L->o.lecture ? 1 : 0] + 6; /* counters: two columns of four rows */
    return h > need ? h : need;
}

static int title_h(const vw_layout *L) { return L->o.line_h[1] + 6; }

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

/* Lane height: share the plot among all lanes, within readable bounds. */
static double lane_unit(const vw_layout *L, const vw_session *s, int gap, int nboxes)
{
    double units = 0;
    for (int i = 0; i < s->nruns; i++)
        units += panel_units(&s->runs[i]);
    if (units <= 0)
        return 0;
    int fixed = s->nruns * (title_h(L) + 8) + nboxes * gap;
    double unit = (double)(L->plot.h - fixed) / units;
    /* panels shorter than their counters box take that height: share the rest */
    int need = 4 * L->o.line_h[L->o.lecture ? 1 : 0] + 6, extra = 0;
    for (int i = 0; i < s->nruns; i++) {
        double h = panel_units(&s->runs[i]) * unit;
        extra += h < need ? (int)(need - h) : 0;
    }
    unit = (double)(L->plot.h - fixed - extra) / units;
    double maxu = L->o.lecture ? 44 : 30, minu = L->o.lecture ? 12 : 7;
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

void vw_layout_build(vw_layout *L, const vw_session *s, const vw_layout_opts *o)
{
    L->o = *o;
    int W = o->w, H = o->h, small = o->line_h[0], normal = o->line_h[1], large = o->line_h[2];
    int nboxes = 0;
    for (int i = 0; i < s->nruns; i++)
        nboxes += panel_boxes(&s->runs[i]);
    L->npanels = L->nboxes = L->first = L->shown = 0;
    if (grow(L, s->nruns, nboxes) != 0)
        return;
    L->label_w = W / 8 < 110 ? 110 : W / 8 > 220 ? 220 : W / 8;
    int counters_w = W / 6 < 150 ? 150 : W / 6 > 260 ? 260 : W / 6;
    if (o->lecture)
        counters_w = W / 4 < 260 ? 260 : W / 4 > 460 ? 460 : W / 4;
    L->header = (vw_rect){0, 0, W, o->line_h[3] + 10};
    L->axis = (vw_rect){L->label_w, L->header.h, W - L->label_w - counters_w - 8, small + 8};
    L->message = (vw_rect){0, L->axis.y + L->axis.h, W, o->message ? o->line_h[o->lecture ? 2 : 1] + 10 : 0};
    int bottom = H;
    L->minimap = (vw_rect){L->label_w, bottom - (o->lecture ? 44 : 34), L->axis.w, o->lecture ? 36 : 28};
    bottom = L->minimap.y - 4;
    L->legend = (vw_rect){4, bottom - normal - 6, W - 8, normal + 6};
    bottom = L->legend.y - 2;
    L->caption = (vw_rect){4, bottom, W - 8, 0};
    if (o->lecture) {
        int others = s->nruns > 3 ? 2 : s->nruns > 1 ? s->nruns - 1 : 0;
        int ch = 3 * large + (2 + others) * normal + 28;
        L->caption = (vw_rect){4, bottom - ch, W - 8, ch};
        bottom = L->caption.y - 4;
    }
    L->form = (vw_rect){4, bottom, W - 8, 0};
    if (o->run_form) {
        int fh = 3 * normal + 38; /* models; preset; workload fields and Run */
        L->form = (vw_rect){4, bottom - fh, W - 8, fh};
        bottom = L->form.y - 4;
    }
    int top = L->message.y + L->message.h;
    L->plot = (vw_rect){L->label_w, top, L->axis.w, bottom - top};
    int gap = 2;
    double unit = lane_unit(L, s, gap, nboxes);
    L->first = s->nruns ? first_panel(L, s, unit, gap, o->first) : 0;
    int y = top;
    for (int i = 0; i < s->nruns; i++) {
        vw_panel_box *p = &L->panels[L->npanels++];
        memset(p, 0, sizeof *p);
        p->box = L->boxes + L->nboxes;
        int h = panel_h(L, &s->runs[i], unit, gap);
        /* panels above the first or below the plot are not placed (h 0);
         * the first shown is placed even when it alone is too tall */
        if (i < L->first || (L->shown > 0 && y + h - 8 > bottom)) {
            p->all = p->title = p->counters = (vw_rect){0, -1, 0, 0};
            continue;
        }
        place_panel(L, p, &s->runs[i], y, unit, gap);
        L->nboxes += p->nbox;
        L->shown++;
        y += p->all.h + 8;
    }
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
