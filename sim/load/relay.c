/* relay.c — the link emulator (see relay.h).
 *
 * A small pool of threads shares the listening socket (EPOLLEXCLUSIVE: one
 * thread wakes per connection); a connection pair lives on the thread that
 * accepted it, so nothing but the shared bandwidth needs a lock. Each
 * direction of a pair is a FIFO of chunks stamped with the time they may
 * leave: read time + serialisation on the shared link (bandwidth) + latency
 * + jitter, never earlier than the chunk before (bytes stay in order). A
 * timerfd with nanosecond resolution wakes the thread when the next chunk
 * is due. A direction holds at most a bounded number of bytes; beyond that
 * the relay stops reading, so TCP flow control still reaches the sender (a
 * client that stops reading still makes the server's sends block).
 *
 * FIN and RST travel like data: a half-close reaches the other side after
 * the bytes before it and the same delay; a reset does too, and then aborts
 * both connections (SO_LINGER 0), so reset clients and half-closing clients
 * behave through the relay as they do without it. */
#include "sim/load/relay.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "sim/base/rng.h"
#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define MAX_EVENTS 128
#define READ_MAX 16384

enum { CH_DATA, CH_EOF, CH_RESET };

typedef struct chunk {
    struct chunk *next;
    uint64_t due_ns;
    size_t len, off;
    int kind;
    unsigned char data[];
} chunk;

typedef struct bottleneck { /* one direction's bottleneck, shared by every connection */
    pthread_mutex_t lock;
    uint64_t free_ns;    /* when everything queued on it so far has been serialised */
} bottleneck;

struct pair;
typedef struct dir {
    struct pair *p;
    int *from, *to;      /* the pair's fds */
    _Atomic uint64_t *bytes;
    bottleneck *lk;
    chunk *head, *tail;
    size_t queued;
    int eof_in, eof_out; /* end of stream read / passed on */
    int blocked;         /* the destination would block: wait for EPOLLOUT, not the timer */
    int listed;          /* on the thread's list of directions holding chunks */
    uint64_t last_due, rng;
    struct dir *next_listed;
} dir;

typedef struct endp {
    struct pair *p;
} endp;

typedef struct pair {
    int cfd, sfd;        /* client side, server side */
    dir up, down;        /* up: client -> server */
    endp ce, se;
    int dead;
    struct pair *prev, *next;
} pair;

typedef struct rthread {
    struct ss_relay *r;
    int idx, ep, timer_fd;
    pthread_t thread;
    pair *pairs, *graveyard;
    dir *listed;
    unsigned char buf[READ_MAX];
} rthread;

struct ss_relay {
    ss_link_opts o;
    uint64_t seed;
    ss_addr server;
    char host[64];
    int listen_fd, stop_fd;
    size_t chunk_max, queue_cap;
    bottleneck up, down;
    rthread *t;
    int nthreads;
    _Atomic int started;
    _Atomic long seq, conns, aborted;
    _Atomic uint64_t bytes_up, bytes_down;
    /* startup: thread 0 opens the listening socket (so its calls are relay calls) */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int ready, port;
    char err[200];
};

static char tag_listen, tag_stop, tag_timer;

int ss_link_active(const ss_link_opts *l)
{
    return l && (l->latency_ms > 0 || l->jitter_ms > 0 || l->bandwidth_bps > 0);
}

static int would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK; }

/* --- timing ------------------------------------------------------------------ */
static uint64_t due_of(ss_relay *r, dir *d, size_t len, int kind, uint64_t now)
{
    uint64_t t = now;
    if (r->o.bandwidth_bps > 0 && kind == CH_DATA) {
        uint64_t tx = (uint64_t)((double)len * 8e9 / r->o.bandwidth_bps);
        pthread_mutex_lock(&d->lk->lock);
        t = (d->lk->free_ns > now ? d->lk->free_ns : now) + tx;
        d->lk->free_ns = t;
        pthread_mutex_unlock(&d->lk->lock);
    }
    double delay = r->o.latency_ms * 1e6;
    if (r->o.jitter_ms > 0)
        delay += (2 * ss_rng_unit(&d->rng) - 1) * r->o.jitter_ms * 1e6;
    t += delay > 0 ? (uint64_t)delay : 0;
    if (t < d->last_due)
        t = d->last_due; /* jitter never reorders bytes */
    d->last_due = t;
    return t;
}

/* --- pairs ----------------------------------------------------------------------- */
static void list_dir(rthread *t, dir *d)
{
    if (d->listed)
        return;
    d->listed = 1;
    d->next_listed = t->listed;
    t->listed = d;
}

