/* epoll — the Linux chapter's EPollTCPServer: one thread, non-blocking
 * sockets registered once with an epoll instance; epoll_wait returns only the
 * ready ones, so the cost no longer grows with the number of idle sockets.
 * Level-triggered by default: read when readable; echo at once; only if the
 * send is partial does the socket switch its interest to EPOLLOUT until the
 * bytes are out (never waiting to read and write at once).
 * --edge-triggered registers EPOLLIN|EPOLLOUT|EPOLLET once and drives each
 * socket until EWOULDBLOCK, as edge-triggered code must. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe/probe.h"

#define MAX_EVENTS 256

typedef struct conn {
    int fd;
    int recvbytes, sendbytes;
    int want_out; /* level-triggered: interest is EPOLLOUT */
    struct conn *prev, *next; /* every live conn, to close them at stop */
    char buf[SS_BUFSIZE];
} conn;

static char listen_tag, stop_tag; /* epoll data for the two special fds */

typedef struct epoll_server {
    ss_server *srv;
    int epfd, et;
    int listener_off;  /* out of descriptors: the listener is out of the interest list for a while */
    conn *live;
} epoll_server;

static int would_block(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

static void set_interest(epoll_server *ep, conn *c, int out)
{
    if (ep->et || c->want_out == out)
        return;
    struct epoll_event ev = {.events = out ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    ss_epoll_ctl(ep->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = out;
}

static void drop(epoll_server *ep, conn *c)
{
    SS_LIVE_REMOVE(ep->live, c);
    ss_conn_closed(ep->srv, c->fd); /* close removes it from the epoll set */
    free(c);
}

/* Send what is pending. 1 = all sent, 0 = would block, -1 = error. */
static int flush(conn *c)
{
    while (c->sendbytes < c->recvbytes) {
        ssize_t r = ss_send(c->fd, c->buf + c->sendbytes, (size_t)(c->recvbytes - c->sendbytes), 0);
        if (r < 0)
            return would_block() ? 0 : -1;
        c->sendbytes += (int)r;
    }
    c->recvbytes = c->sendbytes = 0;
    return 1;
}

/* Drive one connection as far as it goes. Returns -1 to drop it. */
static int service(epoll_server *ep, conn *c)
{
    for (;;) {
        if (c->recvbytes > c->sendbytes) {
            int f = flush(c);
            if (f < 0)
                return -1;
            if (f == 0) {
                set_interest(ep, c, 1);
                return 0;
            }
            set_interest(ep, c, 0);
            if (!ep->et)
                return 0; /* level-triggered: epoll reports more input when there is some */
        }
        ssize_t r = ss_recv(c->fd, c->buf, sizeof c->buf, 0);
        if (r < 0)
            return would_block() ? 0 : -1;
        if (r == 0)
            return -1;
        ss_cpu_work(c->fd, ep->srv->opts.cpu_work_us);
        c->recvbytes = (int)r;
        c->sendbytes = 0;
    }
}

/* The listener in or out of the interest list (the accept gate, model.h). */
static void listen_interest(epoll_server *ep, int on)
{
    struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = &listen_tag};
    if (ss_epoll_ctl(ep->epfd, EPOLL_CTL_MOD, ep->srv->listen_fd, &ev) == 0)
        ep->listener_off = !on;
}

static void accept_all(epoll_server *ep)
{
    for (;;) {
        int fd = ss_accept_conn(ep->srv);
        if (fd < 0) {
            if (!ss_accept_open(ep->srv)) /* out of descriptors: stop watching until one frees */
                listen_interest(ep, 0);
            return; /* EWOULDBLOCK: the backlog is empty */
        }
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            ss_conn_closed(ep->srv, fd);
            continue;
        }
        c->fd = fd;
        SS_LIVE_PUSH(ep->live, c);
        ss_set_nonblocking(fd, 1);
        struct epoll_event ev = {.events = ep->et ? EPOLLIN | EPOLLOUT | EPOLLET : EPOLLIN, .data.ptr = c};
        if (ss_epoll_ctl(ep->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
            drop(ep, c);
    }
}

static int epoll_serve(ss_server *s);

const ss_model ss_model_epoll = {
    .name = "epoll",
    .family = SS_FAMILY_SYNC,
    .mechanism = "epoll(7), level-triggered (--edge-triggered for EPOLLET)",
    .summary = "EPollTCPServer: readiness for only the ready sockets; scales to many idle connections",
    .serve = epoll_serve,
};

static int epoll_serve(ss_server *s)
{
    epoll_server ep = {.srv = s, .et = s->opts.edge_triggered};
    ep.epfd = ss_epoll_create();
    if (ep.epfd < 0) {
        fprintf(stderr, "epoll: epoll_create1() failed: %s\n", strerror(errno));
        return -1;
    }
    ss_set_nonblocking(s->listen_fd, 1);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &listen_tag};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &stop_tag};
    ss_epoll_ctl(ep.epfd, EPOLL_CTL_ADD, s->listen_fd, &lev);
    ss_epoll_ctl(ep.epfd, EPOLL_CTL_ADD, s->stop_fd, &sev);
    struct epoll_event evs[MAX_EVENTS];
    int stop = 0;
    while (!stop && !ss_stop_requested(s)) {
        if (ep.listener_off && ss_accept_open(s))
            listen_interest(&ep, 1);
        int n = ss_epoll_wait(ep.epfd, evs, MAX_EVENTS, ep.listener_off ? ss_accept_wait_ms(s, -1) : -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "epoll: epoll_wait() failed: %s\n", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            void *tag = evs[i].data.ptr;
            if (tag == &stop_tag) {
                stop = 1;
            } else if (tag == &listen_tag) {
                accept_all(&ep);
            } else if (service(&ep, tag) != 0) {
                drop(&ep, tag);
            }
        }
    }
    while (ep.live)
        drop(&ep, ep.live);
    ss_close(ep.epfd);
    return 0;
}
