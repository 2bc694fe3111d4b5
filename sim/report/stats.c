#include "sim/report/stats.h"

#include <stdlib.h>
#include <string.h>

#include "sim/report/jsonw.h"

static ss_run_stats *find_run(ss_stats *st, uint32_t id)
{
    for (int i = st->nruns - 1; i >= 0; i--)
        if (st->runs[i].meta.id == id)
            return &st->runs[i];
    return NULL;
}

/* What loading keeps per thread of a run. pend: the emulation kernel
 * entries made on a model thread since its last own event, not yet known
 * to be inside a Windows call's span (see inline_cpu below). */
#define PEND_MAX 8
struct ss_thread_acc {
    int role;
    uint64_t first, last;
    uint64_t pend[PEND_MAX], pend_t0;
    int npend;
};

/* The slot of a thread (made at its first mention), or -1 when out of memory. */
static int64_t thread_slot(ss_run_stats *r, uint32_t idx)
{
    int64_t k = ss_idmap_get(&r->thread_ix, idx);
    if (k >= 0)
        return k;
    if (r->nthreads == r->capthreads) {
        struct ss_thread_acc *t = ss_grow(r->threads, &r->capthreads, sizeof *t, 16);
        if (!t)
            return -1;
        r->threads = t;
    }
    if (r->nthreads >= UINT32_MAX || ss_idmap_put(&r->thread_ix, idx, (uint32_t)r->nthreads) != 0)
        return -1;
    r->threads[r->nthreads] = (struct ss_thread_acc){.role = SS_ROLE_SERVER, .first = UINT64_MAX};
    return (int64_t)r->nthreads++;
}

static int role_of(const ss_run_stats *r, uint32_t thread)
{
    int64_t k = ss_idmap_get(&r->thread_ix, thread);
    return k >= 0 ? r->threads[k].role : SS_ROLE_SERVER;
}

/* The side a thread's events count for (flags: the event's): see stats.h. */
static ss_side *side_of_role(ss_run_stats *r, int role, int flags)
{
    switch (role) {
    case SS_ROLE_CLIENT: return &r->client;
    case SS_ROLE_EMUL: return &r->emul;
    case SS_ROLE_SERVER: return (flags & SS_EV_EMUL) ? &r->emul : &r->server;
    case SS_ROLE_CONTROL: return &r->control;
    default: return NULL; /* the relay is neither server nor client */
    }
}

static ss_side *side_of(ss_run_stats *r, uint32_t thread, int flags)
{
    return side_of_role(r, role_of(r, thread), flags);
}

/* A histogram is made at its first sample (see stats.h); without memory
 * the sample is lost, not the run. */
static void hist_add(ss_hist **h, uint64_t v)
{
    if (!*h && (*h = malloc(sizeof **h)) != NULL)
        ss_hist_init(*h);
    if (*h)
        ss_hist_add(*h, v);
}

uint64_t ss_hist_count_of(const ss_hist *h) { return h ? h->count : 0; }
uint64_t ss_hist_pct_of(const ss_hist *h, double pct) { return h ? ss_hist_pct(h, pct) : 0; }
uint64_t ss_hist_max_of(const ss_hist *h) { return h && h->count ? h->max : 0; }

static void on_run_begin(void *ud, const ss_run_meta *m)
{
    ss_stats *st = ud;
    if ((size_t)st->nruns == st->capruns) {
        ss_run_stats *runs = ss_grow(st->runs, &st->capruns, sizeof *runs, 4);
        if (!runs)
            return;
        st->runs = runs;
    }
    ss_run_stats *r = &st->runs[st->nruns++];
    memset(r, 0, sizeof *r);
    r->meta = *m;
    const char *mode = ss_run_param(m, "mode");
    r->serve = mode && strcmp(mode, "serve") == 0;
}

/* --- async-select's messages -------------------------------------------------
 * A post (notifier or UI thread) and its dispatch (the window procedure)
 * carry the same id but live on different threads, so either may be read
 * first; the first waits in a small open-addressing table until the other
 * arrives. It holds only messages in flight: as small as the queue. */
typedef struct ss_msg_slot {
    uint64_t id;          /* 0 = empty */
    uint64_t t;           /* post: its time; dispatch: when it was taken */
    uint64_t ui_end;      /* dispatch: end of the last UI handling before it */
    uint32_t code;
    int dispatched;       /* which half this is */
} ss_msg_slot;

static size_t msg_home(const ss_msg_stats *m, uint64_t id) { return (size_t)(id * 0x9e3779b97f4a7c15ull) & (m->cap - 1); }

static ss_msg_slot *msg_find(ss_msg_stats *m, uint64_t id)
{
    for (size_t i = m->cap ? msg_home(m, id) : 0; m->cap && m->pending[i].id; i = (i + 1) & (m->cap - 1))
        if (m->pending[i].id == id)
            return &m->pending[i];
    return NULL;
}

static void msg_insert(ss_msg_stats *m, const ss_msg_slot *v)
{
    size_t i = msg_home(m, v->id);
    while (m->pending[i].id)
        i = (i + 1) & (m->cap - 1);
    m->pending[i] = *v;
    m->n++;
}

/* A new table of `cap` slots holding every post, and the dispatches no
 * older than `since`. */
