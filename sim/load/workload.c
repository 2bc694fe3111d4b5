/* workload.c — the clients: options, the shared bookkeeping, the
 * thread-per-client clients (ordinary and special) and the run loop. The
 * event-driven client mode is in workload_ev.c. */
#include "sim/load/workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sim/base/rng.h"
#include "sim/load/workload_int.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define WL_EOF (-2) /* the peer closed the connection */

/* --- options ----------------------------------------------------------------- */
int ss_msg_size(const ss_workload_opts *o, int client, int msg)
{
    const ss_size_spec *s = &o->sizes;
    if (s->nlist > 0)
        return s->list[ss_rng_pick(o->seed, (uint64_t)client, (uint64_t)msg) % (uint64_t)s->nlist];
    if (s->max > 0) {
        uint64_t span = (uint64_t)(s->max - s->min) + 1;
        return s->min + (int)(ss_rng_pick(o->seed, (uint64_t)client, (uint64_t)msg) % span);
    }
    return o->size;
}

int ss_msg_size_max(const ss_workload_opts *o)
{
    const ss_size_spec *s = &o->sizes;
    int max = s->nlist > 0 ? 0 : s->max > 0 ? s->max : o->size;
    for (int i = 0; i < s->nlist; i++)
        if (s->list[i] > max)
            max = s->list[i];
    return max > 0 ? max : 1;
}

int wl_specials(const ss_workload_opts *o)
{
    const ss_special_opts *s = &o->special;
    long n = (long)s->slow + s->nonreading + s->reset + s->halfclose;
    return n < o->clients ? (int)n : o->clients;
}

wl_kind wl_kind_of(const ss_workload_opts *o, int id)
{
    if (id >= o->clients)
        return WL_IDLE;
    const ss_special_opts *s = &o->special;
    const int counts[] = {s->slow, s->nonreading, s->reset, s->halfclose};
    const wl_kind kinds[] = {WL_SLOW, WL_NONREADING, WL_RESET, WL_HALFCLOSE};
    for (int i = 0; i < 4; i++) {
        if (id < counts[i])
            return kinds[i];
        id -= counts[i];
    }
    return WL_ORDINARY;
}

int ss_workload_uses_events(const ss_workload_opts *o)
{
    if (o->mode == SS_CLIENTS_EVENTS)
        return 1;
#ifdef _WIN32
    return 0; /* the event-driven clients need epoll: threads on Windows */
#endif
    return o->mode == SS_CLIENTS_AUTO && o->clients > SS_EVENT_CLIENTS_AUTO;
}

long ss_workload_fds(const ss_workload_opts *o)
{
    /* one socket per connection, plus epoll and eventfds and some slack */
    return (long)o->clients + o->idle + 16;
}

int wl_timeout_s(const ss_workload_opts *o) { return o->timeout_s > 0 ? o->timeout_s : 30; }

int wl_per_conn(const ss_workload_opts *o)
{
    if (o->connect != SS_CONNECT_CHURN)
        return o->messages;
    return o->churn_messages > 0 ? o->churn_messages : 1;
}

/* --- shared bookkeeping ---------------------------------------------------- */
void wl_fail(wl *sh, int id, const char *what, int e)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->first_error[0])
        snprintf(sh->first_error, sizeof sh->first_error, "client %d: %s%s%s", id, what, e ? ": " : "",
                 e ? strerror(e) : "");
    pthread_mutex_unlock(&sh->lock);
}

static void signal_fd(int fd)
{
    uint64_t one = 1;
    if (fd >= 0 && write(fd, &one, sizeof one) < 0)
        perror("sockscope: eventfd write");
}

void wl_arrive(wl *sh, long n)
{
    pthread_mutex_lock(&sh->lock);
    sh->barrier_in += n;
    if (sh->barrier && !sh->released && sh->barrier_in >= sh->barrier_need) {
        sh->released = 1;
        pthread_cond_broadcast(&sh->cond);
        signal_fd(sh->release_fd);
    }
    pthread_mutex_unlock(&sh->lock);
}

