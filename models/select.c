/* select — the textbook's SelectTCPServer: one thread, non-blocking sockets,
 * a read set and a write set rebuilt before every select(). A socket with
 * unsent bytes waits for writability, otherwise for readability (table 11-6),
 * so the server never waits to read and write the same socket at once.
 * --fd-setsize N reproduces Winsock's FD_SETSIZE (64 in the textbook): the
 * listening socket takes one slot, and a client that would need slot N+1 is
 * refused the way the textbook's AddSocketInfo() refuses it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"

typedef struct select_server {
    ss_server *srv;
    ss_sockset set;
    int limit;
} select_server;

static void refuse(select_server *sel, int fd)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_REFUSED, fd, (uint64_t)sel->limit, -1, 0, SS_API_SELECT, 0, t, t);
    ss_conn_closed(sel->srv, fd);
}

static void accept_one(select_server *sel)
{
    int fd = ss_accept_conn(sel->srv);
    if (fd < 0)
        return;
    /* slot count includes the listening socket, as Winsock's fd_set does */
    if (sel->set.n + 1 >= sel->limit || fd >= FD_SETSIZE) {
        refuse(sel, fd);
        return;
    }
    if (!ss_sockset_add(&sel->set, fd)) {
        ss_conn_closed(sel->srv, fd);
        return;
    }
    ss_set_nonblocking(fd, 1);
}

/* Table 11-6: a socket with unsent bytes waits to write, otherwise to read.
 * Recorded as fd_sets (table 11-7's FD_ZERO and FD_SET, in user space). */
static int build_sets(select_server *sel, fd_set *rset, fd_set *wset)
{
    ss_server *s = sel->srv;
    uint64_t t0 = ss_ticks();
    FD_ZERO(rset);
    FD_ZERO(wset);
    if (ss_accept_open(s)) /* out of descriptors, the listener is left out for a while */
        FD_SET(s->listen_fd, rset);
    FD_SET(s->stop_fd, rset);
    int maxfd = s->listen_fd > s->stop_fd ? s->listen_fd : s->stop_fd;
    for (int i = 0; i < sel->set.n; i++) {
        ss_sockinfo *si = sel->set.v[i];
        FD_SET(si->fd, ss_si_pending(si) ? wset : rset);
        if (si->fd > maxfd)
            maxfd = si->fd;
    }
    ss_note(SS_API_FD_SETS, -1, (uint64_t)sel->set.n + 2, 0, 0, 0, 0, t0, ss_ticks());
    return maxfd;
}

static int select_serve(ss_server *s);

const ss_model ss_model_select = {
    .name = "select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "select(2) over non-blocking sockets; a set holds at most the run's fd_setsize sockets (by default "
                 "Linux's FD_SETSIZE, 1024; --fd-setsize 64 plays Winsock's)",
    .summary = "SelectTCPServer: one thread multiplexes many sockets, but rebuilds its sets every call",
    .serve = select_serve,
};

static int select_serve(ss_server *s)
{
    select_server sel = {.srv = s, .limit = s->opts.fd_setsize > 0 ? s->opts.fd_setsize : FD_SETSIZE};
    if (sel.limit > FD_SETSIZE)
        sel.limit = FD_SETSIZE;
    ss_set_nonblocking(s->listen_fd, 1);
    while (!ss_stop_requested(s)) {
        fd_set rset, wset;
        int maxfd = build_sets(&sel, &rset, &wset);
        int wait_ms = ss_accept_wait_ms(s, -1); /* a timeout only while accepting is paused */
        struct timeval tv = {wait_ms / 1000, (wait_ms % 1000) * 1000};
        int ready = ss_select(maxfd + 1, &rset, &wset, NULL, wait_ms < 0 ? NULL : &tv);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "select: select() failed: %s\n", strerror(errno));
            break;
        }
        if (FD_ISSET(s->stop_fd, &rset) || ss_stop_requested(s))
            break;
        if (FD_ISSET(s->listen_fd, &rset))
            accept_one(&sel);
        for (int i = sel.set.n - 1; i >= 0; i--) {
            ss_sockinfo *si = sel.set.v[i];
            int rc = 0;
            if (FD_ISSET(si->fd, &rset))
                rc = ss_si_recv(s, si);
            else if (FD_ISSET(si->fd, &wset))
                rc = ss_si_send(si);
            if (rc < 0)
                ss_sockset_drop(s, &sel.set, i);
        }
    }
    ss_sockset_clear(s, &sel.set);
    return 0;
}
