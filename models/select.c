/* select — the textbook's SelectTCPServer: one thread, non-blocking sockets,
 * a read set and a write set rebuilt before every select(). A socket with
 * unsent bytes waits for writability, otherwise for readability (table 11-6),
 * so the server never waits to read and write the same socket at once.
 * --fd-setsize N reproduces Winsock's FD_SETSIZE (64 in the textbook): the
 * listening socket takes one slot, and a client that would need slot N+1 is
 * refused the way the textbook's AddSocketInfo() refuses it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/clock.h"
#include "sim/probe.h"

typedef struct sockinfo {
    int fd;
    int recvbytes, sendbytes;
    char buf[SS_BUFSIZE];
} sockinfo;

typedef struct sel {
    ss_server *srv;
    sockinfo **socks;
    int n, limit;
} sel;

static void remove_sock(sel *S, int i)
{
    ss_conn_closed(S->srv, S->socks[i]->fd);
    free(S->socks[i]);
    S->socks[i] = S->socks[--S->n];
}

static void accept_one(sel *S)
{
    int fd = ss_accept_conn(S->srv);
    if (fd < 0)
        return;
    /* slot count includes the listening socket, as Winsock's fd_set does */
    if (S->n + 1 >= S->limit || fd >= FD_SETSIZE) {
        uint64_t t = ss_ticks();
        ss_note(SS_API_REFUSED, fd, (uint64_t)S->limit, -1, 0, SS_API_SELECT, 0, t, t);
        ss_conn_closed(S->srv, fd);
        return;
    }
    sockinfo *si = calloc(1, sizeof *si);
    if (!si) {
        ss_conn_closed(S->srv, fd);
        return;
    }
    si->fd = fd;
    ss_set_nonblocking(fd, 1);
    S->socks[S->n++] = si;
}

/* returns 0 to keep the socket, -1 to remove it */
static int on_readable(sel *S, sockinfo *si)
{
    ssize_t r = ss_recv(si->fd, si->buf, sizeof si->buf, 0);
    if (r < 0 && (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR))
        return 0;
    if (r <= 0)
        return -1;
    ss_cpu_work(si->fd, S->srv->opts.cpu_work_us);
    si->recvbytes = (int)r;
    si->sendbytes = 0;
    return 0;
}

static int on_writable(sockinfo *si)
{
    ssize_t r = ss_send(si->fd, si->buf + si->sendbytes, (size_t)(si->recvbytes - si->sendbytes), 0);
    if (r < 0 && (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR))
        return 0;
    if (r < 0)
        return -1;
    si->sendbytes += (int)r;
    if (si->sendbytes == si->recvbytes)
        si->recvbytes = si->sendbytes = 0;
    return 0;
}

static int select_serve(ss_server *s)
{
    sel S = {.srv = s, .limit = s->opts.fd_setsize > 0 ? s->opts.fd_setsize : FD_SETSIZE};
    if (S.limit > FD_SETSIZE)
        S.limit = FD_SETSIZE;
    S.socks = calloc((size_t)S.limit, sizeof *S.socks);
    if (!S.socks)
        return -1;
    ss_set_nonblocking(s->listen_fd, 1);
    while (!ss_stop_requested(s)) {
        fd_set rset, wset;
        FD_ZERO(&rset);
        FD_ZERO(&wset);
        FD_SET(s->listen_fd, &rset);
        FD_SET(s->stop_fd, &rset);
        int maxfd = s->listen_fd > s->stop_fd ? s->listen_fd : s->stop_fd;
        for (int i = 0; i < S.n; i++) {
            FD_SET(S.socks[i]->fd, S.socks[i]->recvbytes > S.socks[i]->sendbytes ? &wset : &rset);
            if (S.socks[i]->fd > maxfd)
                maxfd = S.socks[i]->fd;
        }
        int ready = ss_select(maxfd + 1, &rset, &wset, NULL, NULL);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "select: select() failed: %s\n", strerror(errno));
            break;
        }
        if (FD_ISSET(s->stop_fd, &rset) || ss_stop_requested(s))
            break;
        if (FD_ISSET(s->listen_fd, &rset))
            accept_one(&S);
        for (int i = S.n - 1; i >= 0; i--) {
            sockinfo *si = S.socks[i];
            int rc = 0;
            if (FD_ISSET(si->fd, &rset))
                rc = on_readable(&S, si);
            else if (FD_ISSET(si->fd, &wset))
                rc = on_writable(si);
            if (rc != 0)
                remove_sock(&S, i);
        }
    }
    while (S.n > 0)
        remove_sock(&S, S.n - 1);
    free(S.socks);
    return 0;
}

const ss_model ss_model_select = {
    .name = "select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "select(2) over non-blocking sockets (FD_SETSIZE 1024; --fd-setsize 64 for Winsock's)",
    .summary = "SelectTCPServer: one thread multiplexes many sockets, but rebuilds its sets every call",
    .serve = select_serve,
};
