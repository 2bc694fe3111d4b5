/* Chrome Trace Event JSON for Perfetto / chrome://tracing:
 * - one pid per run (process_name "run N: model"), one tid per thread
 *   (thread_name), plus a "kernel" lane per run for in-flight operations;
 * - an X slice per recorded call, args: socket, bytes, result, error, blocked;
 * - async b/e spans from submission to completion of each operation;
 * - a flow (s -> f, bound to the enclosing slice) from each completion packet
 *   to the thread that dequeued it;
 * - counters: open connections and in-flight operations per run;
 * - ts/dur in microseconds with nanosecond fractions, relative to run start. */
#include <stdlib.h>
#include <string.h>

#include "sim/report/export.h"
#include "sim/report/jsonw.h"

#define KERNEL_TID 99999
#define MAX_TRACKED_FD (1 << 20)

/* Operations in flight, so that those still open when a run ends (a model
 * stopping with reads posted, a recording cut off) get their span closed. */
typedef struct open_ops {
    uint64_t *id;      /* open addressing; 0 = empty (op ids start at 1) */
    uint16_t *api;
    size_t cap, n;
} open_ops;

typedef struct chrome {
    ss_jw w;
    ss_names names;
    uint32_t run;
    long open_conns, inflight;
    uint8_t *accepted; /* bitmap: fds the server accepted and has not closed */
    size_t accepted_bytes; /* as far as the highest fd accepted so far (a run uses few) */
    open_ops ops;
    uint64_t last_ts;  /* latest event time of the run, to close a cut-off run */
} chrome;

static size_t slot_of(const open_ops *o, uint64_t id)
{
    size_t i = (size_t)(id * 0x9e3779b97f4a7c15ull) & (o->cap - 1);
    while (o->id[i] && o->id[i] != id)
        i = (i + 1) & (o->cap - 1);
    return i;
}

