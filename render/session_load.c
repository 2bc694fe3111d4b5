/* session_load.c — reading trace files into a vw_session with one streaming
 * pass (ss_trace_scan, unordered: per-thread streams are already in time
 * order, and skipping the merge is what makes 10M events load fast).
 *
 * Asynchronous operations and window messages are matched after the pass,
 * by id (then by time), because a completion taken by another thread can be
 * read before its submission. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/session.h"
#include "render/sortutil.h"
#include "sim/base/hist.h"
#include "sim/base/util.h"
#include "sim/report/stats.h"
#include "sim/trace/reader.h"

#define LAT_SNAPS 2048

typedef struct half {        /* one end of an operation or message */
    uint64_t id, t;
    int64_t ret;
    uint64_t arg;            /* completion: queue depth */
    uint32_t lane;           /* thread index until lanes are sorted, then lane */
    int32_t sock;
    uint32_t api;
} half;

typedef struct halves {
    half *h;
    size_t n, cap;
} halves;

typedef struct req {
    uint64_t end, dur;
} req;

typedef struct loadrun {
    int run;                 /* index in the session */
    halves sub, comp, post, disp;
    req *req;
    size_t nreq, capreq;
    uint32_t max_depth;
} loadrun;

typedef struct loader {
    vw_session *s;
    loadrun *lr;
    int nlr, caplr;
    int oom;
} loader;

static void push_half(halves *hs, uint64_t id, uint64_t t, uint32_t thread, const ss_event *ev, uint32_t api)
{
    if (hs->n == hs->cap) {
        half *h = ss_grow(hs->h, &hs->cap, sizeof *h, 256);
        if (!h)
            return;
        hs->h = h;
    }
    hs->h[hs->n++] = (half){id, t, ev->ret, ev->arg, thread, ev->sock, api};
}

static loadrun *cur(loader *L, uint32_t run_id)
{
    for (int i = L->nlr - 1; i >= 0; i--)
        if (L->s->runs[L->lr[i].run].id == run_id)
            return &L->lr[i];
    return NULL;
}

static void on_run_begin(void *ud, const ss_run_meta *m)
{
    loader *L = ud;
    if (L->nlr == L->caplr) {
        int cap = L->caplr ? L->caplr * 2 : 4; /* a file holds at most SS_MAX_RUNS: no wrap */
        loadrun *lr = L->caplr <= SS_MAX_RUNS ? realloc(L->lr, (size_t)cap * sizeof *lr) : NULL;
        if (!lr) {
            L->oom = 1;
            return;
        }
        L->lr = lr;
        L->caplr = cap;
    }
    vw_run *r = vw_session_add_run(L->s, m->model);
    if (!r) {
        L->oom = 1;
        return;
    }
    r->id = m->id;
    snprintf(r->mechanism, sizeof r->mechanism, "%s", m->mechanism);
    size_t off = 0;
    for (int i = 0; i < m->nparams && off < sizeof r->params; i++)
        off += (size_t)snprintf(r->params + off, sizeof r->params - off, "%s%s=%s", i ? " " : "", m->params[i][0],
                                m->params[i][1]);
    r->nagle_prone = ss_run_nagle_prone(m);
    r->size_max = ss_run_size_max(m);
    const char *buffer = ss_run_param(m, "buffer");
    r->buffer = buffer ? atoi(buffer) : 0;
    loadrun *lr = &L->lr[L->nlr++];
    memset(lr, 0, sizeof *lr);
    lr->run = L->s->nruns - 1;
}

static void on_thread(void *ud, const ss_thread_meta *t)
{
    loadrun *lr = cur(ud, t->run);
    if (lr)
        vw_run_lane(&((loader *)ud)->s->runs[lr->run], t->idx, t->role, t->name);
}

