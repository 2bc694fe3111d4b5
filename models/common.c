#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "models/model.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

int ss_stop_requested(const ss_server *s) { return atomic_load(&s->stopping); }

void ss_conn_opened(ss_server *s, int fd)
{
    (void)fd; /* buffer sizes were inherited from the listening socket */
    atomic_fetch_add(&s->conns_open, 1);
    atomic_fetch_add(&s->conns_total, 1);
}

void ss_conn_closed(ss_server *s, int fd)
{
    atomic_fetch_sub(&s->conns_open, 1);
    ss_close(fd);
    atomic_fetch_add(&s->conns_closed, 1); /* after the close: a descriptor is free */
}

void ss_refusing(ss_server *s, const char *why)
{
    if (atomic_exchange(&s->gate.said, 1))
        return;
    fprintf(stderr, "sockscope: the server refuses new work: %s\n", why);
    ss_run_note("refusing", why);
}

static void gate_close(ss_server *s)
{
    atomic_store(&s->gate.closed_conns, atomic_load(&s->conns_closed));
    atomic_store(&s->gate.closed_at_ns, ss_mono_ns());
    atomic_store(&s->gate.closed, 1);
    ss_refusing(s, "out of file descriptors (EMFILE): it stops accepting until a connection closes, "
                   "retrying every 250 ms");
}

void ss_accept_failed(ss_server *s, int err)
{
    if (err == EMFILE || err == ENFILE)
        gate_close(s);
}

int ss_accept_conn(ss_server *s)
{
    int fd = ss_accept(s->listen_fd, NULL, NULL);
    if (fd >= 0) {
        ss_conn_opened(s, fd);
    } else {
        int e = errno;
        ss_accept_failed(s, e);
        errno = e;
    }
    return fd;
}

int ss_accept_open(ss_server *s)
{
    if (!atomic_load(&s->gate.closed))
        return 1;
    if (atomic_load(&s->conns_closed) != atomic_load(&s->gate.closed_conns) ||
        ss_mono_ns() - atomic_load(&s->gate.closed_at_ns) >= SS_ACCEPT_RETRY_MS * 1000000ull) {
        atomic_store(&s->gate.closed, 0);
        return 1;
    }
    return 0;
}

int ss_accept_wait_ms(ss_server *s, int timeout_ms)
{
    if (!atomic_load(&s->gate.closed))
        return timeout_ms;
    uint64_t waited = (ss_mono_ns() - atomic_load(&s->gate.closed_at_ns)) / 1000000;
    int left = waited >= SS_ACCEPT_RETRY_MS ? 0 : SS_ACCEPT_RETRY_MS - (int)waited;
    return timeout_ms >= 0 && timeout_ms < left ? timeout_ms : left + 1;
}

int ss_accept_next(ss_server *s)
{
    while (!ss_stop_requested(s)) {
        if (!ss_accept_open(s)) { /* out of descriptors: wait for one, without calling accept */
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
            continue;
        }
        int fd = ss_accept_conn(s);
        if (fd >= 0)
            return fd;
    }
    return -1;
}

int ss_echo_step(ss_server *s, int fd, ss_echo *e, int api, int res)
{
    if (res <= 0)
        return 0;
    if (api == SS_API_RECV) {
        ss_cpu_work(fd, s->opts.cpu_work_us);
        e->recvbytes = res;
        e->sendbytes = 0;
    } else {
        e->sendbytes += res;
    }
    if (e->sendbytes < e->recvbytes)
        return SS_API_SEND;
    e->recvbytes = e->sendbytes = 0;
    return SS_API_RECV;
}

void ss_echo_span(ss_echo *e, int api, char **buf, unsigned *len)
{
    if (api == SS_API_RECV) {
        *buf = e->buf;
        *len = sizeof e->buf;
    } else {
        *buf = e->buf + e->sendbytes;
        *len = (unsigned)(e->recvbytes - e->sendbytes);
    }
}

int ss_would_block(void) { return errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR; }

void ss_echo_blocking(ss_server *s, int fd)
{
    char buf[SS_BUFSIZE];
    for (;;) {
        ssize_t recvbytes = ss_recv(fd, buf, sizeof buf, 0);
        if (recvbytes < 0 && errno == EINTR)
            continue;
        if (recvbytes <= 0)
            return; /* peer closed, reset, or we are stopping */
        ss_cpu_work(fd, s->opts.cpu_work_us);
        ssize_t sendbytes = 0;
        while (sendbytes < recvbytes) {
            ssize_t r = ss_send(fd, buf + sendbytes, (size_t)(recvbytes - sendbytes), 0);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return;
            sendbytes += r;
        }
    }
}

int ss_si_recv(ss_server *s, ss_sockinfo *si)
{
    ssize_t r = ss_recv(si->fd, si->buf, sizeof si->buf, 0);
    if (r < 0)
        return ss_would_block() ? 0 : -1;
    if (r == 0)
        return -1;
    ss_cpu_work(si->fd, s->opts.cpu_work_us);
    si->recvbytes = (int)r;
    si->sendbytes = 0;
    return 1;
}

int ss_si_send(ss_sockinfo *si)
{
    ssize_t r = ss_send(si->fd, si->buf + si->sendbytes, (size_t)(si->recvbytes - si->sendbytes), 0);
    if (r < 0)
        return ss_would_block() ? 0 : -1;
    si->sendbytes += (int)r;
    if (si->sendbytes < si->recvbytes)
        return 0;
    si->recvbytes = si->sendbytes = 0;
    return 1;
}

ss_sockinfo *ss_sockset_add(ss_sockset *set, int fd)
{
    if (set->n == set->cap) {
        int cap = set->cap ? set->cap * 2 : 64;
        ss_sockinfo **v = realloc(set->v, (size_t)cap * sizeof *v);
        if (!v)
            return NULL;
        set->v = v;
        set->cap = cap;
    }
    ss_sockinfo *si = calloc(1, sizeof *si);
    if (!si)
        return NULL;
    si->fd = fd;
    set->v[set->n++] = si;
    return si;
}

void ss_sockset_drop(ss_server *s, ss_sockset *set, int i)
{
    ss_conn_closed(s, set->v[i]->fd);
    free(set->v[i]);
    set->v[i] = set->v[--set->n];
}

void ss_sockset_clear(ss_server *s, ss_sockset *set)
{
    while (set->n > 0)
        ss_sockset_drop(s, set, set->n - 1);
    free(set->v);
    set->v = NULL;
    set->cap = 0;
}