static void ops_add(open_ops *o, uint64_t id, uint16_t api)
{
    if (!id)
        return;
    if ((o->n + 1) * 2 > o->cap) { /* grow and rehash */
        open_ops g = {calloc(o->cap ? o->cap * 2 : 1024, sizeof(uint64_t)),
                      calloc(o->cap ? o->cap * 2 : 1024, sizeof(uint16_t)), o->cap ? o->cap * 2 : 1024, 0};
        if (!g.id || !g.api) {
            free(g.id);
            free(g.api);
            return;
        }
        for (size_t i = 0; i < o->cap; i++)
            if (o->id[i])
                ops_add(&g, o->id[i], o->api[i]);
        free(o->id);
        free(o->api);
        *o = g;
    }
    size_t i = slot_of(o, id);
    if (!o->id[i])
        o->n++;
    o->id[i] = id;
    o->api[i] = api;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void ops_del(open_ops *o, uint64_t id)
{
    if (!o->cap)
        return;
    size_t i = slot_of(o, id);
    if (!o->id[i])
        return;
    o->id[i] = 0;
    o->n--;
    for (size_t j = (i + 1) & (o->cap - 1); o->id[j]; j = (j + 1) & (o->cap - 1)) {
        uint64_t k = o->id[j];
        uint16_t a = o->api[j];
        o->id[j] = 0;
        o->n--;
        ops_add(o, k, a);
    }
}

static void us(ss_jw *w, const char *k, uint64_t ns) { ss_jw_knum(w, k, (double)ns / 1000.0, 3); }

static void head(chrome *c, const char *ph, const char *name, int64_t tid, uint64_t ts)
{
    ss_jw_obj(&c->w);
    ss_jw_kstr(&c->w, "ph", ph);
    if (name)
        ss_jw_kstr(&c->w, "name", name);
    ss_jw_kuint(&c->w, "pid", c->run);
    if (tid >= 0)
        ss_jw_kint(&c->w, "tid", tid);
    us(&c->w, "ts", ts);
}

static void meta(chrome *c, const char *what, int64_t tid, const char *name, int64_t sort)
{
    head(c, "M", what, tid, 0);
    ss_jw_key(&c->w, "args");
    ss_jw_obj(&c->w);
    ss_jw_kstr(&c->w, "name", name);
    ss_jw_end_obj(&c->w);
    ss_jw_end_obj(&c->w);
    head(c, "M", tid >= 0 ? "thread_sort_index" : "process_sort_index", tid, 0);
    ss_jw_key(&c->w, "args");
    ss_jw_obj(&c->w);
    ss_jw_kint(&c->w, "sort_index", sort);
    ss_jw_end_obj(&c->w);
    ss_jw_end_obj(&c->w);
}

static void counter(chrome *c, const char *name, uint64_t ts, long value)
{
    head(c, "C", name, -1, ts);
    ss_jw_key(&c->w, "args");
    ss_jw_obj(&c->w);
    ss_jw_kint(&c->w, "value", value);
    ss_jw_end_obj(&c->w);
    ss_jw_end_obj(&c->w);
}

/* Perfetto's tid of a thread: its index + 1 (0 reads as "no thread"); in
 * 64 bits, as an int the sum would overflow for an index near 2^31. */
static int64_t tid_of(uint32_t idx) { return (int64_t)idx + 1; }

static void on_run(void *ud, const ss_run_meta *m)
{
    chrome *c = ud;
    ss_names_run(&c->names, m);
    c->run = m->id;
    c->open_conns = c->inflight = 0;
    c->last_ts = 0;
    if (c->accepted)
        memset(c->accepted, 0, c->accepted_bytes);
    char name[128];
    snprintf(name, sizeof name, "run %u: %s", m->id, m->model);
    meta(c, "process_name", -1, name, (int)m->id);
    meta(c, "thread_name", KERNEL_TID, "kernel: in-flight operations", -1);
}

static void on_thread(void *ud, const ss_thread_meta *t)
{
    chrome *c = ud;
    ss_names_thread(&c->names, t);
    char name[96];
    snprintf(name, sizeof name, "%s [%s]", t->name, ss_role_name(t->role));
    /* lanes: the model's threads first, then a stand-in's emulation, sockscope's own, the relay
     * (link emulation), then clients */
    int64_t sort = (int64_t)t->idx + (t->role == SS_ROLE_CLIENT    ? 100000
                                      : t->role == SS_ROLE_RELAY   ? 50000
                                      : t->role == SS_ROLE_CONTROL ? 40000
                                      : t->role == SS_ROLE_EMUL    ? 30000
                                                                   : 0);
    meta(c, "thread_name", tid_of(t->idx), name, sort);
}

static void slice_args(chrome *c, const ss_event *ev)
{
    ss_jw_key(&c->w, "args");
    ss_jw_obj(&c->w);
    ss_jw_kint(&c->w, "socket", ev->sock);
    ss_jw_kuint(&c->w, "bytes", ev->arg);
    ss_jw_kint(&c->w, "result", ev->ret);
    ss_jw_kstr(&c->w, "error", ss_err_name(ev->err));
    ss_jw_key(&c->w, "blocked");
    ss_jw_bool(&c->w, (ev->flags & SS_EV_MAYBLOCK) != 0);
    ss_jw_key(&c->w, "waited");
    ss_jw_bool(&c->w, (ev->flags & SS_EV_WAITED) != 0);
    if (ev->id)
        ss_jw_kuint(&c->w, "id", ev->id);
    if (ev->api == SS_API_OP_COMPLETE || ev->api == SS_API_OP_SUBMIT)
        ss_jw_kstr(&c->w, "operation", ss_api_name((int)ev->aux));
    if (ev->api == SS_API_OP_COMPLETE)
        ss_jw_kuint(&c->w, "queue_depth", ev->arg);
    if (ev->flags & SS_EV_STANDIN) { /* a Windows call as the Linux stand-in made it */
        ss_jw_kstr(&c->w, "role", "stand-in");
        ss_jw_kstr(&c->w, "linux_call", ev->impl ? ss_api_name(ev->impl) : "none (user space)");
    } else if (ev->flags & SS_EV_EMUL) {
        ss_jw_kstr(&c->w, "role", "emulation");
    }
    ss_jw_end_obj(&c->w);
}

static void slice(chrome *c, int64_t tid, const char *name, const char *cat, const ss_event *ev)
{
    head(c, "X", name, tid, ev->t0);
    ss_jw_kstr(&c->w, "cat", cat);
    us(&c->w, "dur", ev->t1 - ev->t0);
    slice_args(c, ev);
    ss_jw_end_obj(&c->w);
}

static void async_mark(chrome *c, const char *ph, const char *cat, const char *name, int64_t tid, uint64_t ts,
                       uint64_t id)
{
    head(c, ph, name, tid, ts);
    ss_jw_kstr(&c->w, "cat", cat);
    char hex[24];
    snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)id);
    ss_jw_kstr(&c->w, "id", hex);
    if (ph[0] == 'f')
        ss_jw_kstr(&c->w, "bp", "e");
    ss_jw_end_obj(&c->w);
}

static int is_server_conn_close(chrome *c, const ss_event *ev)
{
    if (ev->sock < 0 || (size_t)ev->sock >> 3 >= c->accepted_bytes)
        return 0;
    uint8_t bit = (uint8_t)(1u << (ev->sock & 7));
    int was = (c->accepted[ev->sock >> 3] & bit) != 0;
    c->accepted[ev->sock >> 3] &= (uint8_t)~bit;
    return was;
}

