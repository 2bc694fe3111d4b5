/* merge_align.c — where each input run goes on the common axis: its clock
 * anchors first, then the request pairs between a server's connections and
 * its clients' (merge.h has the reasoning). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/merge/merge_int.h"

/* --- a run's connections, as byte streams ----------------------------------- */
/* bytes [off, off + n) of one direction moved by one call, entered at t0,
 * returned at t1 */
typedef struct piece {
    uint64_t off, t0, t1;
    uint64_t n;
} piece;

typedef struct stream {
    piece *p;
    size_t n, cap;
    uint64_t total;
} stream;

/* a server's accepted connection (ep: the client's address, as accept gave
 * it) or a client's (ep: its own, as getsockname gave it after connect) */
typedef struct conn {
    uint64_t ep, t_open;
    int server;
    stream in, out;
} conn;

typedef struct conns {
    conn *c;
    size_t n, cap;
} conns;

#define NO_CONN 0xfffffffeu

static int wanted(const ss_event *e)
{
    if ((e->flags & SS_EV_EMUL) || e->sock < 0)
        return 0;
    switch (e->api) {
    case SS_API_ACCEPT: return e->ret >= 0 && e->id != 0;
    case SS_API_CONNECT:
    case SS_API_GETSOCKNAME:
    case SS_API_CLOSE: return 1;
    case SS_API_RECV:
    case SS_API_SEND: return e->ret > 0;
    case SS_API_OP_SUBMIT: return e->aux == SS_API_SEND; /* an overlapped send: it starts here */
    case SS_API_OP_COMPLETE: return (e->aux == SS_API_RECV || e->aux == SS_API_SEND) && e->ret > 0;
    default: return 0;
    }
}

static int by_time(const void *a, const void *b)
{
    const ss_event *x = *(const ss_event *const *)a, *y = *(const ss_event *const *)b;
    if (x->t0 != y->t0)
        return x->t0 < y->t0 ? -1 : 1;
    return x->t1 < y->t1 ? -1 : x->t1 > y->t1;
}

/* bytes moved by a call entered at t0 that returned e->ret bytes at e->t1 */
static int append_at(stream *s, const ss_event *e, uint64_t t0)
{
    if (s->n == s->cap) {
        piece *p = ss_grow(s->p, &s->cap, sizeof *p, 64);
        if (!p)
            return -1;
        s->p = p;
    }
    s->p[s->n++] = (piece){s->total, t0, e->t1, (uint64_t)e->ret};
    s->total += (uint64_t)e->ret;
    return 0;
}

static int append(stream *s, const ss_event *e) { return append_at(s, e, e->t0); }

/* Overlapped sends (op_submit .. op_complete, matched by operation id): the
 * bytes may leave from the submission on, so that is the piece's entry. */
typedef struct submits {
    ss_idmap ix; /* operation id -> slot */
    uint64_t *t0;
    size_t n, cap;
} submits;

static void submit_put(submits *sb, const ss_event *e)
{
    if (sb->n == sb->cap) {
        uint64_t *p = ss_grow(sb->t0, &sb->cap, sizeof *p, 64);
        if (!p)
            return;
        sb->t0 = p;
    }
    sb->t0[sb->n] = e->t0;
    if (ss_idmap_put(&sb->ix, (uint32_t)e->id, (uint32_t)sb->n) == 0)
        sb->n++;
}

static uint64_t submit_t0(const submits *sb, const ss_event *complete)
{
    int64_t k = ss_idmap_get(&sb->ix, (uint32_t)complete->id);
    return k < 0 ? complete->t0 : sb->t0[k];
}

static conn *open_conn(conns *cs, ss_idmap *fds, const ss_event *e, int fd, int server)
{
    if (cs->n == cs->cap) {
        conn *p = ss_grow(cs->c, &cs->cap, sizeof *p, 16);
        if (!p)
            return NULL;
        cs->c = p;
    }
    conn *c = &cs->c[cs->n];
    memset(c, 0, sizeof *c);
    c->server = server;
    c->ep = server ? e->id : 0;
    c->t_open = e->t1;
    return ss_idmap_put(fds, (uint32_t)fd, (uint32_t)cs->n++) == 0 ? c : NULL;
}

static conn *conn_of(conns *cs, const ss_idmap *fds, int fd)
{
    int64_t k = ss_idmap_get(fds, (uint32_t)fd);
    return k < 0 || k == NO_CONN ? NULL : &cs->c[k];
}

/* One sweep over the run's socket events in time order: an fd belongs to
 * the connection its accept or connect opened until its close. */
