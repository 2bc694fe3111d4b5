/* session.c — the in-memory trace: building runs and lanes, summaries,
 * searches. Reading files is in session_load.c. */
#include "render/session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/sortutil.h"
#include "sim/base/util.h"

uint32_t vw_dur_encode(uint64_t ns)
{
    if (ns < 0x80000000ull)
        return (uint32_t)ns;
    uint64_t us = ns / 1000;
    return 0x80000000u | (uint32_t)(us > 0x7fffffffu ? 0x7fffffffu : us);
}

int vw_ev_is_call(const vw_ev *e)
{
    if (e->api == SS_API_OP_SUBMIT)
        return 1; /* sim/report/stats.c counts a submission as a socket call */
    return (e->flags & SS_EV_KERNEL) && e->api != SS_API_URING_ENTER && e->api != SS_API_URING_SETUP;
}

const char *vw_ev_name(const vw_ev *e)
{
    return e->api == SS_API_REQUEST ? "request" : ss_event_name(e->api, e->sub, e->flags);
}

int vw_run_has_emul(const vw_run *r)
{
    for (int i = 0; i < r->nserver; i++)
        if (r->lanes[i].kind == VW_LANE_EMUL)
            return 1;
    return 0;
}

int vw_ev_impl(const vw_run *r, const vw_ev *e)
{
    if (!(e->flags & SS_EV_STANDIN))
        return -1;
    return (e->err & VW_EV_USERSPACE) ? 0 : r->impl[e->api < SS_API_COUNT ? e->api : 0];
}

vw_cat vw_ev_cat(const vw_ev *e)
{
    switch (e->api) {
    case SS_API_CPU_WORK: return VW_CAT_USER;
    case SS_API_TRACE_WAIT: return VW_CAT_WAIT; /* the recorder's wait, named as such */
    case SS_API_MSG_DISPATCH:
    case SS_API_REQUEST: return VW_CAT_CONTAINER;
    default: break;
    }
    if (e->flags & SS_EV_WAITED)
        return VW_CAT_WAIT;
    if (e->flags & SS_EV_KERNEL)
        return VW_CAT_KERNEL;
    return e->dur_enc ? VW_CAT_USER : VW_CAT_INSTANT;
}

/* --- building ------------------------------------------------------------- */
vw_run *vw_session_add_run(vw_session *s, const char *model)
{
    if (s->nruns == s->capr) {
        if (s->capr > INT_MAX / 2)
            return NULL;
        int cap = s->capr ? s->capr * 2 : 4;
        vw_run *r = realloc(s->runs, (size_t)cap * sizeof *r);
        if (!r)
            return NULL;
        s->runs = r;
        s->capr = cap;
    }
    vw_run *r = &s->runs[s->nruns++];
    memset(r, 0, sizeof *r);
    snprintf(r->model, sizeof r->model, "%s", model);
    return r;
}

int vw_run_lane_index(const vw_run *r, uint32_t thread_idx)
{
    return (int)ss_idmap_get(&r->lane_ix, thread_idx); /* lanes are fewer than INT_MAX */
}

/* A lane per thread: looked up in the index (a linear search made loading
 * 150,000 threads quadratic). */
vw_lane *vw_run_lane(vw_run *r, uint32_t thread_idx, int role, const char *name)
{
    int k = vw_run_lane_index(r, thread_idx);
    if (k >= 0)
        return &r->lanes[k];
    if (r->nlanes == r->capl) {
        if (r->capl > INT_MAX / 2)
            return NULL;
        int cap = r->capl ? r->capl * 2 : 8;
        vw_lane *l = realloc(r->lanes, (size_t)cap * sizeof *l);
        if (!l)
            return NULL;
        r->lanes = l;
        r->capl = cap;
    }
    if (ss_idmap_put(&r->lane_ix, thread_idx, (uint32_t)r->nlanes) != 0)
        return NULL;
    vw_lane *l = &r->lanes[r->nlanes++];
    memset(l, 0, sizeof *l);
    l->thread_idx = thread_idx;
    l->role = role;
    l->kind = role == SS_ROLE_CLIENT ? VW_LANE_CLIENT : role == SS_ROLE_EMUL ? VW_LANE_EMUL : VW_LANE_THREAD;
    l->first = UINT64_MAX;
    snprintf(l->name, sizeof l->name, "%s", name);
    return l;
}