void wl_barrier_wait(wl *sh)
{
    pthread_mutex_lock(&sh->lock);
    while (sh->barrier && !sh->released)
        pthread_cond_wait(&sh->cond, &sh->lock);
    pthread_mutex_unlock(&sh->lock);
}

void wl_client_done(wl *sh)
{
    if (atomic_fetch_sub(&sh->active_left, 1) != 1)
        return;
    pthread_mutex_lock(&sh->lock);
    pthread_cond_broadcast(&sh->cond);
    pthread_mutex_unlock(&sh->lock);
    signal_fd(sh->done_fd);
}

/* hold_open: a finished client keeps its connection until all have finished */
static void wait_all_done(wl *sh)
{
    pthread_mutex_lock(&sh->lock);
    while (atomic_load(&sh->active_left) > 0)
        pthread_cond_wait(&sh->cond, &sh->lock);
    pthread_mutex_unlock(&sh->lock);
}

void wl_mark_first(wl *sh)
{
    uint64_t none = 0;
    atomic_compare_exchange_strong(&sh->t_first_ns, &none, ss_ticks());
}

void wl_request(wl *sh, ss_hist *h, int id, int m, int fd, int size, uint64_t t0, int ok)
{
    uint64_t t1 = ss_ticks();
    uint64_t rid = (uint64_t)id << 32 | (uint32_t)m;
    ss_note(SS_API_REQUEST, fd, (uint64_t)size, ok ? size : -1, rid, 0, ok ? 0 : SS_EV_FAILED, t0, t1);
    if (!ok) {
        atomic_fetch_add(&sh->failed, 1);
        return;
    }
    atomic_fetch_add(&sh->ok, 1);
    atomic_fetch_add(&sh->bytes, (uint64_t)size * 2);
    ss_hist_add(h, (uint64_t)((double)(t1 - t0) * sh->ns_per_tick));
    uint64_t last = atomic_load(&sh->t_last_ns);
    while (t1 > last && !atomic_compare_exchange_weak(&sh->t_last_ns, &last, t1)) {}
}

void wl_merge_hist(wl *sh, const ss_hist *h)
{
    pthread_mutex_lock(&sh->lock);
    ss_hist_merge(&sh->latency, h);
    pthread_mutex_unlock(&sh->lock);
}

/* --- one client on its own thread ---------------------------------------------- */
typedef struct tclient {
    wl *sh;
    int id;
    wl_kind kind;
    int fd;
    int err;            /* errno of the last failed call */
    unsigned char *out, *in;
    ss_hist hist;
    pthread_t thread;
} tclient;

static void sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms * 1e6) % 1000000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int send_all(tclient *c, const unsigned char *p, size_t n, size_t chunk, double pause_ms)
{
    while (n > 0) {
        size_t k = chunk && chunk < n ? chunk : n;
        ssize_t r = ss_send(c->fd, p, k, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            c->err = errno;
            return -1;
        }
        p += r;
        n -= (size_t)r;
        if (chunk && n > 0)
            sleep_ms(pause_ms); /* the slow client trickles */
    }
    return 0;
}

/* *got counts the reply bytes that did arrive (0 = none: maybe refused) */
static int recv_all(tclient *c, unsigned char *p, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        ssize_t r = ss_recv(c->fd, p + *got, n - *got, MSG_WAITALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            c->err = r == 0 ? 0 : errno;
            return r == 0 ? WL_EOF : -1;
        }
        *got += (size_t)r;
    }
    return 0;
}

static void fill(tclient *c, int m, int size)
{
    for (int i = 0; i < size; i++)
        c->out[i] = ss_pattern_byte(c->id, m, i, size);
}

void wl_note_endpoint(const wl *sh, int fd)
{
    if (!sh->o->endpoints)
        return;
    struct sockaddr_storage me;
    socklen_t len = sizeof me;
    ss_getsockname(fd, (struct sockaddr *)&me, &len); /* the probe records it; failing costs only the pairing */
}

