#include "render/counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/fold.h"
#include "render/sortutil.h"
#include "render/timeline.h"
#include "render/ui_text.h"

/* the lanes whose calls are the model's: not a stand-in's emulation, not
 * sockscope's own threads, not the relay */
static int counted(const vw_lane *l) { return vw_lane_is_model(l); }

/* --- the index ------------------------------------------------------------- */
static void index_free(vw_cindex *x)
{
    for (int i = 0; x->blk && i < x->nserver; i++)
        free(x->blk[i]);
    free(x->blk);
    free(x->req_t0);
    free(x->req_t1);
    memset(x, 0, sizeof *x);
}

static int lane_blocks(const vw_lane *l, vw_cblk **out)
{
    size_t nb = l->n / VW_BLOCK + 1;
    vw_cblk *b = calloc(nb, sizeof *b);
    if (!b)
        return -1;
    vw_cblk acc = {0, 0};
    for (size_t i = 0; i < l->n; i++) {
        if (i % VW_BLOCK == 0)
            b[i / VW_BLOCK] = acc;
        acc.wouldblock += vw_ev_err(&l->ev[i]) == SS_E_WOULDBLOCK;
        acc.refused += l->ev[i].api == SS_API_REFUSED;
    }
    if (l->n % VW_BLOCK == 0)
        b[l->n / VW_BLOCK] = acc;
    *out = b;
    return 0;
}

static int request_times(const vw_run *r, vw_cindex *x)
{
    size_t n = 0;
    for (int i = r->nserver; i < r->nlanes; i++)
        for (size_t k = 0; k < r->lanes[i].n; k++)
            n += r->lanes[i].ev[k].api == SS_API_REQUEST;
    x->req_t0 = malloc((n ? n : 1) * sizeof *x->req_t0);
    x->req_t1 = malloc((n ? n : 1) * sizeof *x->req_t1);
    if (!x->req_t0 || !x->req_t1)
        return -1;
    for (int i = r->nserver; i < r->nlanes; i++)
        for (size_t k = 0; k < r->lanes[i].n; k++) {
            const vw_ev *e = &r->lanes[i].ev[k];
            if (e->api != SS_API_REQUEST)
                continue;
            x->req_t0[x->nreq] = e->t0;
            x->req_t1[x->nreq++] = vw_ev_end(e);
        }
    vw_sort_u64(x->req_t0, x->nreq);
    vw_sort_u64(x->req_t1, x->nreq);
    return 0;
}

static void index_build(vw_cindex *x, const vw_run *r)
{
    index_free(x);
    x->lanes = r->lanes;
    x->nevents = r->nevents;
    x->nserver = r->nserver;
    x->blk = calloc((size_t)(r->nserver ? r->nserver : 1), sizeof *x->blk);
    for (int i = 0; x->blk && i < r->nserver; i++)
        if (lane_blocks(&r->lanes[i], &x->blk[i]) != 0)
            break;
    request_times(r, x);
    vw_counters_at_x(r, x, (double)r->duration, &x->total);
}

static int index_is(const vw_cindex *x, const vw_run *r)
{
    return x->lanes == r->lanes && x->nevents == r->nevents && x->nserver == r->nserver;
}

const vw_cindex *vw_cindex_get(vw_cindex_set *set, const vw_session *s, int run)
{
    if (run < 0 || run >= s->nruns)
        return NULL;
    if (set->n < s->nruns) {
        vw_cindex *p = realloc(set->x, (size_t)s->nruns * sizeof *p);
        if (!p)
            return NULL;
        memset(p + set->n, 0, (size_t)(s->nruns - set->n) * sizeof *p);
        set->x = p;
        set->n = s->nruns;
    }
    const vw_run *r = &s->runs[run];
    if (index_is(&set->x[run], r))
        return &set->x[run];
    for (int i = 0; i < set->n; i++) /* a panel moved: its index is elsewhere */
        if (i != run && index_is(&set->x[i], r)) {
            vw_cindex t = set->x[run];
            set->x[run] = set->x[i];
            set->x[i] = t;
            return &set->x[run];
        }
    index_build(&set->x[run], r);
    return &set->x[run];
}

void vw_cindex_free(vw_cindex_set *set)
{
    for (int i = 0; i < set->n; i++)
        index_free(&set->x[i]);
    free(set->x);
    set->x = NULL;
    set->n = 0;
}

size_t vw_requests_inflight(const vw_cindex *x, double t)
{
    if (!x || !x->nreq || t < 0)
        return 0;
    uint64_t tt = (uint64_t)t;
    size_t started = vw_u64_upper(x->req_t0, x->nreq, tt), ended = vw_u64_upper(x->req_t1, x->nreq, tt);
    return started > ended ? started - ended : 0;
}

/* --- counting ----------------------------------------------------------------- */
/* events of a lane that started before t; the one running at t counts with
 * its time so far */