/* -1 when out of memory: losing bytes silently would be worse than a reset */
static int enqueue(rthread *t, dir *d, const unsigned char *data, size_t len, int kind, uint64_t now)
{
    chunk *c = malloc(sizeof *c + len);
    if (!c)
        return -1;
    c->next = NULL;
    c->len = len;
    c->off = 0;
    c->kind = kind;
    if (len)
        memcpy(c->data, data, len);
    c->due_ns = due_of(t->r, d, len, kind, now);
    if (d->tail) d->tail->next = c; else d->head = c;
    d->tail = c;
    d->queued += len;
    list_dir(t, d);
    return 0;
}

static void free_chunks(dir *d)
{
    while (d->head) {
        chunk *c = d->head;
        d->head = c->next;
        free(c);
    }
    d->tail = NULL;
}

static void pair_kill(rthread *t, pair *p, int abortive)
{
    if (p->dead)
        return;
    if (abortive) {
        struct linger lg = {1, 0};
        ss_setsockopt(p->cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        ss_setsockopt(p->sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        atomic_fetch_add(&t->r->aborted, 1);
    }
    ss_close(p->cfd);
    ss_close(p->sfd);
    p->dead = 1;
    if (p->prev) p->prev->next = p->next; else t->pairs = p->next;
    if (p->next) p->next->prev = p->prev;
    p->next = t->graveyard; /* freed after this batch of events: they may still name it */
    t->graveyard = p;
}

/* Passes on every chunk that is due. -1 = the pair must be aborted. */
static int flush(dir *d, uint64_t now)
{
    d->blocked = 0;
    while (d->head && d->head->due_ns <= now) {
        chunk *c = d->head;
        if (c->kind == CH_RESET)
            return -1;
        if (c->kind == CH_EOF) {
            ss_shutdown(*d->to, SHUT_WR);
            d->eof_out = 1;
        }
        while (c->off < c->len) {
            ssize_t r = ss_send(*d->to, c->data + c->off, c->len - c->off, 0);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 && would_block(errno)) {
                d->blocked = 1;
                return 0;
            }
            if (r < 0)
                return -1;
            c->off += (size_t)r;
            atomic_fetch_add(d->bytes, (uint64_t)r);
        }
        d->head = c->next;
        if (!d->head)
            d->tail = NULL;
        d->queued -= c->len;
        free(c);
    }
    return 0;
}

/* Reads what the source has, as long as the direction has room. -1 = abort. */
static int fill(rthread *t, dir *d, uint64_t now)
{
    ss_relay *r = t->r;
    while (!d->eof_in && d->queued < r->queue_cap) {
        ssize_t n = ss_recv(*d->from, t->buf, r->chunk_max, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && would_block(errno))
            return 0;
        if (n <= 0) { /* FIN, or a reset: either travels behind the bytes before it */
            d->eof_in = 1;
            return enqueue(t, d, NULL, 0, n == 0 ? CH_EOF : CH_RESET, now);
        }
        if (enqueue(t, d, t->buf, (size_t)n, CH_DATA, now) != 0)
            return -1;
    }
    return 0;
}

static void pump(rthread *t, pair *p)
{
    if (p->dead)
        return;
    uint64_t now = ss_mono_ns();
    dir *ds[2] = {&p->up, &p->down};
    for (int i = 0; i < 2; i++) {
        if (flush(ds[i], now) != 0 || fill(t, ds[i], now) != 0 || flush(ds[i], now) != 0) {
            pair_kill(t, p, 1);
            return;
        }
    }
    if (p->up.eof_out && p->down.eof_out)
        pair_kill(t, p, 0); /* both sides have said goodbye */
}

static void dir_init(ss_relay *r, pair *p, dir *d, int up, long seq)
{
    d->p = p;
    d->from = up ? &p->cfd : &p->sfd;
    d->to = up ? &p->sfd : &p->cfd;
    d->bytes = up ? &r->bytes_up : &r->bytes_down;
    d->lk = up ? &r->up : &r->down;
    d->rng = ss_rng_pick(r->seed, (uint64_t)seq, (uint64_t)up);
}

static int watch(rthread *t, int fd, void *ptr)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = ptr};
    return ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void tune(int fd)
{
    int one = 1; /* the relay decides when bytes leave: Nagle must not add its own delay */
    ss_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void pair_open(rthread *t, int cfd)
{
    ss_relay *r = t->r;
    pair *p = calloc(1, sizeof *p);
    int sfd = p ? ss_socket(r->server.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0) : -1;
    if (sfd < 0) {
        free(p);
        ss_close(cfd);
        return;
    }
    *p = (pair){.cfd = cfd, .sfd = sfd, .ce = {p}, .se = {p}, .next = t->pairs};
    if (t->pairs) t->pairs->prev = p;
    t->pairs = p;
    long seq = atomic_fetch_add(&r->seq, 1);
    dir_init(r, p, &p->up, 1, seq);
    dir_init(r, p, &p->down, 0, seq);
    atomic_fetch_add(&r->conns, 1);
    ss_set_nonblocking(cfd, 1);
    tune(cfd);
    tune(sfd);
    int rc = ss_connect(sfd, (struct sockaddr *)&r->server.ss, r->server.len);
    if ((rc != 0 && errno != EINPROGRESS) || watch(t, cfd, &p->ce) != 0 || watch(t, sfd, &p->se) != 0)
        pair_kill(t, p, 1);
}

static void accept_all(rthread *t)
{
    for (;;) {
        int fd = ss_accept(t->r->listen_fd, NULL, NULL);
        if (fd < 0)
            return; /* EWOULDBLOCK: another relay thread took it, or the backlog is empty */
        pair_open(t, fd);
    }
}

/* --- the thread ---------------------------------------------------------------- */
/* Passes on what is due, forgets empty directions, arms the timer for the next chunk. */
static void on_timer(rthread *t)
{
    uint64_t now = ss_mono_ns(), next = 0;
    for (dir *d = t->listed; d; d = d->next_listed)
        if (!d->p->dead && d->head && d->head->due_ns <= now && !d->blocked)
            pump(t, d->p);
    dir **pp = &t->listed;
    while (*pp) {
        dir *d = *pp;
        if (d->p->dead || !d->head) {
            d->listed = 0;
            *pp = d->next_listed;
            continue;
        }
        if (!d->blocked && (!next || d->head->due_ns < next))
            next = d->head->due_ns;
        pp = &d->next_listed;
    }
    struct itimerspec its = {{0, 0}, {(time_t)(next / 1000000000ull), (long)(next % 1000000000ull)}};
    timerfd_settime(t->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void bury(rthread *t)
{
    while (t->graveyard) {
        pair *p = t->graveyard;
        t->graveyard = p->next;
        free_chunks(&p->up);
        free_chunks(&p->down);
        free(p);
    }
}

static void relay_loop(rthread *t)
{
    struct epoll_event evs[MAX_EVENTS];
    for (int stop = 0; !stop;) {
        int n = ss_epoll_wait(t->ep, evs, MAX_EVENTS, -1);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n; i++) {
            void *tag = evs[i].data.ptr;
            if (tag == &tag_stop) {
                stop = 1;
            } else if (tag == &tag_listen) {
                accept_all(t);
            } else if (tag == &tag_timer) {
                uint64_t expirations;
                if (read(t->timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
                    perror("sockscope: relay timer");
            } else {
                pump(t, ((endp *)tag)->p);
            }
        }
        on_timer(t);
        bury(t);
    }
    while (t->pairs)
        pair_kill(t, t->pairs, 0);
    on_timer(t);
    bury(t);
}

static int thread_setup(rthread *t)
{
    ss_relay *r = t->r;
    t->ep = ss_epoll_create();
    t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t->ep < 0 || t->timer_fd < 0)
        return -1;
    struct epoll_event lev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &tag_listen};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &tag_stop};
    struct epoll_event tev = {.events = EPOLLIN, .data.ptr = &tag_timer};
    if (ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, r->listen_fd, &lev) != 0 ||
        ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, r->stop_fd, &sev) != 0 ||
        ss_epoll_ctl(t->ep, EPOLL_CTL_ADD, t->timer_fd, &tev) != 0)
        return -1;
    return 0;
}