static int tc_open(tclient *c)
{
    wl *sh = c->sh;
    const ss_workload_opts *o = sh->o;
    int fd = ss_socket(sh->addr.ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) {
        wl_fail(sh, c->id, "socket() failed", errno);
        atomic_fetch_add(&sh->connect_failures, 1);
        return -1;
    }
    int rcvbuf = o->rcvbuf;
    if (c->kind == WL_NONREADING)
        rcvbuf = o->special.nonreading_rcvbuf > 0 ? o->special.nonreading_rcvbuf : 4096;
    if (rcvbuf > 0)
        ss_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    /* SO_SNDTIMEO also bounds connect(): a server that never accepts cannot hang us */
    struct timeval tv = {wl_timeout_s(o), 0};
    ss_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ss_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (ss_connect(fd, (struct sockaddr *)&sh->addr.ss, sh->addr.len) != 0) {
        wl_fail(sh, c->id, "connect() failed", errno);
        atomic_fetch_add(&sh->connect_failures, 1);
        ss_close(fd);
        return -1;
    }
    atomic_fetch_add(&sh->connections, 1);
    wl_note_endpoint(sh, fd);
    c->fd = fd;
    return fd;
}

static void tc_close(tclient *c)
{
    if (c->fd >= 0)
        ss_close(c->fd);
    c->fd = -1;
}

/* Was a failure on the first message of a connection the server turning us
 * away (the textbook's select server closes a client it has no slot for)? */
static int refused(tclient *c, int first, int rc, size_t got)
{
    int gone = rc == WL_EOF || c->err == ECONNRESET || c->err == EPIPE;
    return c->sh->o->expect_refusals && first && got == 0 && rc != 0 && gone;
}

/* Reads and verifies the reply to message m. 0 = verified, 1 = refused,
 * -1 = failed (counted). */
static int tc_reply(tclient *c, int m, int size, uint64_t t0, int first, int send_rc)
{
    wl *sh = c->sh;
    size_t got = 0;
    int rc = send_rc;
    if (rc == 0)
        rc = recv_all(c, c->in, (size_t)size, &got);
    int last_halfclose = c->kind == WL_HALFCLOSE && m == sh->o->messages - 1;
    if (rc == 0 && last_halfclose) { /* the server must close once it has echoed everything */
        unsigned char extra;
        ssize_t r = ss_recv(c->fd, &extra, 1, 0);
        rc = r == 0 ? 0 : -1;
        c->err = r < 0 ? errno : 0;
    }
    if (refused(c, first, rc, got))
        return 1;
    fill(c, m, size);
    int bad = rc == 0 && memcmp(c->in, c->out, (size_t)size) != 0;
    wl_request(sh, &c->hist, c->id, m, c->fd, size, t0, rc == 0 && !bad);
    if (bad) {
        atomic_fetch_add(&sh->mismatches, 1);
        wl_fail(sh, c->id, "echoed bytes differ from the bytes sent", 0);
    } else if (rc == -1 && last_halfclose && c->err == 0) {
        wl_fail(sh, c->id, "after a half-close the server sent more bytes instead of closing", 0);
    } else if (rc != 0 && rc != WL_EOF && (c->err == EAGAIN || c->err == EWOULDBLOCK)) { /* SO_RCVTIMEO/SO_SNDTIMEO */
        char why[120];
        snprintf(why, sizeof why, "no complete echo within %d s (%zu of %d bytes back; --timeout)", wl_timeout_s(sh->o),
                 got, size);
        wl_fail(sh, c->id, why, 0);
    } else if (rc != 0) {
        wl_fail(sh, c->id, rc == WL_EOF ? "server closed the connection early" : "send/recv failed", c->err);
    }
    return rc == 0 && !bad ? 0 : -1;
}

