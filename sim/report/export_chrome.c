/* Chrome Trace Event JSON for Perfetto, DevTools and speedscope
 * (docs/chrome-export.md has the whole format):
 * - one pid per run ("run N: model"), one tid per thread, plus a "kernel"
 *   lane per run for operations in flight; names and sort order once each;
 * - an X slice per recorded call, an i instant per pseudo event that takes
 *   no time;
 *   args named for what they hold, defaults left out;
 * - an async b/e span per operation from its submission to its completion,
 *   and per client request;
 * - a flow (s -> f) per completion packet from where it was posted (the
 *   port's post, the overlapped event's signal, or else the end of the
 *   dequeuing thread's last kernel entry) to the thread that dequeued it;
 * - every async and flow id unique in the file, so no id joins two runs;
 * - ts/dur in µs, from integer ns (chrome_time.h: no slice overlaps its
 *   neighbour when a reader adds them as doubles);
 * - a counter of the server's open connections per run. */
#include <stdlib.h>
#include <string.h>

#include "sim/report/chrome_time.h"
#include "sim/report/export.h"
#include "sim/report/sink.h"

#define KERNEL_TID SS_CHROME_KERNEL_TID
#define MAX_TRACKED_FD (1 << 20)

/* An operation in flight: what its completion needs to know. */
typedef struct op {
    uint64_t id;                /* the trace's operation id; 0 = empty slot (ids start at 1) */
    uint64_t uid;               /* its span's and flow's id, unique in the file */
    uint64_t submitted, posted; /* ns; posted 0 = no post recorded yet */
    int64_t post_tid;           /* the thread that posted it (its post is the flow's start) */
    int begun;                  /* its span's b is written (a post can come first: the
                                   submit is recorded when its call returns) */
    uint16_t api;
} op;

/* open addressing on the trace's id, kept at most half full */
typedef struct op_table {
    op *o;
    size_t cap, n;
} op_table;

/* What the exporter remembers of a thread (an entry of the run's names). */
typedef struct lane {
    uint64_t kernel_end; /* end of its last kernel entry, ns: a completion's post bound */
    uint64_t last_end;   /* end of its last event other than a dequeue, ns */
    ss_event req;        /* its last client request, held until the next shows it nests */
    int has_req;
    int async_reqs; /* its requests overlap (event-driven clients): async spans */
} lane;

typedef struct chrome {
    ss_sink out;
    ss_names names;
    uint32_t run;
    uint64_t next_uid; /* async and flow ids, across the whole file */
    long open_conns;
    uint8_t *accepted;     /* bitmap: fds the server accepted and has not closed */
    size_t accepted_bytes; /* as far as the highest fd accepted so far (a run uses few) */
    op_table ops;
    struct lane *lanes; /* per thread (names entry) */
    size_t lanes_cap;
    uint64_t last_ts; /* latest event time of the run, to close a cut-off run */
    int run_open;     /* a run has begun and not been finished */
    int first;        /* no event written yet: no comma before the next */
} chrome;

/* --- operations in flight ---------------------------------------------------- */
static size_t slot_of(const op_table *t, uint64_t id)
{
    size_t i = (size_t)(id * 0x9e3779b97f4a7c15ull) & (t->cap - 1);
    while (t->o[i].id && t->o[i].id != id)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static op *ops_find(op_table *t, uint64_t id)
{
    if (!t->cap || !id)
        return NULL;
    op *o = &t->o[slot_of(t, id)];
    return o->id ? o : NULL;
}

static void ops_put(op_table *t, const op *v)
{
    if ((t->n + 1) * 2 > t->cap) { /* grow and rehash; without memory the operation goes untracked */
        op_table g = {calloc(t->cap ? t->cap * 2 : 1024, sizeof(op)), t->cap ? t->cap * 2 : 1024, 0};
        if (!g.o)
            return;
        for (size_t i = 0; i < t->cap; i++)
            if (t->o[i].id)
                ops_put(&g, &t->o[i]);
        free(t->o);
        *t = g;
    }
    size_t i = slot_of(t, v->id);
    if (!t->o[i].id)
        t->n++;
    t->o[i] = *v;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void ops_del(op_table *t, uint64_t id)
{
    op *o = ops_find(t, id);
    if (!o)
        return;
    o->id = 0;
    t->n--;
    for (size_t j = ((size_t)(o - t->o) + 1) & (t->cap - 1); t->o[j].id; j = (j + 1) & (t->cap - 1)) {
        op k = t->o[j];
        t->o[j].id = 0;
        t->n--;
        ops_put(t, &k);
    }
}

/* --- writing ------------------------------------------------------------------ */
static void put(chrome *c, const char *s) { ss_sink_puts(&c->out, s); }

/* a JSON string; our names are plain, thread names come from the file */
static void put_str(chrome *c, const char *s)
{
    char buf[256];
    size_t n = 0;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p && n < sizeof buf - 8; p++) {
        if (*p == '"' || *p == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)*p;
        } else if (*p < 0x20) {
            n += (size_t)snprintf(buf + n, 7, "\\u%04x", *p);
        } else {
            buf[n++] = (char)*p;
        }
    }
    buf[n++] = '"';
    ss_sink_write(&c->out, buf, n);
}

