/* workload_ev.c — the event-driven client mode: a few client threads, each
 * driving many connections with edge-triggered epoll, so that 10,000
 * concurrent connections need neither 10,000 threads nor 10,000 buffers.
 *
 * Each connection is a small state machine (connect, send, receive, think).
 * Bytes are generated and verified on the fly from ss_pattern_byte(), so a
 * connection holds no buffer at all. Every socket call goes through the
 * probes like the threaded clients' calls (role SS_ROLE_CLIENT). Timers
 * (stagger, think time) live in a binary heap per thread; a connection
 * that makes no progress for timeout_s fails, so every run ends. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "sim/load/workload_int.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define MAX_CONNECTING 128 /* connects in flight per thread: keeps the listen backlog from overflowing */
#define SCAN_MS 250        /* how often stalled connections are looked for */
#define MAX_EVENTS 256
#define TAG_RELEASE UINT64_MAX
#define TAG_DONE (UINT64_MAX - 1)

enum { EV_WAIT, EV_QUEUED, EV_CONNECTING, EV_HOLD, EV_SEND, EV_RECV, EV_DONE };
enum { STOP_CONNECT, STOP_REQUEST, STOP_REFUSED }; /* how a connection ended early */

typedef struct evc {
    int fd, id, state;
    uint32_t gen;           /* bumped with every new socket: stale epoll events are ignored */
    int arrived;            /* connect = all: has settled at the start barrier */
    int counted;            /* wl_client_done() called: an active client that has finished */
    int msg, in_conn, size, sent, got;
    uint64_t t0;            /* ticks at the start of the request */
    uint64_t progress_ns;   /* last progress, for the timeout */
} evc;

typedef struct timer {
    uint64_t due_ns;
    int conn;
} timer;

typedef struct evt {
    wl *sh;
    int idx, n, first;      /* conn k of this thread is global conn idx + k * nthreads */
    int nthreads;
    pthread_t thread;
    _Atomic int finished;
    evc *c;
    int ep, live, connecting;
    int *queue, qhead, qlen; /* conns waiting for a connect slot */
    timer *heap;
    int nheap;
    int done_seen;
    ss_hist hist;
    unsigned char scratch[16384];
} evt;

struct wl_evgroup {
    evt *t;
    int n;
};

static const ss_workload_opts *O(evt *t) { return t->sh->o; }
static int is_idle(evt *t, evc *c) { return c->id >= O(t)->clients; }

/* --- timers ------------------------------------------------------------------ */
static void heap_swap(timer *h, int a, int b)
{
    timer x = h[a];
    h[a] = h[b];
    h[b] = x;
}