void vw_lane_push(vw_lane *l, const ss_event *ev)
{
    if (l->n == l->cap) {
        vw_ev *e = ss_grow(l->ev, &l->cap, sizeof *e, 4); /* small: a run may have 100,000s of lanes */
        if (!e)
            return; /* out of memory: the event is lost, the viewer keeps going */
        l->ev = e;
    }
    vw_ev *e = &l->ev[l->n];
    e->t0 = ev->t0;
    e->dur_enc = vw_dur_encode(ev->t1 > ev->t0 ? ev->t1 - ev->t0 : 0);
    e->ret = ev->ret > INT32_MAX ? INT32_MAX : ev->ret < INT32_MIN ? INT32_MIN : (int32_t)ev->ret;
    e->sock = ev->sock;
    if (ev->sock < 0 && (ev->api == SS_API_SELECT || ev->api == SS_API_POLL || ev->api == SS_API_WSA_WAIT))
        e->sock = -2 - (int32_t)(ev->arg < 1000000 ? ev->arg : 1000000); /* vw_ev_watched */
    e->api = (uint8_t)(ev->api < 256 ? ev->api : 0);
    e->sub = (uint8_t)(ev->aux < 256 ? ev->aux : 255);
    e->err = (uint8_t)((ev->err & 0x7f) | ((ev->flags & SS_EV_STANDIN) && !ev->impl ? VW_EV_USERSPACE : 0));
    e->flags = ev->flags;
    if (l->n && l->ev[l->n - 1].t0 > e->t0)
        l->unsorted = 1;
    l->n++;
    if (ev->t0 < l->first) l->first = ev->t0;
    if (ev->t1 > l->last) l->last = ev->t1;
}

static int cmp_ev(const void *a, const void *b)
{
    const vw_ev *x = a, *y = b;
    if (x->t0 != y->t0)
        return x->t0 < y->t0 ? -1 : 1;
    /* an enclosing span sorts before what it encloses */
    uint64_t dx = vw_ev_dur(x), dy = vw_ev_dur(y);
    return dx > dy ? -1 : dx < dy;
}

static void add_to_prefix(vw_prefix *p, const vw_ev *e)
{
    uint64_t d = vw_ev_dur(e);
    vw_cat c = vw_ev_cat(e);
    if (c < VW_NCAT)
        p->cat_ns[c] += d;
    else if (c == VW_CAT_INSTANT)
        p->instants++;
    else if (e->api == SS_API_REQUEST)
        p->cat_ns[VW_CAT_USER] += d; /* a client lane's "busy" share: waiting for its echo */
    if (e->flags & SS_EV_MAYBLOCK)
        p->blocked_ns += d;
    if (e->flags & SS_EV_KERNEL)
        p->transitions++;
    if (vw_ev_is_call(e))
        p->calls++;
    if (e->api == SS_API_OP_COMPLETE)
        p->completions++;
    if (vw_ev_end(e) > p->max_end)
        p->max_end = vw_ev_end(e);
}

static void lane_finish(vw_lane *l)
{
    if (l->unsorted)
        vw_sort_nearly(l->ev, l->n, sizeof *l->ev, cmp_ev);
    l->unsorted = 0;
    free(l->pre);
    size_t nb = l->n / VW_BLOCK + 1;
    l->pre = calloc(nb, sizeof *l->pre);
    if (!l->pre)
        return;
    vw_prefix acc;
    memset(&acc, 0, sizeof acc);
    for (size_t i = 0; i < l->n; i++) {
        if (i % VW_BLOCK == 0)
            l->pre[i / VW_BLOCK] = acc;
        add_to_prefix(&acc, &l->ev[i]);
    }
    if (l->n % VW_BLOCK == 0)
        l->pre[nb - 1] = acc;
    if (l->first == UINT64_MAX)
        l->first = l->last = 0;
    /* give back the growth slack: 10M events should not cost 20M slots */
    if (l->n && l->n < l->cap) {
        vw_ev *e = realloc(l->ev, l->n * sizeof *e);
        if (e) {
            l->ev = e;
            l->cap = l->n;
        }
    }
}

/* the model's lanes, the stand-in's, sockscope's own, then the clients */
static int lane_rank(const vw_lane *l)
{
    return l->kind == VW_LANE_CLIENT ? 3 : l->kind == VW_LANE_EMUL ? 1 : vw_lane_is_model(l) ? 0 : 2;
}

static int cmp_lane(const void *a, const void *b)
{
    const vw_lane *x = a, *y = b;
    int rx = lane_rank(x), ry = lane_rank(y);
    if (rx != ry)
        return rx - ry;
    return x->thread_idx < y->thread_idx ? -1 : x->thread_idx > y->thread_idx;
}

/* sockscope's own threads (the runner, a stop watcher) are shown only when
 * they hold something of the run's story (a simulated UI's posts) */
static void drop_empty_control_lanes(vw_run *r)
{
    int k = 0;
    for (int i = 0; i < r->nlanes; i++) {
        vw_lane *l = &r->lanes[i];
        if (l->kind == VW_LANE_THREAD && l->role == SS_ROLE_CONTROL && l->n == 0) {
            free(l->ev);
            continue;
        }
        r->lanes[k++] = *l;
    }
    r->nlanes = k;
}