/* {"ph":..,"pid":..,"tid":..,"ts":..,"name":..[,"cat":..] — the caller adds
 * the rest and the closing brace. One event a line. */
static void head(chrome *c, char ph, int64_t tid, uint64_t ts, const char *name, const char *cat)
{
    char t[SS_US_MAX];
    ss_us_text(t, ts);
    ss_sink_printf(&c->out, "%s{\"ph\":\"%c\",\"pid\":%u", c->first ? "" : ",\n", ph, c->run);
    c->first = 0;
    if (tid >= 0)
        ss_sink_printf(&c->out, ",\"tid\":%lld", (long long)tid);
    ss_sink_printf(&c->out, ",\"ts\":%s,\"name\":", t);
    put_str(c, name);
    if (cat)
        ss_sink_printf(&c->out, ",\"cat\":\"%s\"", cat);
}

static void meta(chrome *c, const char *what, int64_t tid, const char *name, int64_t sort)
{
    head(c, 'M', tid, 0, what, NULL);
    put(c, ",\"args\":{\"name\":");
    put_str(c, name);
    put(c, "}}");
    head(c, 'M', tid, 0, tid >= 0 ? "thread_sort_index" : "process_sort_index", NULL);
    ss_sink_printf(&c->out, ",\"args\":{\"sort_index\":%lld}}", (long long)sort);
}

static void counter(chrome *c, const char *name, uint64_t ts, long value)
{
    head(c, 'C', -1, ts, name, NULL);
    ss_sink_printf(&c->out, ",\"args\":{\"n\":%ld}}", value);
}

/* async span ends and flow ends: ids are numbers, unique in the file */
static void mark(chrome *c, char ph, const char *cat, const char *name, int64_t tid, uint64_t ts, uint64_t uid)
{
    head(c, ph, tid, ts, name, cat);
    ss_sink_printf(&c->out, ",\"id\":%llu%s}", (unsigned long long)uid, ph == 'f' ? ",\"bp\":\"e\"" : "");
}

/* --- args: named for what they hold ----------------------------------------- */
typedef struct argw {
    char buf[384];
    size_t n;
} argw;

static void arg_num(argw *a, const char *k, long long v)
{
    if (a->n < sizeof a->buf - 64)
        a->n += (size_t)snprintf(a->buf + a->n, sizeof a->buf - a->n, ",\"%s\":%lld", k, v);
}

static void arg_str(argw *a, const char *k, const char *v)
{
    if (a->n < sizeof a->buf - 96)
        a->n += (size_t)snprintf(a->buf + a->n, sizeof a->buf - a->n, ",\"%s\":\"%.60s\"", k, v);
}

static int is_data(int api) { return api == SS_API_RECV || api == SS_API_SEND; }