static void lane_counts(const vw_lane *l, const vw_cblk *blk, uint64_t t, vw_counters *c)
{
    size_t i = vw_lane_lower(l, t + 1);
    if (!l->pre || !i)
        return;
    size_t b = (i - 1) / VW_BLOCK, from = b * VW_BLOCK;
    const vw_prefix *p = &l->pre[b];
    uint64_t busy = p->cat_ns[VW_CAT_KERNEL] + p->cat_ns[VW_CAT_USER];
    c->calls += p->calls;
    c->transitions += p->transitions;
    c->blocked_ns += p->blocked_ns;
    c->completions += p->completions;
    for (size_t k = from; k < i; k++) {
        const vw_ev *e = &l->ev[k];
        uint64_t end = vw_ev_end(e), upto = (end < t ? end : t) - e->t0;
        c->calls += (uint64_t)vw_ev_is_call(e);
        c->transitions += (e->flags & SS_EV_KERNEL) != 0;
        c->completions += e->api == SS_API_OP_COMPLETE;
        if (e->flags & SS_EV_MAYBLOCK)
            c->blocked_ns += upto;
        if (vw_ev_cat(e) == VW_CAT_KERNEL || vw_ev_cat(e) == VW_CAT_USER)
            busy += upto;
    }
    if (blk) {
        c->wouldblock += blk[b].wouldblock;
        c->refused += blk[b].refused;
    } else {
        from = 0; /* no index: every event (small runs, tests) */
    }
    for (size_t k = from; k < i; k++) {
        c->wouldblock += vw_ev_err(&l->ev[k]) == SS_E_WOULDBLOCK;
        c->refused += l->ev[k].api == SS_API_REFUSED;
    }
    uint64_t last = l->last < t ? l->last : t, alive = last > l->first ? last - l->first : 0;
    c->alive_ns += alive;
    c->cpu_ns += busy;
    c->threads++;
}

void vw_counters_at_x(const vw_run *r, const vw_cindex *x, double t, vw_counters *c)
{
    memset(c, 0, sizeof *c);
    if (t < 0)
        return;
    uint64_t tt = (uint64_t)t;
    int indexed = x && x->blk && x->nserver == r->nserver;
    for (int i = 0; i < r->nserver; i++)
        if (counted(&r->lanes[i]))
            lane_counts(&r->lanes[i], indexed ? x->blk[i] : NULL, tt, c);
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
    /* where sleeping was not measured (Wine), a call that slept looks busy */
    char waits[32];
    vw_param_value(r->params, "waits", waits, sizeof waits);
    c->cpu_unknown = waits[0] && strcmp(waits, "measured") != 0;
}

void vw_counters_at(const vw_run *r, double t, vw_counters *c) { vw_counters_at_x(r, NULL, t, c); }

/* --- labels, values, order ------------------------------------------------------ */
static const char *const KEYS[VW_NCTR] = {"calls", "transitions", "per_request", "blocked", "blocked_pct", "cpu",
                                          "wouldblock", "packets", "threads", "requests", "refused", "latency"};
/* as wide as the values usually get: vw_fmt_ns gives four digits and a unit */
static const char *const SAMPLES[VW_NCTR] = {"8888888", "8888888", "88888", "888.8 ms", "100.0%", "888.8 ms",
                                             "8888888", "8888888", "8888", "8888888", "88888", "888.8 μs / 888.8 μs"};

const char *vw_ctr_key(vw_ctr k) { return KEYS[k]; }
const char *vw_ctr_sample(vw_ctr k) { return SAMPLES[k]; }

void vw_ctr_value(const vw_counters *c, vw_ctr k, char *out, int n)
{
    char a[24], b[24];
    switch (k) {
    case VW_CTR_CALLS: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->calls); break;
    case VW_CTR_TRANSITIONS: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->transitions); break;
    case VW_CTR_PER_REQUEST:
        if (c->requests) { /* three or four digits: 2.08, 32.0, 7476 (a spinning server early on) */
            double v = (double)c->transitions / (double)c->requests;
            snprintf(out, (size_t)n, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
        } else {
            snprintf(out, (size_t)n, "–");
        }
        break;
    case VW_CTR_BLOCKED: vw_fmt_ns((double)c->blocked_ns, out, n); break;
    case VW_CTR_BLOCKED_PCT:
        snprintf(out, (size_t)n, "%.1f%%", c->alive_ns ? 100.0 * (double)c->blocked_ns / (double)c->alive_ns : 0.0);
        break;
    case VW_CTR_CPU:
        if (c->cpu_unknown)
            snprintf(out, (size_t)n, "–");
        else
            vw_fmt_ns((double)c->cpu_ns, out, n);
        break;
    case VW_CTR_WOULDBLOCK: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->wouldblock); break;
    case VW_CTR_PACKETS: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->completions); break;
    case VW_CTR_THREADS: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->threads); break;
    case VW_CTR_REQUESTS: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->requests); break;
    case VW_CTR_REFUSED: snprintf(out, (size_t)n, "%llu", (unsigned long long)c->refused); break;
    case VW_CTR_LATENCY:
        vw_fmt_ns((double)c->p50_ns, a, sizeof a);
        vw_fmt_ns((double)c->p99_ns, b, sizeof b);
        snprintf(out, (size_t)n, "%s / %s", a, b);
        break;
    default: snprintf(out, (size_t)n, "?"); break;
    }
}