static int msg_rehash(ss_msg_stats *m, size_t cap, uint64_t since)
{
    ss_msg_slot *old = m->pending, *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    size_t oldcap = m->cap;
    m->pending = t;
    m->cap = cap;
    m->n = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id && (!old[i].dispatched || old[i].t >= since))
            msg_insert(m, &old[i]);
    free(old);
    return 0;
}

/* A dispatch is recorded after its post, and both reach the file within a
 * writer pass (milliseconds): a dispatch a second older than the newest
 * time read whose post has not been read never finds it — on Windows the
 * kernel's posts are not recorded at all. Such dispatches are let go
 * before the table grows. A post waits as long as its message is queued
 * (seconds, when the procedure falls behind), so posts are kept: they are
 * as many as the messages in the queue. */
#define MSG_MATCH_WINDOW_NS 1000000000ull

static int msg_put(ss_msg_stats *m, const ss_msg_slot *v)
{
    if ((m->n + 1) * 2 > m->cap) { /* keep it half empty: short probes */
        uint64_t since = m->latest > MSG_MATCH_WINDOW_NS ? m->latest - MSG_MATCH_WINDOW_NS : 0;
        if (m->cap && msg_rehash(m, m->cap, since) != 0)
            return -1;
        if ((m->n + 1) * 2 > m->cap && msg_rehash(m, m->cap ? m->cap * 2 : 64, 0) != 0)
            return -1;
    }
    msg_insert(m, v);
    return 0;
}

/* removes slot s, moving later entries of its probe run back into the gap */
static void msg_del(ss_msg_stats *m, ss_msg_slot *s)
{
    size_t i = (size_t)(s - m->pending), j = i;
    m->pending[i].id = 0;
    m->n--;
    for (;;) {
        j = (j + 1) & (m->cap - 1);
        if (!m->pending[j].id)
            return;
        size_t h = msg_home(m, m->pending[j].id);
        /* j's entry may fill the gap at i if its home is not in (i, j] */
        if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
            m->pending[i] = m->pending[j];
            m->pending[j].id = 0;
            i = j;
        }
    }
}

static void msg_matched(ss_msg_stats *m, const ss_msg_slot *post, const ss_msg_slot *disp)
{
    if (disp->code > 0x3f)
        return; /* UI and quit messages: counted, not timed */
    hist_add(&m->socket_delay, disp->t > post->t ? disp->t - post->t : 0);
    m->behind_ui += disp->ui_end > post->t;
}

static void on_message(ss_msg_stats *m, const ss_event *ev)
{
    int dispatch = ev->api == SS_API_MSG_DISPATCH;
    if (dispatch) {
        m->dispatched++;
        if (ev->aux == SS_MSG_UI) {
            m->ui++;
            m->ui_end = ev->t1 > m->ui_end ? ev->t1 : m->ui_end;
        }
    } else {
        m->posted++;
    }
    if (ev->t0 > m->latest)
        m->latest = ev->t0;
    ss_msg_slot me = {ev->id, ev->t0, dispatch ? m->ui_end : 0, ev->aux, dispatch};
    ss_msg_slot *other = msg_find(m, ev->id);
    if (other && other->dispatched != dispatch) {
        msg_matched(m, dispatch ? other : &me, dispatch ? &me : other);
        msg_del(m, other);
    } else if (ev->id) {
        msg_put(m, &me);
    }
}

static void on_thread(void *ud, const ss_thread_meta *t)
{
    ss_run_stats *r = find_run(ud, t->run);
    int64_t k = r ? thread_slot(r, t->idx) : -1;
    if (k < 0)
        return;
    r->threads[k].role = t->role;
    ss_side *s = side_of_role(r, t->role, 0);
    if (s)
        s->threads++;
}

static void count_call(ss_side *s, const ss_event *ev)
{
    uint64_t dur = ev->t1 - ev->t0;
    if (ev->flags & SS_EV_KERNEL) {
        s->transitions++;
        if (ss_api_is_socket_call(ev->api))
            s->socket_calls++;
    }
    if (ev->flags & SS_EV_MAYBLOCK) {
        s->blocking_calls++;
        s->blocked_ns += dur;
        if (ev->flags & SS_EV_WAITED)
            s->waited_calls++;
    }
    if (ev->err == SS_E_WOULDBLOCK) {
        /* a futex wait that found the value already changed is not a would-block */
        if (ss_api_is_socket_call(ev->api))
            s->wouldblock++;
    }
    else if ((ev->flags & SS_EV_FAILED) && (ev->flags & SS_EV_KERNEL))
        s->errors++;
}

/* The CPU of emulation calls on a model's own threads (stats.h). A call
 * inside a stand-in's Windows call that enters the kernel on Windows (the
 * io_uring_enter under a WSASend, the poll under WSAWaitForMultipleEvents)
 * does that call's work: its CPU stays the model's. The others (a hand-off's
 * futex wake, a re-enabling epoll_ctl) are the emulation's own: their
 * durations are kept for the estimate. A stand-in's event comes after the
 * calls inside it, on the same thread: the calls wait in th->pend until the
 * thread's next own event says which they were. */
static void inline_flush(ss_run_stats *r, struct ss_thread_acc *th, int keep)
{
    for (int i = 0; keep && i < th->npend; i++)
        hist_add(&r->emul_inline, th->pend[i]);
    th->npend = 0;
}