static int tc_exchange(tclient *c, int m, int first)
{
    const ss_workload_opts *o = c->sh->o;
    int size = ss_msg_size(o, c->id, m);
    fill(c, m, size);
    wl_mark_first(c->sh);
    uint64_t t0 = ss_ticks();
    size_t chunk = 0;
    if (c->kind == WL_SLOW)
        chunk = o->special.slow_chunk > 0 ? (size_t)o->special.slow_chunk : 1;
    int rc = send_all(c, c->out, (size_t)size, chunk, o->special.slow_delay_ms);
    if (rc == 0 && c->kind == WL_HALFCLOSE && m == o->messages - 1 && ss_shutdown(c->fd, SHUT_WR) != 0) {
        c->err = errno;
        rc = -1;
    }
    return tc_reply(c, m, size, t0, first, rc);
}

/* The reset client: half a message, then an abortive close (RST). */
static void tc_reset(tclient *c, int m)
{
    int size = ss_msg_size(c->sh->o, c->id, m);
    fill(c, m, size);
    int half = size > 1 ? size / 2 : 1;
    send_all(c, c->out, (size_t)half, 0, 0);
    struct linger lg = {1, 0};
    ss_setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    tc_close(c);
    atomic_fetch_add(&c->sh->resets, 1);
}

/* Before the first message: wait for the client's turn to connect. Returns
 * -1 if the connection that connect = all opens up front failed. */
static int tc_start(tclient *c)
{
    wl *sh = c->sh;
    const ss_workload_opts *o = sh->o;
    if (o->connect == SS_CONNECT_STAGGER) {
        double due = (double)sh->t_begin_ns / 1e6 + o->stagger_ms * c->id;
        sleep_ms(due - (double)ss_mono_ns() / 1e6);
    }
    if (o->connect != SS_CONNECT_ALL)
        return 0;
    int fd = tc_open(c);
    wl_arrive(sh, 1);
    wl_barrier_wait(sh);
    return fd < 0 ? -1 : 0;
}

static int reset_at(const ss_workload_opts *o)
{
    int at = o->special.reset_after > 0 ? o->special.reset_after : o->messages / 2;
    return at < o->messages ? at : o->messages - 1;
}

/* Stops the client after message m: counts what it will not do. */
static void tc_stop(tclient *c, int m, int rc)
{
    wl *sh = c->sh;
    long left = sh->o->messages - m;
    if (rc == 1) {
        atomic_fetch_add(&sh->refused, 1);
        atomic_fetch_add(&sh->skipped, left);
    } else {
        atomic_fetch_add(&sh->failed, rc == -1 ? left - 1 : left); /* -1: message m is counted already */
    }
}

/* ordinary, slow, resetting and half-closing clients; from message m on */
static void run_client(tclient *c, int m)
{
    const ss_workload_opts *o = c->sh->o;
    int per_conn = wl_per_conn(o), in_conn = 0;
    for (; m < o->messages; m++) {
        if (c->fd < 0 && tc_open(c) < 0) {
            tc_stop(c, m, -2);
            return;
        }
        if (c->kind == WL_RESET && m == reset_at(o)) {
            tc_reset(c, m);
            atomic_fetch_add(&c->sh->skipped, o->messages - m);
            return;
        }
        int rc = tc_exchange(c, m, in_conn == 0);
        if (rc != 0) {
            tc_stop(c, m, rc);
            return;
        }
        if (++in_conn == per_conn) {
            tc_close(c);
            in_conn = 0;
        }
        if (m + 1 < o->messages)
            sleep_ms(o->think_ms);
    }
}

/* The non-reading client: sends message after message without reading
 * until its socket would block, stops reading for hold_ms (the server's
 * sends fill the buffers and block or would-block), then reads and verifies
 * every reply and carries on as an ordinary client. */