static void on_request(loadrun *lr, const ss_event *ev)
{
    if (ev->flags & SS_EV_FAILED)
        return;
    if (lr->nreq == lr->capreq) {
        req *q = ss_grow(lr->req, &lr->capreq, sizeof *q, 256);
        if (!q)
            return;
        lr->req = q;
    }
    lr->req[lr->nreq++] = (req){ev->t1, ev->t1 - ev->t0};
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    loader *L = ud;
    loadrun *lr = cur(L, run);
    if (!lr)
        return;
    vw_run *r = &L->s->runs[lr->run];
    char name[32];
    snprintf(name, sizeof name, "thread %u", thread);
    vw_lane *l = vw_run_lane(r, thread, SS_ROLE_SERVER, name);
    if (l && (ev->flags & SS_EV_EMUL) && l->kind == VW_LANE_THREAD) /* a stand-in's call on a model thread */
        l = vw_run_lane(r, VW_INLINE_EMUL_THREAD, SS_ROLE_EMUL, "stand-in calls");
    if (!l || (l->role == SS_ROLE_CONTROL && ev->api != SS_API_MSG_POST))
        return; /* sockscope's own threads: only a simulated UI's messages are the run's */
    if ((ev->flags & SS_EV_STANDIN) && ev->impl && ev->api < SS_API_COUNT && ev->impl < 256)
        r->impl[ev->api] = (uint8_t)ev->impl;
    if (l->kind == VW_LANE_CLIENT) {
        /* the clients band shows requests; their socket calls stay in the file */
        if (ev->api == SS_API_REQUEST) {
            vw_lane_push(l, ev);
            on_request(lr, ev);
        }
        return;
    }
    vw_lane_push(l, ev);
    if ((ev->flags & SS_EV_EMUL) && ev->api != SS_API_MSG_POST)
        return; /* the stand-in's own operations are not the model's in flight */
    switch (ev->api) {
    case SS_API_OP_SUBMIT: push_half(&lr->sub, ev->id, ev->t0, thread, ev, ev->aux); break;
    case SS_API_OP_COMPLETE:
        push_half(&lr->comp, ev->id, ev->t1, thread, ev, ev->aux);
        if (ev->arg > lr->max_depth && ev->arg < UINT32_MAX)
            lr->max_depth = (uint32_t)ev->arg;
        break;
    case SS_API_MSG_POST: push_half(&lr->post, ev->id, ev->t0, thread, ev, ev->aux); break;
    case SS_API_MSG_DISPATCH: push_half(&lr->disp, ev->id, ev->t0, thread, ev, ev->aux); break;
    default: break;
    }
}

static void on_thread_end(void *ud, const ss_thread_end_info *t)
{
    loadrun *lr = cur(ud, t->run);
    if (lr)
        ((loader *)ud)->s->runs[lr->run].dropped += t->dropped;
}

static void on_run_end(void *ud, const ss_run_end_info *e)
{
    loadrun *lr = cur(ud, e->run);
    if (!lr)
        return;
    vw_run *r = &((loader *)ud)->s->runs[lr->run];
    r->duration = e->duration_ns;
    r->has_end = 1;
    for (int i = 0; i < e->nnotes; i++)
        if (strcmp(e->notes[i][0], "workload_end_ns") == 0)
            r->work_end = strtoull(e->notes[i][1], NULL, 10);
}

/* --- matching the two ends of operations and messages ---------------------- */
static int cmp_half(const void *a, const void *b)
{
    const half *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->t < y->t ? -1 : x->t > y->t;
}

/* a lane's position for an operation's end (UINT16_MAX: none, or past what
 * an operation can name) */
static int lane_index(const vw_run *r, uint32_t thread)
{
    int k = vw_run_lane_index(r, thread);
    return k >= 0 && k < UINT16_MAX ? k : UINT16_MAX;
}

static void add_op(vw_oplane *o, const half *a, const half *b, const vw_run *r)
{
    if (o->n == o->cap) {
        vw_op *op = ss_grow(o->op, &o->cap, sizeof *op, 256);
        if (!op)
            return;
        o->op = op;
    }
    const half *x = a ? a : b;
    uint64_t t0 = x->t, t1 = b ? b->t : r->duration;
    vw_op *op = &o->op[o->n++];
    memset(op, 0, sizeof *op);
    op->t0 = t0;
    op->dur = vw_dur_encode(t1 > t0 ? t1 - t0 : 0);
    op->sock = x->sock;
    op->api = (uint8_t)(x->api < 256 ? x->api : 255);
    op->lane_from = a ? (uint16_t)lane_index(r, a->lane) : UINT16_MAX;
    op->lane_to = b ? (uint16_t)lane_index(r, b->lane) : UINT16_MAX;
    op->open = b == NULL;
    op->ret_neg = b && b->ret < 0;
    op->depth = b ? (uint8_t)(b->arg > 255 ? 255 : b->arg) : 0;
}