static void inline_cpu(ss_run_stats *r, struct ss_thread_acc *th, const ss_event *ev, int emul)
{
    if (emul) {
        if (!(ev->flags & SS_EV_KERNEL) || (ev->flags & SS_EV_WAITED))
            return; /* no kernel entry, or time asleep: no CPU to speak of */
        if (th->npend == PEND_MAX)
            inline_flush(r, th, 1);
        if (!th->npend || ev->t0 < th->pend_t0)
            th->pend_t0 = ev->t0;
        th->pend[th->npend++] = ev->t1 - ev->t0;
        return;
    }
    int inside = (ev->flags & SS_EV_STANDIN) && (ev->flags & SS_EV_KERNEL) && ev->t0 <= th->pend_t0;
    inline_flush(r, th, !inside);
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    ss_run_stats *r = find_run(ud, run);
    int64_t k = r ? thread_slot(r, thread) : -1;
    if (k < 0)
        return;
    struct ss_thread_acc *th = &r->threads[k];
    if (ev->t0 < th->first) th->first = ev->t0;
    if (ev->t1 > th->last) th->last = ev->t1;
    /* the message queue and the requests, whoever recorded them */
    if (ev->api == SS_API_MSG_POST || ev->api == SS_API_MSG_DISPATCH)
        on_message(&r->msgs, ev);
    ss_side *s = side_of_role(r, th->role, ev->flags);
    if (!s)
        return;
    if (th->role == SS_ROLE_SERVER)
        inline_cpu(r, th, ev, s == &r->emul);

    s->events++;
    if (ev->api < SS_API_COUNT)
        s->calls[ev->api]++;
    count_call(s, ev);
    int io_api = ev->api == SS_API_OP_COMPLETE ? (int)ev->aux : ev->api;
    if (ev->ret > 0 && ev->api != SS_API_OP_SUBMIT) {
        if (io_api == SS_API_RECV) s->bytes_in += (uint64_t)ev->ret;
        if (io_api == SS_API_SEND) s->bytes_out += (uint64_t)ev->ret;
    }
    switch (ev->api) {
    case SS_API_OP_SUBMIT: /* a submission that entered the kernel (WSARecv) was counted above */
        s->submissions++;
        if (!(ev->flags & SS_EV_KERNEL))
            s->socket_calls++;
        break;
    case SS_API_OP_COMPLETE: s->completions++; break;
    case SS_API_CPU_WORK: s->cpu_work_ns += ev->t1 - ev->t0; break;
    case SS_API_TRACE_WAIT:
        s->trace_waits++;
        s->trace_wait_ns += ev->t1 - ev->t0;
        break;
    case SS_API_REFUSED: r->refused++; break;
    case SS_API_REQUEST:
        if (ev->flags & SS_EV_FAILED) {
            r->requests_failed++;
        } else {
            r->requests_ok++;
            hist_add(&r->latency, ev->t1 - ev->t0);
        }
        break;
    default: break;
    }
}

static void on_thread_end(void *ud, const ss_thread_end_info *t)
{
    ss_run_stats *r = find_run(ud, t->run);
    if (!r)
        return;
    ss_side *s = side_of(r, t->idx, 0);
    if (!s)
        return;
    s->user_ns += t->user_ns;
    s->sys_ns += t->sys_ns;
    s->dropped += t->dropped;
}

static void on_run_end(void *ud, const ss_run_end_info *e)
{
    ss_run_stats *r = find_run(ud, e->run);
    if (!r)
        return;
    r->end = *e;
    r->has_end = 1;
}

/* The emulation calls on the model's threads ran on the model's CPU
 * time: move their estimate over (system time first: they are kernel
 * entries). */
static void move_inline_cpu(ss_run_stats *r)
{
    uint64_t ns = ss_hist_count_of(r->emul_inline) * ss_hist_pct_of(r->emul_inline, 50);
    uint64_t from_sys = ns < r->server.sys_ns ? ns : r->server.sys_ns;
    uint64_t from_user = ns - from_sys < r->server.user_ns ? ns - from_sys : r->server.user_ns;
    r->server.sys_ns -= from_sys;
    r->server.user_ns -= from_user;
    r->emul.sys_ns += from_sys;
    r->emul.user_ns += from_user;
}

static void finish_run(ss_run_stats *r)
{
    for (size_t i = 0; i < r->nthreads; i++)
        inline_flush(r, &r->threads[i], 1); /* nothing came after them */
    for (size_t i = 0; i < r->nthreads; i++) {
        const struct ss_thread_acc *t = &r->threads[i];
        ss_side *s = side_of_role(r, t->role, 0);
        if (s && t->last > t->first && t->first != UINT64_MAX)
            s->thread_span_ns += t->last - t->first;
    }
    move_inline_cpu(r);
    if (!r->has_end) { /* cut-off recording: the run lasted at least until its last event */
        for (size_t i = 0; i < r->nthreads; i++)
            if (r->threads[i].last > r->end.duration_ns)
                r->end.duration_ns = r->threads[i].last;
    }
}

/* --- CPU/I-O overlap ----------------------------------------------------------
 * In flight: the model's own recv/send operations that were submitted and
 * whose completion has not been taken yet (op_submit .. op_complete;
 * non-emulation events on the model's threads). The count steps at each
 * event's exit time, so a time-ordered pass (ss_trace_scan's ordered mode)
 * sees the steps in order, and a cpu_work event [a, b] arrives after every
 * step before b: it overlapped I/O for (b - a) minus the time in [a, b]
 * when nothing was in flight. Those idle stretches are kept in a ring of
 * the latest OVL_RING, so memory is fixed whatever the file's length; work
 * that began before the oldest stretch kept (more than OVL_RING idle
 * stretches during one piece of work) is counted apart as unsure. */