static void run_nonreading(tclient *c)
{
    wl *sh = c->sh;
    const ss_workload_opts *o = sh->o;
    uint64_t *t0 = calloc((size_t)o->messages, sizeof *t0);
    if (!t0) {
        wl_fail(sh, c->id, "out of memory", 0);
        tc_stop(c, 0, -2);
        return;
    }
    int m = 0, size = 0;
    size_t off = 0;
    wl_mark_first(sh);
    for (; m < o->messages; m++, off = 0) {
        size = ss_msg_size(o, c->id, m);
        fill(c, m, size);
        t0[m] = ss_ticks();
        ssize_t r;
        while (off < (size_t)size && (r = ss_send(c->fd, c->out + off, (size_t)size - off, MSG_DONTWAIT)) > 0)
            off += (size_t)r;
        if (off < (size_t)size)
            break; /* the socket is full (or failed: the replies below will tell) */
    }
    sleep_ms(o->special.hold_ms);
    for (int k = 0; k < m; k++) {
        int rc = tc_reply(c, k, ss_msg_size(o, c->id, k), t0[k], k == 0, 0);
        if (rc != 0) {
            free(t0);
            tc_stop(c, k, rc);
            return;
        }
    }
    if (m < o->messages) { /* the message cut short by the full socket */
        fill(c, m, size);
        int rc = send_all(c, c->out + off, (size_t)size - off, 0, 0);
        rc = tc_reply(c, m, size, t0[m], m == 0, rc);
        if (rc != 0) {
            free(t0);
            tc_stop(c, m, rc);
            return;
        }
        m++;
    }
    free(t0);
    run_client(c, m);
}

static void *client_main(void *arg)
{
    tclient *c = arg;
    wl *sh = c->sh;
    static const char *const names[] = {"client", "slow client", "non-reading client", "reset client",
                                        "half-close client"};
    char name[48];
    snprintf(name, sizeof name, "%s %d", names[c->kind], c->id);
    ss_thread_begin(SS_ROLE_CLIENT, name);
    ss_hist_init(&c->hist);
    size_t max = (size_t)ss_msg_size_max(sh->o);
    c->out = malloc(max);
    c->in = malloc(max);
    c->fd = -1;
    if (!c->out || !c->in) {
        wl_fail(sh, c->id, "out of memory", 0);
        if (sh->o->connect == SS_CONNECT_ALL)
            wl_arrive(sh, 1);
        tc_stop(c, 0, -2);
    } else if (tc_start(c) != 0) {
        tc_stop(c, 0, -2);
    } else if (c->kind == WL_NONREADING) {
        if (c->fd >= 0 || tc_open(c) >= 0)
            run_nonreading(c);
        else
            tc_stop(c, 0, -2);
    } else {
        run_client(c, 0);
    }
    wl_client_done(sh);
    if (sh->o->hold_open && c->fd >= 0)
        wait_all_done(sh);
    tc_close(c);
    free(c->out);
    free(c->in);
    wl_merge_hist(sh, &c->hist);
    ss_thread_end();
    return NULL;
}

/* --- the run ----------------------------------------------------------------- */
static int wl_init(wl *sh, const ss_workload_opts *o, char *err, size_t n)
{
    sh->o = o;
    sh->release_fd = sh->done_fd = -1;
    pthread_mutex_init(&sh->lock, NULL);
    pthread_cond_init(&sh->cond, NULL);
    ss_hist_init(&sh->latency);
    ss_clock_init();
    sh->ns_per_tick = ss_clock_ns_per_tick();
    sh->t_begin_ns = ss_mono_ns();
    sh->barrier = o->connect == SS_CONNECT_ALL;
    sh->barrier_need = (long)o->clients + o->idle;
    atomic_store(&sh->active_left, o->clients);
    if (ss_addr_parse(o->host, o->port, &sh->addr, err, n) != 0)
        return -1;
#ifdef __linux__ /* only the event-driven clients (epoll, Linux) watch these */
    sh->release_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    sh->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (sh->release_fd < 0 || sh->done_fd < 0) {
        snprintf(err, n, "eventfd() failed: %s", strerror(errno));
        return -1;
    }
#endif
    return 0;
}

static void wl_destroy(wl *sh)
{
    if (sh->release_fd >= 0)
        close(sh->release_fd);
    if (sh->done_fd >= 0)
        close(sh->done_fd);
    pthread_cond_destroy(&sh->cond);
    pthread_mutex_destroy(&sh->lock);
    free(sh);
}