static void sweep(conns *cs, const ss_event *const *evs, size_t n)
{
    ss_idmap fds = {0};
    submits sb = {0};
    for (size_t i = 0; i < n; i++) {
        const ss_event *e = evs[i];
        conn *c = conn_of(cs, &fds, e->sock);
        switch (e->api) {
        case SS_API_ACCEPT: open_conn(cs, &fds, e, (int)e->ret, 1); break;
        case SS_API_CONNECT: open_conn(cs, &fds, e, e->sock, 0); break;
        case SS_API_GETSOCKNAME:
            if (c && !c->server && !c->ep)
                c->ep = e->id;
            break;
        case SS_API_CLOSE: ss_idmap_put(&fds, (uint32_t)e->sock, NO_CONN); break;
        case SS_API_SEND:
            if (c)
                append(&c->out, e);
            break;
        case SS_API_RECV:
            if (c)
                append(&c->in, e);
            break;
        case SS_API_OP_SUBMIT: submit_put(&sb, e); break;
        default: /* a completion: a recv's bytes were in by then; a send's left after its submission */
            if (c && e->aux == SS_API_RECV)
                append(&c->in, e);
            else if (c)
                append_at(&c->out, e, submit_t0(&sb, e));
            break;
        }
    }
    ss_idmap_free(&fds);
    ss_idmap_free(&sb.ix);
    free(sb.t0);
}

static void conns_of(const mg_run *r, conns *cs)
{
    size_t n = 0, cap = 0;
    const ss_event **evs = NULL;
    for (size_t t = 0; t < r->nth; t++)
        for (size_t i = 0; i < r->th[t].n; i++) {
            if (!wanted(&r->th[t].ev[i]))
                continue;
            if (n == cap) {
                const ss_event **p = ss_grow((void *)evs, &cap, sizeof *p, 1024);
                if (!p)
                    goto done;
                evs = p;
            }
            evs[n++] = &r->th[t].ev[i];
        }
    if (n) /* qsort takes no null array, even empty */
        qsort((void *)evs, n, sizeof *evs, by_time);
    sweep(cs, evs, n);
done:
    free((void *)evs);
}

static void conns_free(conns *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->c[i].in.p);
        free(cs->c[i].out.p);
    }
    free(cs->c);
}

/* the piece that moved byte `off`, or NULL */
static const piece *piece_at(const stream *s, uint64_t off)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->p[mid].off + s->p[mid].n <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->p[lo].off <= off ? &s->p[lo] : NULL;
}

/* --- bounds on the offset between two runs' clocks -------------------------- */
typedef struct bounds {
    double lo, hi, best; /* for d = corr(client run) - corr(server run) */
    long n;
} bounds;

/* the run's axis without the correction the pairs will add */
static double raw(const mg_run *r, uint64_t t) { return r->start + (double)t * (1 + r->rate); }

static const conn *server_conn(const mg_run *S, const conns *sc, const mg_run *C, const conn *cc)
{
    const conn *best = NULL;
    double gap = INFINITY;
    for (size_t i = 0; i < sc->n; i++) {
        const conn *s = &sc->c[i];
        double g = fabs(raw(S, s->t_open) - raw(C, cc->t_open));
        if (s->server && s->ep == cc->ep && g < gap) { /* a port used again later: the nearest in time */
            best = s;
            gap = g;
        }
    }
    return best;
}

/* For the first byte of every client send: it left after c1 (the send's
 * entry) and was in before s2 (the server's recv returned); its echo left
 * after s3 (the server's send entered) and was in before c4 (the client's
 * recv returned). So d <= s2 - c1 and d >= s3 - c4. */
static void pair_conn(const mg_run *S, const conn *s, const mg_run *C, const conn *c, bounds *b)
{
    for (size_t i = 0; i < c->out.n; i++) {
        uint64_t a = c->out.p[i].off;
        const piece *s2 = piece_at(&s->in, a), *s3 = piece_at(&s->out, a), *c4 = piece_at(&c->in, a);
        if (!s2 || !s3 || !c4)
            continue;
        double hi = raw(S, s2->t1) - raw(C, c->out.p[i].t0), lo = raw(S, s3->t0) - raw(C, c4->t1);
        b->hi = fmin(b->hi, hi);
        b->lo = fmax(b->lo, lo);
        b->best = fmin(b->best, (hi - lo) / 2);
        b->n++;
    }
}