/* after lanes moved (dropped, sorted): index them where they are now */
static void reindex_lanes(vw_run *r)
{
    ss_idmap_clear(&r->lane_ix);
    for (int i = 0; i < r->nlanes; i++)
        ss_idmap_put(&r->lane_ix, r->lanes[i].thread_idx, (uint32_t)i); /* fits: the map held them all */
}

void vw_run_finish(vw_run *r)
{
    drop_empty_control_lanes(r);
    if (r->nlanes > 1) /* never qsort(NULL, 0): a run may have no lanes */
        qsort(r->lanes, (size_t)r->nlanes, sizeof *r->lanes, cmp_lane);
    reindex_lanes(r);
    r->nserver = 0;
    uint64_t last = 0;
    for (int i = 0; i < r->nlanes; i++) {
        lane_finish(&r->lanes[i]);
        r->nevents += r->lanes[i].n;
        if (r->lanes[i].kind != VW_LANE_CLIENT)
            r->nserver++;
        if (r->lanes[i].last > last)
            last = r->lanes[i].last;
    }
    if (!r->has_end || r->duration < last)
        r->duration = last;
}

/* --- session ---------------------------------------------------------------- */
static void oplane_free(vw_oplane *o)
{
    free(o->op);
    free(o->t_end);
    memset(o, 0, sizeof *o);
}

static void run_free(vw_run *r)
{
    for (int i = 0; i < r->nlanes; i++) {
        free(r->lanes[i].ev);
        free(r->lanes[i].pre);
    }
    free(r->lanes);
    ss_idmap_free(&r->lane_ix);
    oplane_free(&r->kernel);
    oplane_free(&r->msgs);
    free(r->req_end);
    free(r->lat);
    memset(r, 0, sizeof *r);
}

void vw_session_free(vw_session *s)
{
    for (int i = 0; i < s->nruns; i++)
        run_free(&s->runs[i]);
    free(s->runs);
    memset(s, 0, sizeof *s);
}

void vw_session_remove(vw_session *s, int run)
{
    if (run < 0 || run >= s->nruns)
        return;
    s->nevents -= s->runs[run].nevents;
    run_free(&s->runs[run]);
    memmove(&s->runs[run], &s->runs[run + 1], (size_t)(s->nruns - run - 1) * sizeof *s->runs);
    s->nruns--;
}

void vw_session_move(vw_session *s, int run, int dir)
{
    int to = run + dir;
    if (run < 0 || run >= s->nruns || to < 0 || to >= s->nruns)
        return;
    vw_run tmp = s->runs[run];
    s->runs[run] = s->runs[to];
    s->runs[to] = tmp;
}

uint64_t vw_session_duration(const vw_session *s)
{
    uint64_t d = 0;
    for (int i = 0; i < s->nruns; i++)
        if (s->runs[i].duration > d)
            d = s->runs[i].duration;
    return d;
}

uint64_t vw_session_work_end(const vw_session *s)
{
    uint64_t d = 0;
    for (int i = 0; i < s->nruns; i++) {
        if (!s->runs[i].work_end)
            return vw_session_duration(s);
        if (s->runs[i].work_end > d)
            d = s->runs[i].work_end;
    }
    return d;
}

size_t vw_session_bytes(const vw_session *s)
{
    size_t b = 0;
    for (int i = 0; i < s->nruns; i++) {
        const vw_run *r = &s->runs[i];
        for (int j = 0; j < r->nlanes; j++)
            b += r->lanes[j].cap * sizeof(vw_ev) + (r->lanes[j].n / VW_BLOCK + 1) * sizeof(vw_prefix);
        b += r->kernel.cap * sizeof(vw_op) + r->kernel.n * sizeof(uint64_t);
        b += r->msgs.cap * sizeof(vw_op) + r->msgs.n * sizeof(uint64_t);
        b += r->nreq * sizeof(uint64_t) + r->nlat * sizeof(vw_lat_snap) + (size_t)r->capl * sizeof(vw_lane);
    }
    return b;
}

/* --- searches --------------------------------------------------------------- */
size_t vw_lane_lower(const vw_lane *l, uint64_t t) { return vw_lower_t0(l->ev, sizeof *l->ev, 0, l->n, t); }

size_t vw_lane_first_covering(const vw_lane *l, uint64_t t)
{
    size_t i = vw_lane_lower(l, t);
    if (!l->pre || i == 0)
        return i;
    /* the last block before which every event ends by t (prefix max_end is
     * monotone); from there skip the few events that end before t */
    size_t lo = 0, hi = i / VW_BLOCK;
    if (hi > l->n / VW_BLOCK)
        hi = l->n / VW_BLOCK;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (l->pre[mid].max_end <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t j = lo * VW_BLOCK;
    while (j < i && vw_ev_end(&l->ev[j]) <= t)
        j++;
    return j;
}

size_t vw_ops_lower(const vw_oplane *o, uint64_t t) { return vw_lower_t0(o->op, sizeof *o->op, 0, o->n, t); }

size_t vw_u64_upper(const uint64_t *a, size_t n, uint64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