/* thread 0 opens the listening socket and reports the port to ss_relay_start */
static void report_ready(ss_relay *r, int ok, const char *err)
{
    pthread_mutex_lock(&r->lock);
    r->ready = ok ? 1 : -1;
    if (err)
        snprintf(r->err, sizeof r->err, "%s", err);
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
}

static void *relay_main(void *arg)
{
    rthread *t = arg;
    ss_relay *r = t->r;
    char name[32];
    snprintf(name, sizeof name, "relay %d", t->idx);
    ss_thread_begin(SS_ROLE_RELAY, name);
    char err[200] = "";
    if (t->idx == 0) {
        r->listen_fd = ss_listen_on(r->host, 0, &(ss_listen_opts){.backlog = 4096}, &r->port, err, sizeof err);
        if (r->listen_fd >= 0)
            ss_set_nonblocking(r->listen_fd, 1);
    }
    int ok = r->listen_fd >= 0 && thread_setup(t) == 0;
    if (t->idx == 0)
        report_ready(r, ok, err[0] ? err : ok ? NULL : "cannot set up the relay's epoll");
    if (ok)
        relay_loop(t);
    if (t->idx == 0) { /* the listening socket goes last, on a relay thread like everything else */
        for (int i = 1; i < r->started; i++)
            pthread_join(r->t[i].thread, NULL);
        if (r->listen_fd >= 0)
            ss_close(r->listen_fd);
    }
    if (t->ep >= 0)
        ss_close(t->ep);
    if (t->timer_fd >= 0)
        close(t->timer_fd);
    ss_thread_end();
    return NULL;
}