/* What arg and ret mean depend on the call (docs/chrome-export.md, args). */
static void args_by_api(argw *a, const ss_event *ev)
{
    long long ret = ev->ret, arg = (long long)ev->arg;
    int api = ev->api, op_api = (int)ev->aux;
    if (ev->err) { /* a failed call: its result is the error, not a count */
        arg_str(a, "err", ss_err_name(ev->err));
        ret = 0;
    }
    switch (api) {
    case SS_API_RECV:
    case SS_API_SEND:
        if (!ev->err)
            arg_num(a, "bytes", ret);
        if (arg != ret || ev->err) /* asked for more than it moved */
            arg_num(a, "len", arg);
        return;
    case SS_API_SELECT:
    case SS_API_POLL:
    case SS_API_FD_SETS:
        arg_num(a, "fds", arg);
        if (api != SS_API_FD_SETS && !ev->err)
            arg_num(a, "ready", ret);
        return;
    case SS_API_EPOLL_WAIT:
        arg_num(a, "max_events", arg);
        if (!ev->err)
            arg_num(a, "ready", ret);
        return;
    case SS_API_URING_ENTER:
        arg_num(a, "sqes", arg);
        if (ret)
            arg_num(a, "submitted", ret);
        return;
    case SS_API_ACCEPT:
        if (!ev->err)
            arg_num(a, "new_sock", ret);
        return;
    case SS_API_OP_SUBMIT:
        if (arg)
            arg_num(a, "len", arg);
        return;
    case SS_API_OP_COMPLETE:
    case SS_API_PACKET_POST:
        arg_num(a, "queue_depth", arg);
        if (!ev->err)
            arg_num(a, is_data(op_api) ? "bytes" : op_api == SS_API_ACCEPT ? "new_sock" : "ret", ret);
        return;
    case SS_API_REQUEST: return;    /* its send and recv say the bytes */
    case SS_API_IOCP_GET:           /* bytes of the packet dequeued */
    case SS_API_WSA_GET_OVERLAPPED: /* the stand-in's: bytes; Winsock's: its BOOL */
        if (!ev->err)
            arg_num(a, api == SS_API_IOCP_GET || (ev->flags & SS_EV_STANDIN) ? "bytes" : "ret", ret);
        return;
    case SS_API_EPOLL_CTL: arg_num(a, "ctl_op", arg); return; /* EPOLL_CTL_ADD 1, DEL 2, MOD 3 */
    case SS_API_FUTEX_WAKE: arg_num(a, "woken", ret); return;
    case SS_API_WAKEUP: arg_num(a, "thread", ret); return;
    case SS_API_MSG_POST:
    case SS_API_MSG_DISPATCH: arg_num(a, "msg", op_api); return;
    case SS_API_EVENT_SIGNAL:
    case SS_API_ENUM_EVENTS:
        if (op_api)
            arg_num(a, "net_events", op_api);
        return;
    default:
        if (arg)
            arg_num(a, "arg", arg);
        if (ret)
            arg_num(a, "ret", ret);
    }
}

static void args_of(chrome *c, const ss_event *ev, uint64_t uid)
{
    argw a = {.n = 0};
    if (ev->sock >= 0 && ev->api != SS_API_REQUEST) /* a request's send and recv say its socket */
        arg_num(&a, "sock", ev->sock);
    args_by_api(&a, ev);
    if (ev->flags & SS_EV_MAYBLOCK) /* could sleep (and whether it did: waited) */
        arg_num(&a, "may_block", 1);
    if (ev->flags & SS_EV_WAITED)
        arg_num(&a, "waited", 1);
    if (uid)
        arg_num(&a, "op", (long long)uid);
    if (ev->api == SS_API_REQUEST && (ev->flags & SS_EV_FAILED))
        arg_num(&a, "failed", 1);
    if (ev->flags & SS_EV_STANDIN) /* a Windows call as the Linux stand-in made it */
        arg_str(&a, "linux_call", ev->impl ? ss_api_name(ev->impl) : "none");
    if (a.n) {
        a.buf[0] = '{'; /* the first entry's comma */
        put(c, ",\"args\":");
        ss_sink_write(&c->out, a.buf, a.n);
        put(c, "}");
    }
}

/* A call as a slice (X), even one too short for the clock; a point event
 * (no call: a post, a wake-up, a message) as an instant (i). */