static void track_accept(chrome *c, int64_t fd, uint64_t ts)
{
    if (fd < 0 || fd >= MAX_TRACKED_FD)
        return;
    if ((size_t)fd >> 3 >= c->accepted_bytes) { /* grow to the fd, zeroed; without memory it goes untracked */
        size_t n = ((size_t)fd >> 3) + 1 > c->accepted_bytes * 2 ? ((size_t)fd >> 3) + 1 : c->accepted_bytes * 2;
        uint8_t *p = realloc(c->accepted, n);
        if (!p)
            return;
        memset(p + c->accepted_bytes, 0, n - c->accepted_bytes);
        c->accepted = p;
        c->accepted_bytes = n;
    }
    c->accepted[fd >> 3] |= (uint8_t)(1u << (fd & 7));
    counter(c, "open connections", ts, ++c->open_conns);
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    chrome *c = ud;
    (void)run;
    if (ev->t1 > c->last_ts)
        c->last_ts = ev->t1;
    const ss_thread_meta *t = ss_names_get(&c->names, thread);
    int server = !t || (t->role != SS_ROLE_CLIENT && t->role != SS_ROLE_RELAY); /* relay accepts are not the server's */
    int64_t tid = tid_of(thread);
    const char *name = ss_event_name(ev->api, (int)ev->aux, ev->flags);
    char label[48];
    if (ev->flags & SS_EV_EMUL) { /* the stand-in's machinery: its own category, not the model's story */
        slice(c, tid, name, "emulation", ev);
        return;
    }
    switch (ev->api) {
    case SS_API_OP_SUBMIT:
        if (ev->flags & (SS_EV_KERNEL | SS_EV_STANDIN))
            snprintf(label, sizeof label, "%s", name); /* WSARecv / WSASend */
        else
            snprintf(label, sizeof label, "submit: %s", ss_api_name((int)ev->aux));
        slice(c, tid, label, "async", ev);
        snprintf(label, sizeof label, "%s (in flight)", ss_api_name((int)ev->aux));
        async_mark(c, "b", "async", label, KERNEL_TID, ev->t0, ev->id);
        ops_add(&c->ops, ev->id, (uint16_t)ev->aux);
        counter(c, "in-flight operations", ev->t0, ++c->inflight);
        break;
    case SS_API_OP_COMPLETE: {
        snprintf(label, sizeof label, "%s (in flight)", ss_api_name((int)ev->aux));
        async_mark(c, "e", "async", label, KERNEL_TID, ev->t1, ev->id);
        ops_del(&c->ops, ev->id);
        counter(c, "in-flight operations", ev->t1, c->inflight > 0 ? --c->inflight : 0);
        snprintf(label, sizeof label, "completion: %s", ss_api_name((int)ev->aux));
        slice(c, KERNEL_TID, label, "completion", ev);
        async_mark(c, "s", "completion", "completion packet", KERNEL_TID, ev->t1, ev->id);
        snprintf(label, sizeof label, "dequeue: %s", ss_api_name((int)ev->aux));
        slice(c, tid, label, "completion", ev);
        async_mark(c, "f", "completion", "completion packet", tid, ev->t1, ev->id);
        if (server && ev->aux == SS_API_ACCEPT && ev->ret >= 0)
            track_accept(c, ev->ret, ev->t1);
        break;
    }
    case SS_API_REQUEST:
        /* requests enclose the client's send/recv: an async track keeps
         * every thread's X slices strictly sequential */
        async_mark(c, "b", "request", "request", tid, ev->t0, ev->id + 1);
        async_mark(c, "e", "request", "request", tid, ev->t1, ev->id + 1);
        break;
    default:
        slice(c, tid, name, (ev->flags & SS_EV_STANDIN) ? "stand-in" : (ev->flags & SS_EV_KERNEL) ? "socket" : "event",
              ev);
        if (server && ev->api == SS_API_ACCEPT && ev->ret >= 0)
            track_accept(c, ev->ret, ev->t1);
        if (server && ev->api == SS_API_CLOSE && is_server_conn_close(c, ev))
            counter(c, "open connections", ev->t1, --c->open_conns);
    }
}

/* Spans still open at the end of a run end there, marked unfinished. */
static void on_run_end(void *ud, const ss_run_end_info *r)
{
    chrome *c = ud;
    for (size_t i = 0; i < c->ops.cap; i++) {
        if (!c->ops.id[i])
            continue;
        char label[48];
        snprintf(label, sizeof label, "%s (in flight)", ss_api_name(c->ops.api[i]));
        async_mark(c, "e", "async", label, KERNEL_TID, r->duration_ns, c->ops.id[i]);
        c->ops.id[i] = 0;
    }
    c->ops.n = 0;
}

int ss_export_chrome(const char *trace, FILE *out, ss_scan_result *res, char *err, size_t errlen)
{
    chrome c;
    memset(&c, 0, sizeof c);
    ss_jw_init(&c.w, out, 0);
    ss_jw_obj(&c.w);
    ss_jw_kstr(&c.w, "displayTimeUnit", "ns");
    ss_jw_key(&c.w, "traceEvents");
    ss_jw_arr(&c.w);
    ss_visitor v = {.ud = &c, .run_begin = on_run, .thread = on_thread, .event = on_event, .run_end = on_run_end};
    int rc = ss_trace_scan(trace, 1, &v, res, err, errlen);
    on_run_end(&c, &(ss_run_end_info){.duration_ns = c.last_ts}); /* a cut-off last run */
    ss_jw_end_arr(&c.w);
    ss_jw_end_obj(&c.w);
    fputc('\n', out);
    ss_names_free(&c.names);
    free(c.accepted);
    free(c.ops.id);
    free(c.ops.api);
    return rc;
}