/* --- start / stop ------------------------------------------------------------------ */
static int relay_init(ss_relay *r, const ss_link_opts *l, uint64_t seed, const char *host, int port,
                      char *err, size_t n)
{
    r->o = *l;
    r->seed = seed;
    r->listen_fd = -1;
    r->nthreads = l->threads > 0 ? l->threads : 2;
    snprintf(r->host, sizeof r->host, "%s", host);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    pthread_mutex_init(&r->up.lock, NULL);
    pthread_mutex_init(&r->down.lock, NULL);
    /* With a bandwidth limit, chunks of ~2 ms of transmission keep the pacing
     * smooth, and ~20 ms of queue per direction is the bottleneck's buffer. */
    double bytes_per_ms = l->bandwidth_bps / 8000.0;
    r->chunk_max = READ_MAX;
    r->queue_cap = 256 * 1024;
    if (l->bandwidth_bps > 0) {
        r->chunk_max = bytes_per_ms * 2 < 512 ? 512 : bytes_per_ms * 2 > READ_MAX ? READ_MAX : (size_t)(bytes_per_ms * 2);
        r->queue_cap = bytes_per_ms * 20 < READ_MAX ? READ_MAX : bytes_per_ms * 20 > r->queue_cap ? r->queue_cap : (size_t)(bytes_per_ms * 20);
    }
    if (ss_addr_parse(host, port, &r->server, err, n) != 0)
        return -1;
    r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    r->t = calloc((size_t)r->nthreads, sizeof *r->t);
    if (r->stop_fd < 0 || !r->t) {
        snprintf(err, n, "cannot set up the relay: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static void relay_free(ss_relay *r)
{
    if (r->stop_fd >= 0)
        close(r->stop_fd);
    free(r->t);
    free(r);
}

static int spawn(ss_relay *r, int i)
{
    r->t[i] = (rthread){.r = r, .idx = i, .ep = -1, .timer_fd = -1};
    if (pthread_create(&r->t[i].thread, NULL, relay_main, &r->t[i]) != 0)
        return -1;
    r->started = i + 1;
    return 0;
}

ss_relay *ss_relay_start(const ss_link_opts *l, uint64_t seed, const char *host, int server_port,
                         int *relay_port, char *err, size_t n)
{
    ss_relay *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, n, "out of memory for the relay");
        return NULL;
    }
    r->stop_fd = -1;
    if (relay_init(r, l, seed, host, server_port, err, n) != 0 || spawn(r, 0) != 0) {
        if (!err[0])
            snprintf(err, n, "cannot start the relay thread");
        relay_free(r);
        return NULL;
    }
    pthread_mutex_lock(&r->lock);
    while (!r->ready)
        pthread_cond_wait(&r->cond, &r->lock);
    pthread_mutex_unlock(&r->lock);
    for (int i = 1; r->ready > 0 && i < r->nthreads; i++)
        if (spawn(r, i) != 0)
            break; /* fewer relay threads still relay everything */
    if (r->ready < 0) {
        snprintf(err, n, "relay: %s", r->err);
        ss_relay_stop(r, NULL);
        return NULL;
    }
    *relay_port = r->port;
    return r;
}

void ss_relay_stop(ss_relay *r, ss_relay_counts *counts)
{
    uint64_t one = 1;
    if (write(r->stop_fd, &one, sizeof one) < 0)
        perror("sockscope: relay stop");
    if (r->started > 0)
        pthread_join(r->t[0].thread, NULL); /* thread 0 joins the others */
    if (counts) {
        counts->connections = atomic_load(&r->conns);
        counts->bytes_up = atomic_load(&r->bytes_up);
        counts->bytes_down = atomic_load(&r->bytes_down);
        counts->aborted = atomic_load(&r->aborted);
    }
    relay_free(r);
}