static void slice(chrome *c, int64_t tid, const char *name, const char *cat, const ss_event *ev, uint64_t uid)
{
    int instant = ev->t1 == ev->t0 && !(ev->flags & (SS_EV_KERNEL | SS_EV_STANDIN));
    head(c, instant ? 'i' : 'X', tid, ev->t0, name, cat);
    if (!instant) {
        char d[SS_US_MAX];
        ss_dur_text(d, ev->t0, ev->t1);
        ss_sink_printf(&c->out, ",\"dur\":%s", d);
    }
    args_of(c, ev, uid);
    put(c, "}");
}

/* A zero-length slice a flow binds to (DevTools binds a flow's ends by ts,
 * pid, tid and cat); args when ev is not NULL. */
static void point(chrome *c, int64_t tid, const char *name, const char *cat, const ss_event *ev, uint64_t ts,
                  uint64_t uid)
{
    head(c, 'X', tid, ts, name, cat);
    put(c, ",\"dur\":0");
    if (ev)
        args_of(c, ev, uid);
    put(c, "}");
}

/* --- metadata ----------------------------------------------------------------- */
/* Perfetto's tid of a thread: its index + 1 (0 reads as "no thread"); in
 * 64 bits, as an int the sum would overflow for an index near 2^31. */
static int64_t tid_of(uint32_t idx) { return (int64_t)idx + 1; }

static void finish_run(chrome *c, uint64_t end);