/* the usual order: the chapter's four requirements (blocking, threads, CPU,
 * transitions) right after the raw counts */
static const vw_ctr DEFAULT_ORDER[] = {VW_CTR_CALLS, VW_CTR_TRANSITIONS, VW_CTR_BLOCKED, VW_CTR_CPU, VW_CTR_THREADS,
                                       VW_CTR_REQUESTS, VW_CTR_LATENCY, VW_CTR_WOULDBLOCK, VW_CTR_PACKETS,
                                       VW_CTR_REFUSED, VW_CTR_PER_REQUEST, VW_CTR_BLOCKED_PCT};

static int stays_zero(const vw_counters *t, vw_ctr k)
{
    return (k == VW_CTR_WOULDBLOCK && !t->wouldblock) || (k == VW_CTR_PACKETS && !t->completions) ||
           (k == VW_CTR_REFUSED && !t->refused);
}

int vw_ctr_order(const vw_counters *total, const vw_ctr *asked, int nasked, vw_ctr *out)
{
    int n = 0, used[VW_NCTR] = {0};
    for (int i = 0; i < nasked; i++)
        if (asked[i] < VW_NCTR && !used[asked[i]])
            used[asked[i]] = 1, out[n++] = asked[i];
    for (size_t i = 0; i < sizeof DEFAULT_ORDER / sizeof DEFAULT_ORDER[0]; i++) {
        vw_ctr k = DEFAULT_ORDER[i];
        if (!used[k] && !(total && stays_zero(total, k)))
            used[k] = 1, out[n++] = k;
    }
    return n;
}

/* --- placing them ------------------------------------------------------------------ */
typedef struct ctr_try {
    int big, cols;
} ctr_try;

/* Places as many counters as fit with one font and column count, in order;
 * returns how many. A label and its value share a row; with two columns
 * only the latency pair (the widest value) may take a whole row; with one,
 * a counter too wide for its row puts its value on the row below. */
static int place(vw_draw *d, vw_lang lang, const vw_rect *box, vw_font f, int cols, const vw_ctr *order, int n,
                 vw_ctr_layout *out)
{
    const int pad = 4, gap = 10;
    int lh = vw_text_h(d, f), rows = box->h / lh, full = box->w - 2 * pad, cw = (full - (cols - 1) * gap) / cols;
    int row = 0, col = 0;
    out->font = f;
    out->n = 0;
    for (int i = 0; i < n; i++) {
        int lw = vw_text_w(d, f, vw_label(vw_ctr_key(order[i]), lang)), vw = vw_text_w(d, f, vw_ctr_sample(order[i]));
        int wide = 0, stacked = 0;
        if (lw + gap + vw > cw) {
            if (cols > 1 && order[i] == VW_CTR_LATENCY && lw + gap + vw <= full)
                wide = 1;
            else if (cols == 1 && lw <= full && vw <= full)
                stacked = 1;
            else
                break;
        }
        if ((wide || stacked) && col)
            row++, col = 0;
        if (row + 1 + stacked > rows)
            break;
        int x = box->x + pad + col * (cw + gap), y = box->y + row * lh, w = wide || stacked ? full : cw;
        vw_ctr_cell *c = &out->cell[out->n++];
        c->k = order[i];
        c->label = (vw_rect){x, y, lw, lh};
        c->value = stacked ? (vw_rect){x, y + lh, w, lh} : (vw_rect){x + lw + gap, y, w - lw - gap, lh};
        if (stacked)
            row += 2;
        else if (wide || ++col == cols)
            row++, col = 0;
    }
    return out->n;
}

void vw_ctr_layout_build(vw_draw *d, vw_lang lang, const vw_rect *box, vw_font big, vw_font small,
                         const vw_ctr *order, int n, vw_ctr_layout *out)
{
    /* one column reads best; two only when they show more */
    static const ctr_try tries[] = {{1, 1}, {1, 2}, {0, 1}, {0, 2}};
    vw_ctr_layout best = {small, 0, {{0}}}, cur;
    memset(out, 0, sizeof *out);
    if (box->w <= 0 || box->h <= 0)
        return;
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        int got = place(d, lang, box, tries[i].big ? big : small, tries[i].cols, order, n, &cur);
        if (got > best.n)
            best = cur;
        if (got == n)
            break;
    }
    *out = best;
}