#define OVL_RING 256

typedef struct ovl_gap {
    uint64_t t0, t1;
} ovl_gap;

typedef struct ovl_pass {
    ss_stats *st;
    ss_run_stats *r;          /* the run being read (ordered mode reads runs one after another) */
    uint32_t run;
    int64_t inflight;
    uint64_t idle_since;      /* nothing in flight since then (when inflight == 0) */
    uint64_t forgotten;       /* end of the newest stretch that fell out of the ring */
    ovl_gap gaps[OVL_RING];   /* closed idle stretches, newest at head - 1 */
    size_t ngaps, head;
} ovl_pass;

static uint64_t span_overlap(uint64_t x0, uint64_t x1, uint64_t a, uint64_t b)
{
    uint64_t lo = x0 > a ? x0 : a, hi = x1 < b ? x1 : b;
    return hi > lo ? hi - lo : 0;
}

static void ovl_reset(ovl_pass *o, uint32_t run)
{
    ss_stats *st = o->st;
    memset(o, 0, sizeof *o);
    o->st = st;
    o->run = run;
    o->r = find_run(st, run);
}

static void ovl_step(ovl_pass *o, int delta, uint64_t t)
{
    if (delta > 0 && o->inflight++ == 0 && t > o->idle_since) {
        if (o->ngaps == OVL_RING)
            o->forgotten = o->gaps[o->head].t1;
        o->gaps[o->head] = (ovl_gap){o->idle_since, t};
        o->head = (o->head + 1) % OVL_RING;
        o->ngaps += o->ngaps < OVL_RING;
    } else if (delta < 0 && o->inflight > 0 && --o->inflight == 0) {
        o->idle_since = t;
    }
}

/* time in [a, b] with nothing in flight */
static uint64_t ovl_idle(const ovl_pass *o, uint64_t a, uint64_t b)
{
    uint64_t idle = o->inflight == 0 ? span_overlap(o->idle_since, UINT64_MAX, a, b) : 0;
    for (size_t k = 0; k < o->ngaps; k++) {
        const ovl_gap *g = &o->gaps[(o->head + OVL_RING - 1 - k) % OVL_RING];
        if (g->t1 <= a)
            break;
        idle += span_overlap(g->t0, g->t1, a, b);
    }
    return idle;
}

static void ovl_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    ovl_pass *o = ud;
    if (run != o->run || !o->r)
        ovl_reset(o, run);
    ss_run_stats *r = o->r;
    if (!r || side_of(r, thread, ev->flags) != &r->server)
        return;
    if (r->serve) /* connections open and close in time, across threads */
        ss_conn_event(&r->conns, ev);
    if (!r->server.cpu_work_ns)
        return;
    int data_op = ev->aux == SS_API_RECV || ev->aux == SS_API_SEND;
    if (ev->api == SS_API_OP_SUBMIT && data_op)
        ovl_step(o, +1, ev->t1);
    else if (ev->api == SS_API_OP_COMPLETE && data_op)
        ovl_step(o, -1, ev->t1);
    else if (ev->api == SS_API_CPU_WORK && ev->aux != SS_MSG_UI && ev->t1 > ev->t0) {
        uint64_t len = ev->t1 - ev->t0, idle = ovl_idle(o, ev->t0, ev->t1);
        r->overlap_work_ns += len;
        r->overlap_ns += len - (idle < len ? idle : len);
        if (ev->t0 < o->forgotten)
            r->overlap_unsure_ns += len;
    }
}

/* The second pass, in time order, only when a run did CPU work (the
 * overlap figure means nothing elsewhere) or is a `serve` run (whose
 * connections are followed from accept to close across threads). */
static int load_overlap(const char *path, ss_stats *st, char *err, size_t errlen)
{
    int need = 0;
    for (int i = 0; i < st->nruns; i++)
        need |= st->runs[i].server.cpu_work_ns > 0 || st->runs[i].serve;
    if (!need)
        return 0;
    ovl_pass *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    o->st = st;
    ss_visitor v = {.ud = o, .event = ovl_event};
    ss_scan_result res;
    int rc = ss_trace_scan(path, 1, &v, &res, err, errlen);
    free(o);
    return rc;
}

double ss_run_overlap_pct(const ss_run_stats *r)
{
    return r->overlap_work_ns ? 100.0 * (double)r->overlap_ns / (double)r->overlap_work_ns : -1;
}

int ss_stats_load(const char *path, ss_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    ss_visitor v = {.ud = st, .run_begin = on_run_begin, .thread = on_thread, .event = on_event,
                    .thread_end = on_thread_end, .run_end = on_run_end};
    if (ss_trace_scan(path, 0, &v, &st->scan, err, errlen) != 0)
        return -1;
    for (int i = 0; i < st->nruns; i++)
        finish_run(&st->runs[i]);
    if (load_overlap(path, st, err, errlen) != 0) {
        ss_stats_free(st);
        return -1;
    }
    return 0;
}

void ss_stats_free(ss_stats *st)
{
    for (int i = 0; i < st->nruns; i++) {
        ss_idmap_free(&st->runs[i].thread_ix);
        free(st->runs[i].threads);
        free(st->runs[i].latency);
        free(st->runs[i].emul_inline);
        free(st->runs[i].msgs.socket_delay);
        free(st->runs[i].msgs.pending);
        ss_conn_free(&st->runs[i].conns);
    }
    free(st->runs);
    memset(st, 0, sizeof *st);
}