void wl_give_up(wl *sh, int id, long clients, long idle, const char *why)
{
    wl_fail(sh, id, why, 0);
    atomic_fetch_add(&sh->failed, clients * sh->o->messages + idle);
    wl_arrive(sh, clients + idle);
    for (long i = 0; i < clients; i++)
        wl_client_done(sh);
}

static int start_threads(wl *sh, tclient *cs, int n)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    int started = 0;
    for (int i = 0; i < n; i++) {
        cs[i].sh = sh;
        cs[i].id = i;
        cs[i].kind = wl_kind_of(sh->o, i);
        if (pthread_create(&cs[i].thread, &attr, client_main, &cs[i]) != 0) {
            wl_give_up(sh, i, n - i, 0, "cannot start client thread (raise the thread limit or use fewer clients)");
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    return started;
}

static void collect(wl *sh, ss_workload_result *res)
{
    res->requests_ok = atomic_load(&sh->ok);
    res->requests_failed = atomic_load(&sh->failed);
    res->mismatches = atomic_load(&sh->mismatches);
    res->connect_failures = atomic_load(&sh->connect_failures);
    res->expected_resets = atomic_load(&sh->resets);
    res->refused = atomic_load(&sh->refused);
    res->skipped = atomic_load(&sh->skipped);
    res->connections = atomic_load(&sh->connections);
    res->bytes = atomic_load(&sh->bytes);
    uint64_t t0 = atomic_load(&sh->t_first_ns), t1 = atomic_load(&sh->t_last_ns);
    res->seconds = t1 > t0 && t0 ? (double)(t1 - t0) * sh->ns_per_tick / 1e9 : 0;
    res->latency = sh->latency;
    memcpy(res->first_error, sh->first_error, sizeof res->first_error);
}

int ss_workload_run(const ss_workload_opts *o, ss_workload_result *res, ss_progress_fn progress, void *ud)
{
    memset(res, 0, sizeof *res);
    ss_hist_init(&res->latency);
    wl *sh = calloc(1, sizeof *sh);
    if (!sh) {
        snprintf(res->first_error, sizeof res->first_error, "out of memory");
        return -1;
    }
    if (wl_init(sh, o, res->first_error, sizeof res->first_error) != 0) {
        wl_destroy(sh);
        return -1;
    }
    int events = ss_workload_uses_events(o);
    int nthreads = events ? wl_specials(o) : o->clients; /* threaded clients take ids [0, nthreads) */
    tclient *cs = calloc((size_t)(nthreads > 0 ? nthreads : 1), sizeof *cs);
    if (!cs) {
        snprintf(res->first_error, sizeof res->first_error, "out of memory for %d clients", o->clients);
        wl_destroy(sh);
        return -1;
    }
    int started = start_threads(sh, cs, nthreads);
    wl_evgroup *g = NULL;
    if (nthreads < o->clients || o->idle > 0) {
        char err[160];
        g = wl_ev_start(sh, nthreads, o->event_threads > 0 ? o->event_threads : 2, err, sizeof err);
        if (!g)
            wl_give_up(sh, nthreads, o->clients - nthreads, o->idle, err);
    }
    long total = (long)o->clients * o->messages;
    /* Joining in order doubles as the progress loop: report while waiting. */
    int joined = 0;
    for (;;) {
        while (joined < started && pthread_tryjoin_np(cs[joined].thread, NULL) == 0)
            joined++;
        if (joined == started && !(g && wl_ev_busy(g)))
            break;
        if (progress)
            progress(ud, atomic_load(&sh->ok) + atomic_load(&sh->failed) + atomic_load(&sh->skipped), total);
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    if (g)
        wl_ev_join(g);
    if (progress)
        progress(ud, atomic_load(&sh->ok) + atomic_load(&sh->failed) + atomic_load(&sh->skipped), total);
    collect(sh, res);
    free(cs);
    wl_destroy(sh);
    return res->requests_failed == 0 ? 0 : -1;
}