static int cmp_op(const void *a, const void *b)
{
    const vw_op *x = a, *y = b;
    return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

/* rows: greedy interval colouring, so overlapping spans sit on separate rows */
static void finish_oplane(vw_oplane *o)
{
    vw_sort_nearly(o->op, o->n, sizeof *o->op, cmp_op);
    free(o->t_end);
    o->t_end = malloc((o->n ? o->n : 1) * sizeof *o->t_end);
    uint64_t row_end[VW_OP_ROWS] = {0};
    for (size_t i = 0; i < o->n; i++) {
        vw_op *op = &o->op[i];
        uint64_t end = vw_op_end(op);
        int best = 0;
        for (int k = 0; k < VW_OP_ROWS; k++) {
            if (row_end[k] <= op->t0) {
                best = k;
                break;
            }
            if (row_end[k] < row_end[best])
                best = k;
        }
        op->row = (uint8_t)best;
        row_end[best] = end;
        if (o->t_end)
            o->t_end[i] = end;
    }
    if (o->t_end)
        vw_sort_u64(o->t_end, o->n);
}

static void match(halves *from, halves *to, vw_oplane *o, const vw_run *r)
{
    vw_sort_nearly(from->h, from->n, sizeof *from->h, cmp_half);
    vw_sort_nearly(to->h, to->n, sizeof *to->h, cmp_half);
    size_t i = 0, j = 0;
    while (i < from->n || j < to->n) {
        const half *a = i < from->n ? &from->h[i] : NULL, *b = j < to->n ? &to->h[j] : NULL;
        if (a && b && a->id == b->id) {
            add_op(o, a, b, r);
            i++, j++;
        } else if (a && (!b || a->id < b->id)) {
            add_op(o, a, NULL, r);
            i++;
        } else {
            add_op(o, NULL, b, r);
            j++;
        }
    }
    finish_oplane(o);
    free(from->h);
    free(to->h);
    memset(from, 0, sizeof *from);
    memset(to, 0, sizeof *to);
}

static int cmp_req(const void *a, const void *b)
{
    const req *x = a, *y = b;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* p50/p99 so far, sampled at up to LAT_SNAPS points as requests finish */
static void latency_snapshots(vw_run *r, req *q, size_t n)
{
    vw_sort_nearly(q, n, sizeof *q, cmp_req);
    r->req_end = malloc((n ? n : 1) * sizeof *r->req_end);
    size_t step = n / LAT_SNAPS + 1;
    r->lat = malloc((n / step + 2) * sizeof *r->lat);
    ss_hist *h = malloc(sizeof *h);
    if (!r->req_end || !r->lat || !h) {
        free(h);
        return;
    }
    ss_hist_init(h);
    for (size_t i = 0; i < n; i++) {
        r->req_end[i] = q[i].end;
        ss_hist_add(h, q[i].dur);
        if ((i + 1) % step == 0 || i + 1 == n)
            r->lat[r->nlat++] = (vw_lat_snap){q[i].end, i + 1, ss_hist_pct(h, 50), ss_hist_pct(h, 99)};
    }
    r->nreq = n;
    free(h);
}

static void finish_run(vw_run *r, loadrun *lr)
{
    vw_run_finish(r);
    r->kernel.max_depth = lr->max_depth;
    match(&lr->sub, &lr->comp, &r->kernel, r);
    match(&lr->post, &lr->disp, &r->msgs, r);
    latency_snapshots(r, lr->req, lr->nreq);
    free(lr->req);
}

int vw_session_load(vw_session *s, const char *path, char *err, size_t errlen)
{
    loader L = {.s = s};
    int first = s->nruns;
    ss_visitor v = {.ud = &L, .run_begin = on_run_begin, .thread = on_thread, .event = on_event,
                    .thread_end = on_thread_end, .run_end = on_run_end};
    ss_scan_result res;
    int rc = ss_trace_scan(path, 0, &v, &res, err, errlen);
    for (int i = 0; i < L.nlr; i++) {
        vw_run *r = &s->runs[L.lr[i].run];
        snprintf(r->source, sizeof r->source, "%s", path);
        finish_run(r, &L.lr[i]);
        s->nevents += r->nevents;
    }
    free(L.lr);
    s->trace_events += res.events;
    s->damaged = rc == 0 && (res.corrupt || res.truncated);
    if (rc != 0)
        return -1;
    if (res.warning[0])
        snprintf(s->warning, sizeof s->warning, "%s", res.warning);
    else if (s->nruns == first)
        snprintf(s->warning, sizeof s->warning, "'%s' holds no runs (an empty recording)", path);
    if (L.oom)
        snprintf(s->warning, sizeof s->warning, "out of memory while loading '%s': showing part of it", path);
    return 0;
}