double ss_run_seconds(const ss_run_stats *r) { return (double)r->end.duration_ns / 1e9; }

double ss_run_rps(const ss_run_stats *r)
{
    double s = ss_run_seconds(r);
    return s > 0 ? (double)r->requests_ok / s : 0;
}

double ss_side_blocked_pct(const ss_side *s)
{
    return s->thread_span_ns ? 100.0 * (double)s->blocked_ns / (double)s->thread_span_ns : 0;
}

double ss_per_request(const ss_run_stats *r, uint64_t v)
{
    return r->requests_ok ? (double)v / (double)r->requests_ok : 0;
}

int ss_run_has_emul(const ss_run_stats *r) { return r->emul.events > 0 || r->emul.threads > 0; }

/* --- text output ----------------------------------------------------------- */
/* The columns of a run's table: the model's side, the clients, and for a
 * Linux stand-in its emulation. */
typedef struct cols {
    const ss_side *side[3];
    int n;
} cols;

static void print_side_row(FILE *f, const cols *c, const char *label, const char *fmt, const double *v)
{
    fprintf(f, "  %-24s", label);
    for (int i = 0; i < c->n; i++)
        fprintf(f, fmt, v[i]);
    fputc('\n', f);
}

/* One row: the figure get() of each column's side. */
#define ROW(label, fmt, expr)                                   \
    do {                                                        \
        double v_[3];                                           \
        for (int i_ = 0; i_ < c.n; i_++) {                      \
            const ss_side *s = c.side[i_];                      \
            v_[i_] = (double)(expr);                            \
        }                                                       \
        print_side_row(f, &c, label, fmt, v_);                  \
    } while (0)

static void print_calls(FILE *f, const char *who, const ss_side *s)
{
    fprintf(f, "  %s calls by API:", who);
    int any = 0;
    for (int a = 1; a < SS_API_COUNT; a++)
        if (s->calls[a]) {
            fprintf(f, " %s=%llu", ss_api_name(a), (unsigned long long)s->calls[a]);
            any = 1;
        }
    fprintf(f, "%s\n", any ? "" : " (none)");
}

/* The run parameters that say where a run was recorded (sim/run/server.h): on
 * their own line, not among the workload's. */
static int is_origin_key(const char *k)
{
    return strcmp(k, "platform") == 0 || strcmp(k, "winsock") == 0 || strcmp(k, "waits") == 0;
}

/* Older traces do not say where they were recorded: then nothing is said. */
static void print_origin(FILE *f, const ss_run_meta *m)
{
    const char *platform = ss_run_param(m, "platform"), *winsock = ss_run_param(m, "winsock"),
               *waits = ss_run_param(m, "waits");
    if (!platform)
        return;
    fprintf(f, "  recorded on: %s", platform);
    if (winsock)
        fprintf(f, ", winsock %s", winsock);
    if (waits)
        fprintf(f, ", waits %s", waits);
    if (strncmp(platform, "wine", 4) == 0)
        fprintf(f, " (Wine's Winsock on Linux sockets: the timings are Wine's, not Windows')");
    else if (winsock && strcmp(winsock, "stand-in") == 0)
        fprintf(f, " (a Linux stand-in for the Winsock model: see the mechanism)");
    fputc('\n', f);
}

/* "really waited" is a measurement only where the run says waits were measured */
static int waits_unmeasured(const ss_run_meta *m)
{
    const char *w = ss_run_param(m, "waits");
    return w && strcmp(w, "measured") != 0;
}

static void print_messages(FILE *f, const ss_msg_stats *m)
{
    if (!m->posted && !m->dispatched)
        return;
    fprintf(f, "  message queue: %llu posted, %llu dispatched (%llu UI); ", (unsigned long long)m->posted,
            (unsigned long long)m->dispatched, (unsigned long long)m->ui);
    if (ss_hist_count_of(m->socket_delay))
        fprintf(f, "socket messages waited p50 %.1f us, p99 %.1f us, max %.1f us; %llu of %llu waited while UI "
                   "work ran\n", ss_hist_pct_of(m->socket_delay, 50) / 1e3, ss_hist_pct_of(m->socket_delay, 99) / 1e3,
                ss_hist_max_of(m->socket_delay) / 1e3, (unsigned long long)m->behind_ui,
                (unsigned long long)ss_hist_count_of(m->socket_delay));
    else
        fprintf(f, "socket messages not timed: their posts are not in the trace (posted by the kernel)\n");
}