static void on_run(void *ud, const ss_run_meta *m)
{
    chrome *c = ud;
    finish_run(c, c->last_ts); /* a run cut off without its end record */
    c->run_open = 1;
    ss_names_run(&c->names, m);
    c->run = m->id;
    c->open_conns = 0;
    c->last_ts = 0;
    if (c->accepted)
        memset(c->accepted, 0, c->accepted_bytes);
    if (c->lanes)
        memset(c->lanes, 0, c->lanes_cap * sizeof *c->lanes);
    char name[128];
    snprintf(name, sizeof name, "run %u: %s", m->id, m->model);
    meta(c, "process_name", -1, name, (int)m->id);
    meta(c, "thread_name", KERNEL_TID, "kernel: operations in flight", -1);
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

/* --- connections -------------------------------------------------------------- */
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

/* --- the completion path -------------------------------------------------------- */
/* The thread's state, or NULL (a thread the run did not name, no memory). */
static lane *lane_of(chrome *c, uint32_t thread)
{
    int64_t k = ss_idmap_get(&c->names.ix, thread);
    if (k < 0)
        return NULL;
    if ((size_t)k >= c->lanes_cap) {
        size_t cap = c->lanes_cap ? c->lanes_cap : 64;
        while (cap <= (size_t)k)
            cap *= 2;
        lane *p = realloc(c->lanes, cap * sizeof *p);
        if (!p)
            return NULL;
        memset(p + c->lanes_cap, 0, (cap - c->lanes_cap) * sizeof *p);
        c->lanes = p;
        c->lanes_cap = cap;
    }
    return &c->lanes[k];
}

static void span_name(char *out, size_t n, int api) { snprintf(out, n, "%s", ss_api_name(api)); }

static void on_submit(chrome *c, int64_t tid, const char *name, const ss_event *ev)
{
    op *known = ops_find(&c->ops, ev->id); /* posted already */
    op o = known ? *known : (op){.id = ev->id};
    o.uid = ++c->next_uid;
    o.submitted = ev->t0;
    o.api = (uint16_t)ev->aux;
    o.begun = 1;
    char label[48];
    if (ev->flags & (SS_EV_KERNEL | SS_EV_STANDIN))
        snprintf(label, sizeof label, "%s", name); /* WSARecv / WSASend */
    else
        snprintf(label, sizeof label, "submit: %s", ss_api_name((int)ev->aux));
    slice(c, tid, label, "async", ev, o.uid);
    span_name(label, sizeof label, (int)ev->aux);
    mark(c, 'b', "async", label, KERNEL_TID, ev->t0, o.uid);
    if (ev->id)
        ops_put(&c->ops, &o);
}

/* A completion packet taken by a thread: the operation's span ends where the
 * packet was posted, and a flow runs from there to the dequeue. Posted means
 * the port's post or the overlapped event's signal when the trace has one;
 * otherwise (io_uring's CQEs carry no time, Windows posts in its kernel) the
 * end of the dequeuing thread's last kernel entry after the submission: the
 * kernel posts completions while a thread is inside it (io_uring runs them
 * as task work on the way out), so the packet was there when that call
 * returned — the wait that returned it, or the entry that pushed the
 * operation and found it done. A thread that made no kernel entry since
 * (io_uring's SQPOLL: the kernel polls the ring): the end of its last event
 * since, the last the trace saw of it before it held the packet. */
static void on_complete(chrome *c, uint32_t thread, int64_t tid, const ss_event *ev)
{
    op *found = ops_find(&c->ops, ev->id);
    op o = found ? *found : (op){.id = ev->id, .submitted = ev->t0, .api = (uint16_t)ev->aux};
    if (!o.begun) { /* never submitted in this recording: a flow, no span */
        o.uid = ++c->next_uid;
        o.submitted = o.posted ? o.posted : ev->t0;
    }
    lane *l = lane_of(c, thread);
    uint64_t posted = o.posted                       ? o.posted
                      : !l                           ? ev->t0
                      : l->kernel_end >= o.submitted ? l->kernel_end
                      : l->last_end >= o.submitted   ? l->last_end /* no kernel entry since (io_uring's SQPOLL) */
                                                     : ev->t0;
    if (posted > ev->t0)
        posted = ev->t0;
    char label[48];
    if (o.begun) {
        span_name(label, sizeof label, o.api);
        mark(c, 'e', "async", label, KERNEL_TID, posted, o.uid);
    }
    if (found)
        ops_del(&c->ops, ev->id);
    int64_t from = o.posted && o.posted <= ev->t0 ? o.post_tid : KERNEL_TID;
    if (from == KERNEL_TID) { /* no post recorded: the kernel's, where the flow starts */
        snprintf(label, sizeof label, "completion: %s", ss_api_name((int)ev->aux));
        point(c, KERNEL_TID, label, "completion", NULL, posted, 0); /* the args are the dequeue's */
    }
    mark(c, 's', "completion", "packet", from, posted, o.uid);
    snprintf(label, sizeof label, "dequeue: %s", ss_api_name((int)ev->aux));
    point(c, tid, label, "completion", ev, ev->t0, 0); /* the flow links it to its operation */
    mark(c, 'f', "completion", "packet", tid, ev->t0, o.uid);
}

/* A post of a packet for an operation in flight (iocp's port) or the signal
 * of its event (overlapped-event): when its completion was posted. Written
 * as the slice its flow starts from. */
static void on_post(chrome *c, int64_t tid, const char *name, const ss_event *ev)
{
    op *o = ops_find(&c->ops, ev->id);
    if (o) {
        o->posted = ev->t0;
        o->post_tid = tid;
    } else { /* before its submit's record: remember it for the submit */
        ops_put(&c->ops, &(op){.id = ev->id, .posted = ev->t0, .post_tid = tid});
    }
    point(c, tid, name, "completion", ev, ev->t0, 0);
}

/* A client request: the client's send .. the last byte of its echo back.
 * Its send and recv nest in it, and a thread's requests one after another
 * are slices (X) of their own; the event-driven clients run many
 * connections a thread, whose requests overlap: those are async spans. */
static void request(chrome *c, int64_t tid, const ss_event *ev, int as_slice)
{
    if (as_slice) {
        slice(c, tid, "request", "request", ev, 0);
        return;
    }
    c->next_uid++;
    mark(c, 'b', "request", "request", tid, ev->t0, c->next_uid);
    head(c, 'e', tid, ev->t1, "request", "request");
    ss_sink_printf(&c->out, ",\"id\":%llu", (unsigned long long)c->next_uid);
    args_of(c, ev, 0);
    put(c, "}");
}

/* Events come in exit-time order, so a request arrives after every call
 * inside it; whether it overlaps the thread's next request shows when that
 * one arrives. Calls never overlap a request partly: the thread takes both
 * of its times between calls. */
static void on_request(chrome *c, uint32_t thread, int64_t tid, const ss_event *ev)
{
    lane *l = lane_of(c, thread);
    if (!l) {
        request(c, tid, ev, 0);
        return;
    }
    if (l->has_req && ev->t0 < l->req.t1)
        l->async_reqs = 1; /* from here on this thread's requests are async spans */
    if (l->has_req)
        request(c, tid, &l->req, !l->async_reqs);
    l->has_req = !l->async_reqs;
    if (l->async_reqs)
        request(c, tid, ev, 0);
    else
        l->req = *ev;
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
    lane *l = lane_of(c, thread);
    if (l && (ev->flags & SS_EV_KERNEL) && !(ev->flags & SS_EV_EMUL))
        l->kernel_end = ev->t1;
    if (l && ev->api != SS_API_OP_COMPLETE && ev->t1 > l->last_end)
        l->last_end = ev->t1;
    if ((ev->api == SS_API_PACKET_POST || ev->api == SS_API_EVENT_SIGNAL) && ev->id) {
        on_post(c, tid, name, ev);
        return;
    }
    if (ev->flags & SS_EV_EMUL) { /* the stand-in's machinery: its own category, not the model's story */
        slice(c, tid, name, "emulation", ev, 0);
        return;
    }
    switch (ev->api) {
    case SS_API_OP_SUBMIT: on_submit(c, tid, name, ev); break;
    case SS_API_OP_COMPLETE:
        on_complete(c, thread, tid, ev);
        if (server && ev->aux == SS_API_ACCEPT && ev->ret >= 0)
            track_accept(c, ev->ret, ev->t1);
        break;
    case SS_API_REQUEST: on_request(c, thread, tid, ev); break;
    default:
        /* a plain call has no category: "socket" on a quarter million slices
         * was a tenth of the file */
        slice(c, tid, name,
              (ev->flags & SS_EV_STANDIN)  ? "stand-in"
              : (ev->flags & SS_EV_KERNEL) ? NULL
                                           : "event",
              ev, 0);
        if (server && ev->api == SS_API_ACCEPT && ev->ret >= 0)
            track_accept(c, ev->ret, ev->t1);
        if (server && ev->api == SS_API_CLOSE && is_server_conn_close(c, ev))
            counter(c, "open connections", ev->t1, --c->open_conns);
    }
}

/* Spans still open at the end of a run end there (a model stopping with
 * reads posted, a recording cut off), in that run: every begin has its end. */
static void finish_run(chrome *c, uint64_t end)
{
    if (!c->run_open)
        return;
    c->run_open = 0;
    for (size_t k = 0; k < c->names.n && k < c->lanes_cap; k++) /* the requests held back */
        if (c->lanes[k].has_req) {
            request(c, tid_of(c->names.t[k].idx), &c->lanes[k].req, 1);
            c->lanes[k].has_req = 0;
        }
    for (size_t i = 0; i < c->ops.cap; i++) {
        op *o = &c->ops.o[i];
        if (o->id && o->begun) {
            char label[48];
            span_name(label, sizeof label, o->api);
            mark(c, 'e', "async", label, KERNEL_TID, end > o->submitted ? end : o->submitted, o->uid);
        }
        o->id = 0;
    }
    c->ops.n = 0;
}

static void on_run_end(void *ud, const ss_run_end_info *r) { finish_run(ud, r->duration_ns); }

int ss_export_chrome(const char *trace, FILE *out, int gzip, ss_scan_result *res, char *err, size_t errlen)
{
    chrome *c = calloc(1, sizeof *c);
    if (!c || ss_sink_open(&c->out, out, gzip) != 0) {
        free(c);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    c->first = 1;
    put(c, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    ss_visitor v = {.ud = c, .run_begin = on_run, .thread = on_thread, .event = on_event, .run_end = on_run_end};
    int rc = ss_trace_scan(trace, 1, &v, res, err, errlen);
    finish_run(c, c->last_ts); /* a cut-off last run */
    put(c, "\n]}\n");
    ss_sink_close(&c->out); /* a failed write shows in ferror(out) */
    ss_names_free(&c->names);
    free(c->accepted);
    free(c->ops.o);
    free(c->lanes);
    free(c);
    return rc;
}