static void timer_add(evt *t, evc *c, uint64_t due_ns)
{
    int i = t->nheap++;
    t->heap[i] = (timer){due_ns, (int)(c - t->c)};
    c->state = EV_WAIT;
    while (i > 0 && t->heap[(i - 1) / 2].due_ns > t->heap[i].due_ns) {
        heap_swap(t->heap, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static int timer_pop(evt *t)
{
    int conn = t->heap[0].conn;
    t->heap[0] = t->heap[--t->nheap];
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->nheap && t->heap[l].due_ns < t->heap[m].due_ns) m = l;
        if (r < t->nheap && t->heap[r].due_ns < t->heap[m].due_ns) m = r;
        if (m == i)
            return conn;
        heap_swap(t->heap, i, m);
        i = m;
    }
}

/* --- ending a connection ------------------------------------------------------- */
static void ev_close(evc *c)
{
    if (c->fd >= 0)
        ss_close(c->fd);
    c->fd = -1;
    c->gen++;
}

/* connect = all: every connection settles exactly once, connected or not */
static void ev_arrive(evt *t, evc *c)
{
    if (O(t)->connect == SS_CONNECT_ALL && !c->arrived) {
        c->arrived = 1;
        wl_arrive(t->sh, 1);
    }
}

static void ev_count_done(evt *t, evc *c)
{
    if (!is_idle(t, c) && !c->counted)
        wl_client_done(t->sh);
    c->counted = 1;
}

static void ev_finish(evt *t, evc *c)
{
    ev_arrive(t, c);
    ev_close(c);
    c->state = EV_DONE;
    t->live--;
    ev_count_done(t, c);
}

/* idle connections, and finished ones with hold_open, wait for the end */
static int ev_waits_for_end(evt *t, evc *c) { return is_idle(t, c) || c->counted; }

/* Ends a connection early and counts what it will not do. */
static void ev_stop(evt *t, evc *c, int how, const char *what, int e)
{
    wl *sh = t->sh;
    long left = is_idle(t, c) ? 1 : O(t)->messages - c->msg;
    if (how == STOP_REFUSED) {
        atomic_fetch_add(&sh->refused, 1);
        atomic_fetch_add(&sh->skipped, is_idle(t, c) ? 0 : left);
    } else {
        wl_fail(sh, c->id, what, e);
        if (how == STOP_CONNECT)
            atomic_fetch_add(&sh->connect_failures, 1);
        atomic_fetch_add(&sh->failed, how == STOP_REQUEST ? left - 1 : left);
    }
    ev_finish(t, c);
}

/* a failure on the request in flight: refused, or a failed request */
static void ev_request_failed(evt *t, evc *c, int eof, int e)
{
    int gone = eof || e == ECONNRESET || e == EPIPE;
    if (O(t)->expect_refusals && c->in_conn == 0 && c->got == 0 && gone) {
        ev_stop(t, c, STOP_REFUSED, NULL, 0);
        return;
    }
    wl_request(t->sh, &t->hist, c->id, c->msg, c->fd, c->size, c->t0, 0);
    ev_stop(t, c, STOP_REQUEST, eof ? "server closed the connection early" : "send/recv failed", e);
}

/* --- the request ------------------------------------------------------------ */
static void ev_connect(evt *t, evc *c);

/* Sends what is left of the message; the echo's EPOLLIN resumes us after. */
static void ev_send(evt *t, evc *c)
{
    while (c->sent < c->size) {
        int k = c->size - c->sent < (int)sizeof t->scratch ? c->size - c->sent : (int)sizeof t->scratch;
        for (int i = 0; i < k; i++)
            t->scratch[i] = ss_pattern_byte(c->id, c->msg, c->sent + i, c->size);
        ssize_t r = ss_send(c->fd, t->scratch, (size_t)k, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; /* EPOLLOUT will resume us */
        if (r < 0) {
            ev_request_failed(t, c, 0, errno);
            return;
        }
        c->sent += (int)r;
        c->progress_ns = ss_mono_ns();
    }
    c->state = EV_RECV;
}

static void ev_begin(evt *t, evc *c)
{
    c->size = ss_msg_size(O(t), c->id, c->msg);
    c->sent = c->got = 0;
    c->state = EV_SEND;
    wl_mark_first(t->sh);
    c->t0 = ss_ticks();
    c->progress_ns = ss_mono_ns();
    ev_send(t, c);
}

static void ev_next(evt *t, evc *c)
{
    const ss_workload_opts *o = O(t);
    c->msg++;
    c->in_conn++;
    if (c->msg >= o->messages && o->hold_open) {
        ev_count_done(t, c);
        c->state = EV_HOLD;
        if (t->done_seen)
            ev_finish(t, c);
        return;
    }
    if (c->msg >= o->messages) {
        ev_finish(t, c);
        return;
    }
    if (c->in_conn == wl_per_conn(o)) {
        ev_close(c);
        c->in_conn = 0;
    }
    if (o->think_ms > 0)
        timer_add(t, c, ss_mono_ns() + (uint64_t)(o->think_ms * 1e6));
    else if (c->fd < 0)
        ev_connect(t, c);
    else
        ev_begin(t, c);
}

static void ev_recv(evt *t, evc *c)
{
    while (c->got < c->size) {
        size_t want = (size_t)(c->size - c->got);
        ssize_t r = ss_recv(c->fd, t->scratch, want < sizeof t->scratch ? want : sizeof t->scratch, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r <= 0) {
            ev_request_failed(t, c, r == 0, r == 0 ? 0 : errno);
            return;
        }
        for (ssize_t i = 0; i < r; i++) {
            if (t->scratch[i] != ss_pattern_byte(c->id, c->msg, c->got + (int)i, c->size)) {
                atomic_fetch_add(&t->sh->mismatches, 1);
                wl_request(t->sh, &t->hist, c->id, c->msg, c->fd, c->size, c->t0, 0);
                ev_stop(t, c, STOP_REQUEST, "echoed bytes differ from the bytes sent", 0);
                return;
            }
        }
        c->got += (int)r;
        c->progress_ns = ss_mono_ns();
    }
    wl_request(t->sh, &t->hist, c->id, c->msg, c->fd, c->size, c->t0, 1);
    ev_next(t, c);
}

/* --- connections ------------------------------------------------------------ */
static uint64_t key_of(evt *t, evc *c) { return (uint64_t)c->gen << 32 | (uint32_t)(c - t->c); }

static void ev_connect(evt *t, evc *c)
{
    wl *sh = t->sh;
    if (t->connecting >= MAX_CONNECTING) {
        t->queue[(t->qhead + t->qlen++) % t->n] = (int)(c - t->c);
        c->state = EV_QUEUED;
        return;
    }
    int fd = ss_socket(sh->addr.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        ev_stop(t, c, STOP_CONNECT, "socket() failed", errno);
        return;
    }
    c->fd = fd;
    c->gen++;
    if (O(t)->rcvbuf > 0)
        ss_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &O(t)->rcvbuf, sizeof O(t)->rcvbuf);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP, .data.u64 = key_of(t, c)};
    if (ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ev_stop(t, c, STOP_CONNECT, "epoll_ctl() failed", errno);
        return;
    }
    if (ss_connect(fd, (struct sockaddr *)&sh->addr.ss, sh->addr.len) != 0 && errno != EINPROGRESS) {
        ev_stop(t, c, STOP_CONNECT, "connect() failed", errno);
        return;
    }
    c->state = EV_CONNECTING;
    c->progress_ns = ss_mono_ns();
    t->connecting++;
}