static void print_sides(FILE *f, const ss_run_stats *r)
{
    cols c = {{&r->server, &r->client, &r->emul}, ss_run_has_emul(r) ? 3 : 2};
    fprintf(f, "  %-24s%14s%14s%s\n", "", c.n == 3 ? "model (Windows)" : "server", "clients",
            c.n == 3 ? "     emulation" : "");
    ROW("threads", "%14.0f", s->threads);
    ROW("socket calls", "%14.0f", s->socket_calls);
    ROW("  per request", "%14.2f", ss_per_request(r, s->socket_calls));
    ROW("user/kernel transitions", "%14.0f", s->transitions);
    ROW("  per request", "%14.2f", ss_per_request(r, s->transitions));
    ROW("blocking calls", "%14.0f", s->blocking_calls);
    if (waits_unmeasured(&r->meta)) { /* not 0: unknown */
        fprintf(f, "  %-24s", "  really waited");
        for (int i = 0; i < c.n; i++)
            fprintf(f, "%14s", "not measured");
        fputc('\n', f);
    } else {
        ROW("  really waited", "%14.0f", s->waited_calls);
    }
    ROW("time blocked (ms)", "%14.2f", s->blocked_ns / 1e6);
    ROW("  % of thread time", "%14.1f", ss_side_blocked_pct(s));
    ROW("would-block returns", "%14.0f", s->wouldblock);
    ROW("failed calls", "%14.0f", s->errors);
    ROW("async submissions", "%14.0f", s->submissions);
    ROW("completion packets", "%14.0f", s->completions);
    ROW("bytes received", "%14.0f", s->bytes_in);
    ROW("bytes sent", "%14.0f", s->bytes_out);
    ROW("CPU user (ms)", "%14.2f", s->user_ns / 1e6);
    ROW("CPU sys (ms)", "%14.2f", s->sys_ns / 1e6);
    ROW("events recorded", "%14.0f", s->events);
    ROW("events dropped", "%14.0f", s->dropped);
    if (r->server.trace_waits || r->client.trace_waits || r->emul.trace_waits) { /* the recorder held threads */
        ROW("recorder waits (full)", "%14.0f", s->trace_waits);
        ROW("  time (ms)", "%14.2f", s->trace_wait_ns / 1e6);
    }
    if (c.n == 3)
        fprintf(f, "  (a Linux stand-in: \"model\" counts the calls the Windows program makes, each as Windows makes "
                   "it; \"emulation\" is the machinery that plays Winsock's kernel side here: docs/comparison.md)\n");
}

static void print_overlap(FILE *f, const ss_run_stats *r)
{
    double pct = ss_run_overlap_pct(r);
    if (pct < 0)
        return;
    fprintf(f, "  CPU/I-O overlap: %.1f %% of the model's %.2f ms of request CPU work ran while one of its own "
               "asynchronous recv/send operations was in flight%s\n", pct, r->overlap_work_ns / 1e6,
            r->server.submissions ? "" : " (it has none: synchronous I/O)");
    if (r->overlap_unsure_ns)
        fprintf(f, "  (%.2f ms of that work began before the history kept for this figure: counted as it "
                   "looked)\n", r->overlap_unsure_ns / 1e6);
}

/* "512", "64-4096", "0-900 (list)" */
long ss_run_size_max(const ss_run_meta *m)
{
    const char *s = ss_run_param(m, "size"), *dash = s ? strchr(s, '-') : NULL;
    return s ? strtol(dash ? dash + 1 : s, NULL, 10) : 0;
}

int ss_run_nagle_prone(const ss_run_meta *m)
{
    const char *options = ss_run_param(m, "options"), *buffer = ss_run_param(m, "buffer");
    return options && buffer && !strstr(options, "nodelay") && !ss_run_param(m, "link") &&
           ss_run_size_max(m) > strtol(buffer, NULL, 10);
}

int ss_run_nagle_stall(const ss_run_stats *r)
{
    return ss_run_nagle_prone(&r->meta) && ss_hist_pct_of(r->latency, 50) >= SS_NAGLE_STALL_NS;
}

static void print_nagle(FILE *f, const char *who, const ss_run_stats *r)
{
    fprintf(f,
            "%s: messages up to %ld bytes, a %s-byte server buffer and no TCP_NODELAY: the median request took "
            "%.1f ms because Nagle's algorithm held each echo's last piece until the client's delayed ACK, not "
            "because of the I/O model (--nodelay removes it; docs/scenarios.md)\n",
            who, ss_run_size_max(&r->meta), ss_run_param(&r->meta, "buffer"), ss_hist_pct_of(r->latency, 50) / 1e6);
}

static void print_run(FILE *f, const ss_run_stats *r)
{
    fprintf(f, "run %u: %s — %s\n", r->meta.id, r->meta.model, r->meta.mechanism);
    print_origin(f, &r->meta);
    int workload = 0;
    for (int i = 0; i < r->meta.nparams; i++) {
        if (is_origin_key(r->meta.params[i][0]))
            continue;
        fprintf(f, "%s %s=%s", workload++ ? "" : "  workload:", r->meta.params[i][0], r->meta.params[i][1]);
    }
    if (workload)
        fputc('\n', f);
    if (r->serve) { /* outside clients: what the server received and echoed, per connection */
        fprintf(f, "  duration %.3f s%s, an echo server for outside clients (no requests recorded)\n",
                ss_run_seconds(r), r->has_end ? "" : " (incomplete run)");
        ss_conn_print(f, &r->conns, ss_run_seconds(r), 50);
    } else {
        fprintf(f, "  duration %.3f s%s, requests %llu ok / %llu failed, %.0f req/s\n", ss_run_seconds(r),
                r->has_end ? "" : " (incomplete run)", (unsigned long long)r->requests_ok,
                (unsigned long long)r->requests_failed, ss_run_rps(r));
        fprintf(f, "  latency p50 %.1f us, p99 %.1f us, max %.1f us\n", ss_hist_pct_of(r->latency, 50) / 1e3,
                ss_hist_pct_of(r->latency, 99) / 1e3, ss_hist_max_of(r->latency) / 1e3);
        if (ss_run_nagle_stall(r))
            print_nagle(f, "  note", r);
    }
    if (r->refused)
        fprintf(f, "  connections refused by the model's limit: %llu\n", (unsigned long long)r->refused);
    print_overlap(f, r);
    print_messages(f, &r->msgs);
    print_sides(f, r);
    if (r->control.threads) {
        fprintf(f, "  sockscope's own threads (runner, stop watcher, simulated UI input; not counted above): %llu\n",
                (unsigned long long)r->control.threads);
        print_calls(f, "  their", &r->control);
    }
    if (r->has_end)
        fprintf(f, "  process CPU for the run: user %.2f ms, sys %.2f ms\n", r->end.user_ns / 1e6, r->end.sys_ns / 1e6);
    print_calls(f, ss_run_has_emul(r) ? "model" : "server", &r->server);
    if (ss_run_has_emul(r))
        print_calls(f, "emulation", &r->emul);
    print_calls(f, "client", &r->client);
    for (int i = 0; i < r->end.nnotes; i++)
        fprintf(f, "  note: %s = %s\n", r->end.notes[i][0], r->end.notes[i][1]);
}