static bounds pair_bounds(const mg_run *S, const conns *sc, const mg_run *C, const conns *cc)
{
    bounds b = {-INFINITY, INFINITY, INFINITY, 0};
    for (size_t i = 0; i < cc->n; i++) {
        const conn *c = &cc->c[i];
        const conn *s = c->server || !c->ep ? NULL : server_conn(S, sc, C, c);
        if (s)
            pair_conn(S, s, C, c, &b);
    }
    return b;
}

/* --- anchors --------------------------------------------------------------- */
/* Real time at the run's t = 0, and its clock's rate against real time from
 * its two anchors (a run shorter than 10 ms, or real time stepped by more
 * than 0.1 %, keeps rate 1). A trace without anchors has its RUNB's
 * wall-clock start. */
static uint64_t anchor_run(mg_run *r)
{
    ss_clock_anchor a0 = r->nanchors ? r->anchor[0] : (ss_clock_anchor){r->meta.id, 0, r->meta.wall_start_ns, 0};
    r->rate = 0;
    if (r->nanchors == 2 && r->anchor[1].t_ns >= a0.t_ns + 10000000) {
        double dt = (double)(r->anchor[1].t_ns - a0.t_ns);
        double rate = ((double)(int64_t)(r->anchor[1].real_ns - a0.real_ns) - dt) / dt;
        r->rate = fabs(rate) < 1e-3 ? rate : 0;
    }
    return a0.real_ns - (uint64_t)llround((double)a0.t_ns * (1 + r->rate));
}

/* --- placing the runs ------------------------------------------------------ */
static void place(mg_set *set, ss_merge_result *res, conns *cs, size_t p, size_t u)
{
    mg_run *P = &set->runs[p], *U = &set->runs[u];
    bounds as_client = pair_bounds(P, &cs[p], U, &cs[u]); /* U's clients against P's server */
    bounds as_server = pair_bounds(U, &cs[u], P, &cs[p]);
    int u_client = as_client.n >= as_server.n;
    bounds b = u_client ? as_client : as_server;
    if (b.n == 0)
        return;
    double mid = (b.lo + b.hi) / 2, half = fabs(b.hi - b.lo) / 2;
    U->corr = u_client ? P->corr + mid : P->corr - mid;
    U->unc = P->unc + half;
    U->placed = 1;
    ss_merge_run *o = &res->runs[u];
    o->pairs = b.n;
    o->best_half_rtt_ns = b.best;
    o->against = (int)p;
    o->inconsistent = b.lo > b.hi;
}

void mg_align(mg_set *set, ss_merge_result *res)
{
    for (size_t i = 0; i < set->nruns; i++) {
        uint64_t real0 = anchor_run(&set->runs[i]);
        if (i == 0)
            set->t_ref = real0;
        set->runs[i].start = (double)(int64_t)(real0 - set->t_ref);
        set->runs[i].corr = 0;
        set->runs[i].unc = -1;
        ss_merge_run *o = &res->runs[i];
        o->input = set->runs[i].input;
        o->run = set->runs[i].meta.id;
        snprintf(o->model, sizeof o->model, "%s", set->runs[i].meta.model);
        o->anchors = set->runs[i].nanchors;
        const mg_run *r = &set->runs[i];
        o->anchor_err_ns =
            !r->nanchors ? -1 : (double)r->anchor[0].err_ns + (r->nanchors == 2 ? (double)r->anchor[1].err_ns : 0);
        o->rate_ppm = set->runs[i].rate * 1e6;
        o->anchor_offset_ns = set->runs[i].start;
        o->uncertainty_ns = -1;
        o->against = -1;
    }
    conns *cs = calloc(set->nruns, sizeof *cs);
    size_t *queue = calloc(set->nruns, sizeof *queue);
    if (cs && queue && set->nruns) {
        for (size_t i = 0; i < set->nruns; i++)
            conns_of(&set->runs[i], &cs[i]);
        set->runs[0].placed = 1;
        set->runs[0].unc = 0;
        size_t head = 0, tail = 0;
        queue[tail++] = 0;
        while (head < tail) { /* outwards from the reference, through paired connections */
            size_t p = queue[head++];
            for (size_t u = 0; u < set->nruns; u++)
                if (!set->runs[u].placed && set->runs[u].input != set->runs[p].input) {
                    place(set, res, cs, p, u);
                    if (set->runs[u].placed)
                        queue[tail++] = u;
                }
        }
    }
    for (size_t i = 0; cs && i < set->nruns; i++)
        conns_free(&cs[i]);
    free(cs);
    free(queue);
    for (size_t i = 0; i < set->nruns; i++) {
        res->runs[i].correction_ns = set->runs[i].corr;
        res->runs[i].uncertainty_ns = set->runs[i].placed ? set->runs[i].unc : -1;
    }
}