/* a connect slot came free: start the next queued connection */
static void ev_slot_free(evt *t)
{
    t->connecting--;
    while (t->qlen > 0 && t->connecting < MAX_CONNECTING) {
        evc *c = &t->c[t->queue[t->qhead]];
        t->qhead = (t->qhead + 1) % t->n;
        t->qlen--;
        ev_connect(t, c);
    }
}

static void ev_connected(evt *t, evc *c, uint32_t events)
{
    ev_slot_free(t);
    if (events & (EPOLLERR | EPOLLHUP)) {
        ev_stop(t, c, STOP_CONNECT, "connect() failed", ECONNREFUSED);
        return;
    }
    atomic_fetch_add(&t->sh->connections, 1);
    wl_note_endpoint(t->sh, c->fd);
    c->state = EV_HOLD;
    if (O(t)->connect == SS_CONNECT_ALL)
        ev_arrive(t, c); /* messages start once every connection has settled */
    else if (!is_idle(t, c))
        ev_begin(t, c);
    if (is_idle(t, c) && t->done_seen)
        ev_finish(t, c);
}

/* the server closed a connection that was holding (idle, or waiting for the start) */
static void ev_hold_event(evt *t, evc *c, uint32_t events)
{
    if (!ev_waits_for_end(t, c) || !(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        return; /* an active one finds out when it sends */
    if (c->counted) {
        ev_finish(t, c); /* finished its work: the server may close it */
        return;
    }
    if (O(t)->expect_refusals) {
        ev_stop(t, c, STOP_REFUSED, NULL, 0);
        return;
    }
    ev_stop(t, c, STOP_CONNECT, "the server closed an idle connection", 0);
}

static void ev_event(evt *t, evc *c, uint32_t events)
{
    switch (c->state) {
    case EV_CONNECTING: ev_connected(t, c, events); break;
    case EV_HOLD: ev_hold_event(t, c, events); break;
    case EV_SEND: ev_send(t, c); break;
    case EV_RECV: ev_recv(t, c); break;
    default: break; /* waiting for a timer or a slot: nothing to do yet */
    }
}

/* every holding connection moves on: active ones start, idle ones close */
static void ev_broadcast(evt *t, int idle)
{
    for (int k = 0; k < t->n; k++) {
        evc *c = &t->c[k];
        if (c->state != EV_HOLD || ev_waits_for_end(t, c) != idle)
            continue;
        if (idle)
            ev_finish(t, c);
        else
            ev_begin(t, c);
    }
}

static void ev_tag(evt *t, uint64_t tag)
{
    if (tag == TAG_RELEASE) {
        ev_broadcast(t, 0);
    } else {
        t->done_seen = 1;
        ev_broadcast(t, 1);
    }
}

/* --- the loop ---------------------------------------------------------------- */
static void ev_timers(evt *t, uint64_t now)
{
    while (t->nheap > 0 && t->heap[0].due_ns <= now) {
        evc *c = &t->c[timer_pop(t)];
        if (c->state != EV_WAIT)
            continue;
        if (c->fd < 0)
            ev_connect(t, c);
        else
            ev_begin(t, c);
    }
}

static void ev_scan(evt *t, uint64_t now)
{
    uint64_t limit = (uint64_t)wl_timeout_s(O(t)) * 1000000000ull;
    for (int k = 0; k < t->n; k++) {
        evc *c = &t->c[k];
        int busy = c->state == EV_CONNECTING || c->state == EV_SEND || c->state == EV_RECV;
        if (!busy || now - c->progress_ns < limit)
            continue;
        if (c->state == EV_CONNECTING) {
            ev_slot_free(t);
            ev_stop(t, c, STOP_CONNECT, "connect() timed out", ETIMEDOUT);
        } else {
            ev_request_failed(t, c, 0, ETIMEDOUT);
        }
    }
}

static int wait_ms(evt *t, uint64_t now)
{
    uint64_t wait = SCAN_MS;
    if (t->nheap > 0) {
        uint64_t due = t->heap[0].due_ns;
        uint64_t ms = due > now ? (due - now + 999999) / 1000000 : 0;
        if (ms < wait)
            wait = ms;
    }
    return (int)wait;
}

static void ev_schedule(evt *t)
{
    const ss_workload_opts *o = O(t);
    for (int k = 0; k < t->n; k++) {
        evc *c = &t->c[k];
        c->fd = -1;
        c->id = t->first + t->idx + k * t->nthreads;
        if (o->connect == SS_CONNECT_STAGGER && !is_idle(t, c))
            timer_add(t, c, t->sh->t_begin_ns + (uint64_t)(o->stagger_ms * 1e6 * c->id));
        else
            ev_connect(t, c);
    }
}

static void ev_watch(evt *t, int fd, uint64_t tag)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = tag};
    ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void ev_loop(evt *t)
{
    struct epoll_event evs[MAX_EVENTS];
    ev_watch(t, t->sh->release_fd, TAG_RELEASE);
    ev_watch(t, t->sh->done_fd, TAG_DONE);
    t->live = t->n;
    ev_schedule(t);
    uint64_t next_scan = ss_mono_ns() + SCAN_MS * 1000000ull;
    while (t->live > 0) {
        int n = ss_epoll_wait(t->ep, evs, MAX_EVENTS, wait_ms(t, ss_mono_ns()));
        for (int i = 0; i < n; i++) {
            uint64_t key = evs[i].data.u64;
            if (key == TAG_RELEASE || key == TAG_DONE) {
                ev_tag(t, key);
                continue;
            }
            evc *c = &t->c[(uint32_t)key];
            if ((uint32_t)(key >> 32) == c->gen)
                ev_event(t, c, evs[i].events);
        }
        uint64_t now = ss_mono_ns();
        ev_timers(t, now);
        if (now >= next_scan) {
            ev_scan(t, now);
            next_scan = now + SCAN_MS * 1000000ull;
        }
    }
}

/* a thread's connections that will never run: counted failed, the others go on */
static void ev_abandon(wl *sh, int first, int idx, int nthreads, int n, const char *why)
{
    long idle = 0;
    for (int k = 0; k < n; k++)
        idle += first + idx + k * nthreads >= sh->o->clients;
    wl_give_up(sh, first + idx, n - idle, idle, why);
}

static void *ev_main(void *arg)
{
    evt *t = arg;
    char name[40];
    snprintf(name, sizeof name, "clients (epoll) %d", t->idx);
    ss_thread_begin(SS_ROLE_CLIENT, name);
    t->ep = ss_epoll_create();
    if (t->ep < 0) {
        ev_abandon(t->sh, t->first, t->idx, t->nthreads, t->n, "epoll_create1() failed in a client thread");
    } else {
        ev_loop(t);
        ss_close(t->ep);
    }
    wl_merge_hist(t->sh, &t->hist);
    ss_thread_end();
    atomic_store(&t->finished, 1);
    return NULL;
}

/* --- the group of threads ----------------------------------------------------- */
static int ev_alloc(evt *t, int n)
{
    t->n = n;
    t->c = calloc((size_t)n, sizeof *t->c);
    t->queue = calloc((size_t)n, sizeof *t->queue);
    t->heap = calloc((size_t)n, sizeof *t->heap);
    ss_hist_init(&t->hist);
    return t->c && t->queue && t->heap ? 0 : -1;
}

static void ev_free(evt *t)
{
    free(t->c);
    free(t->queue);
    free(t->heap);
    t->c = NULL;
    t->queue = NULL;
    t->heap = NULL;
}

wl_evgroup *wl_ev_start(wl *sh, int first, int nthreads, char *err, size_t n)
{
    int total = sh->o->clients - first + sh->o->idle;
    if (nthreads > total)
        nthreads = total > 0 ? total : 1;
    wl_evgroup *g = calloc(1, sizeof *g);
    evt *ts = calloc((size_t)nthreads, sizeof *ts);
    if (!g || !ts) {
        free(g);
        free(ts);
        snprintf(err, n, "out of memory for the client threads");
        return NULL;
    }
    g->t = ts;
    for (int i = 0; i < nthreads; i++) {
        evt *t = &ts[i];
        *t = (evt){.sh = sh, .idx = i, .first = first, .nthreads = nthreads, .ep = -1};
        int mine = total / nthreads + (i < total % nthreads);
        if (ev_alloc(t, mine) != 0 || pthread_create(&t->thread, NULL, ev_main, t) != 0) {
            ev_free(t);
            ev_abandon(sh, first, i, nthreads, mine, "cannot start a client thread");
            continue;
        }
        g->n = i + 1;
    }
    return g;
}

int wl_ev_busy(wl_evgroup *g)
{
    for (int i = 0; i < g->n; i++)
        if (g->t[i].c && !atomic_load(&g->t[i].finished))
            return 1;
    return 0;
}

void wl_ev_join(wl_evgroup *g)
{
    for (int i = 0; i < g->n; i++) {
        if (!g->t[i].c)
            continue;
        pthread_join(g->t[i].thread, NULL);
        ev_free(&g->t[i]);
    }
    free(g->t);
    free(g);
}