void ss_stats_print(FILE *f, const ss_stats *st)
{
    for (int i = 0; i < st->nruns; i++) {
        if (i)
            fputc('\n', f);
        print_run(f, &st->runs[i]);
    }
    if (!st->nruns)
        fprintf(f, "(the trace holds no runs)\n");
}

/* One row per run. For a Linux stand-in the model's columns are its
 * Windows program's (see stats.h); the emulation's transitions per
 * request, threads and CPU follow in their own columns (0 elsewhere). */
void ss_stats_print_table(FILE *f, const ss_stats *st)
{
    int overlap = 0; /* the CPU/I-O overlap column, when some run did CPU work */
    for (int i = 0; i < st->nruns; i++)
        overlap |= ss_run_overlap_pct(&st->runs[i]) >= 0;
    fprintf(f, "%-18s %9s %9s %9s %8s %7s %9s | %9s %5s %8s | %9s %9s %8s %7s%s\n", "model", "req/s", "trans/req",
            "calls/req", "blocked%", "threads", "CPU ms", "emul t/r", "emul", "emul CPU", "p50 us", "p99 us",
            "packets", "dropped", overlap ? "  overlap%" : "");
    for (int i = 0; i < st->nruns; i++) {
        const ss_run_stats *r = &st->runs[i];
        const ss_side *s = &r->server, *e = &r->emul;
        fprintf(f, "%-18s %9.0f %9.2f %9.2f %8.1f %7llu %9.1f | %9.2f %5llu %8.1f | %9.1f %9.1f %8llu %7llu",
                r->meta.model, ss_run_rps(r), ss_per_request(r, s->transitions), ss_per_request(r, s->socket_calls),
                ss_side_blocked_pct(s), (unsigned long long)s->threads, (s->user_ns + s->sys_ns) / 1e6,
                ss_per_request(r, e->transitions), (unsigned long long)e->threads, (e->user_ns + e->sys_ns) / 1e6,
                ss_hist_pct_of(r->latency, 50) / 1e3, ss_hist_pct_of(r->latency, 99) / 1e3,
                (unsigned long long)s->completions,
                (unsigned long long)(s->dropped + r->client.dropped + e->dropped));
        if (overlap && ss_run_overlap_pct(r) >= 0)
            fprintf(f, "  %8.1f", ss_run_overlap_pct(r));
        else if (overlap)
            fprintf(f, "  %8s", "-");
        fputc('\n', f);
    }
    for (int i = 0; i < st->nruns; i++)
        if (ss_run_has_emul(&st->runs[i])) {
            fprintf(f, "(Linux stand-ins: their model columns count what the Windows program makes; \"emul\" is "
                       "the machinery playing Winsock's kernel side: transitions/request, threads, CPU ms)\n");
            break;
        }
    char stalled[256] = "note for ";
    const ss_run_stats *first = NULL;
    for (int i = 0; i < st->nruns; i++)
        if (ss_run_nagle_stall(&st->runs[i])) {
            size_t n = strlen(stalled);
            snprintf(stalled + n, sizeof stalled - n, "%s%s", first ? ", " : "", st->runs[i].meta.model);
            first = first ? first : &st->runs[i];
        }
    if (first)
        print_nagle(f, stalled, first);
}

static void json_calls(ss_jw *w, const ss_side *s)
{
    ss_jw_obj(w);
    for (int a = 1; a < SS_API_COUNT; a++)
        if (s->calls[a])
            ss_jw_kuint(w, ss_api_name(a), s->calls[a]);
    ss_jw_end_obj(w);
}

static void json_side(ss_jw *w, const char *k, const ss_side *s)
{
    ss_jw_key(w, k);
    ss_jw_obj(w);
    ss_jw_kuint(w, "threads", s->threads);
    ss_jw_kuint(w, "socket_calls", s->socket_calls);
    ss_jw_kuint(w, "transitions", s->transitions);
    ss_jw_kuint(w, "blocking_calls", s->blocking_calls);
    ss_jw_kuint(w, "waited_calls", s->waited_calls);
    ss_jw_kuint(w, "blocked_ns", s->blocked_ns);
    ss_jw_knum(w, "blocked_pct", ss_side_blocked_pct(s), 2);
    ss_jw_kuint(w, "wouldblock", s->wouldblock);
    ss_jw_kuint(w, "failed_calls", s->errors);
    ss_jw_kuint(w, "submissions", s->submissions);
    ss_jw_kuint(w, "completion_packets", s->completions);
    ss_jw_kuint(w, "bytes_in", s->bytes_in);
    ss_jw_kuint(w, "bytes_out", s->bytes_out);
    ss_jw_kuint(w, "cpu_work_ns", s->cpu_work_ns);
    ss_jw_kuint(w, "cpu_user_ns", s->user_ns);
    ss_jw_kuint(w, "cpu_sys_ns", s->sys_ns);
    ss_jw_kuint(w, "events", s->events);
    ss_jw_kuint(w, "dropped", s->dropped);
    ss_jw_kuint(w, "trace_waits", s->trace_waits);
    ss_jw_kuint(w, "trace_wait_ns", s->trace_wait_ns);
    ss_jw_key(w, "calls_by_api");
    json_calls(w, s);
    ss_jw_end_obj(w);
}

void ss_stats_print_json(FILE *f, const ss_stats *st)
{
    ss_jw w;
    ss_jw_init(&w, f, 1);
    ss_jw_obj(&w);
    ss_jw_key(&w, "runs");
    ss_jw_arr(&w);
    for (int i = 0; i < st->nruns; i++) {
        const ss_run_stats *r = &st->runs[i];
        ss_jw_obj(&w);
        ss_jw_kuint(&w, "run", r->meta.id);
        ss_jw_kstr(&w, "model", r->meta.model);
        ss_jw_kstr(&w, "mechanism", r->meta.mechanism);
        ss_jw_key(&w, "params");
        ss_jw_obj(&w);
        for (int p = 0; p < r->meta.nparams; p++)
            ss_jw_kstr(&w, r->meta.params[p][0], r->meta.params[p][1]);
        ss_jw_end_obj(&w);
        ss_jw_key(&w, "complete");
        ss_jw_bool(&w, r->has_end);
        ss_jw_kuint(&w, "duration_ns", r->end.duration_ns);
        ss_jw_kuint(&w, "requests_ok", r->requests_ok);
        ss_jw_kuint(&w, "requests_failed", r->requests_failed);
        ss_jw_knum(&w, "requests_per_s", ss_run_rps(r), 1);
        ss_jw_kuint(&w, "refused", r->refused);
        if (r->serve)
            ss_conn_json(&w, &r->conns);
        ss_jw_knum(&w, "transitions_per_request", ss_per_request(r, r->server.transitions), 3);
        ss_jw_knum(&w, "socket_calls_per_request", ss_per_request(r, r->server.socket_calls), 3);
        if (ss_run_overlap_pct(r) >= 0) { /* only where the run did CPU work */
            ss_jw_kuint(&w, "request_cpu_work_ns", r->overlap_work_ns);
            ss_jw_knum(&w, "overlap_pct", ss_run_overlap_pct(r), 2);
        }
        ss_jw_key(&w, "latency_ns");
        ss_jw_obj(&w);
        ss_jw_kuint(&w, "count", ss_hist_count_of(r->latency));
        ss_jw_kuint(&w, "p50", ss_hist_pct_of(r->latency, 50));
        ss_jw_kuint(&w, "p99", ss_hist_pct_of(r->latency, 99));
        ss_jw_kuint(&w, "max", ss_hist_max_of(r->latency));
        ss_jw_end_obj(&w);
        ss_jw_key(&w, "nagle_stall"); /* the median request waited for a delayed ACK (ss_run_nagle_stall) */
        ss_jw_bool(&w, ss_run_nagle_stall(r));
        if (r->msgs.posted || r->msgs.dispatched) {
            const ss_msg_stats *m = &r->msgs;
            ss_jw_key(&w, "messages");
            ss_jw_obj(&w);
            ss_jw_kuint(&w, "posted", m->posted);
            ss_jw_kuint(&w, "dispatched", m->dispatched);
            ss_jw_kuint(&w, "ui_dispatched", m->ui);
            ss_jw_kuint(&w, "socket_messages_timed", ss_hist_count_of(m->socket_delay));
            ss_jw_kuint(&w, "socket_delay_p50_ns", ss_hist_pct_of(m->socket_delay, 50));
            ss_jw_kuint(&w, "socket_delay_p99_ns", ss_hist_pct_of(m->socket_delay, 99));
            ss_jw_kuint(&w, "socket_delay_max_ns", ss_hist_max_of(m->socket_delay));
            ss_jw_kuint(&w, "behind_ui_work", m->behind_ui);
            ss_jw_end_obj(&w);
        }
        ss_jw_kuint(&w, "process_cpu_user_ns", r->end.user_ns);
        ss_jw_kuint(&w, "process_cpu_sys_ns", r->end.sys_ns);
        ss_jw_key(&w, "stand_in");
        ss_jw_bool(&w, ss_run_has_emul(r));
        ss_jw_kuint(&w, "control_threads", r->control.threads);
        ss_jw_key(&w, "control_calls_by_api");
        json_calls(&w, &r->control);
        json_side(&w, "server", &r->server);
        json_side(&w, "emulation", &r->emul);
        ss_jw_knum(&w, "emulation_transitions_per_request", ss_per_request(r, r->emul.transitions), 3);
        json_side(&w, "clients", &r->client);
        ss_jw_end_obj(&w);
    }
    ss_jw_end_arr(&w);
    if (st->scan.warning[0])
        ss_jw_kstr(&w, "warning", st->scan.warning);
    ss_jw_end_obj(&w);
    fputc('\n', f);
}
