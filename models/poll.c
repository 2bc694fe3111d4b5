/* poll — the Linux chapter's PollTCPServer (WSAPoll on Windows): select's
 * loop with an array of struct pollfd instead of fd_sets, so there is no
 * FD_SETSIZE limit, but the whole array still goes to the kernel and is
 * scanned on every call. Interest is chosen as select's sets are (table
 * 11-6): POLLOUT for a socket with unsent bytes, POLLIN otherwise, so the
 * server never waits to read and write the same socket at once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/probe/probe.h"

#define FIRST_CLIENT 2 /* pollfd slots 0 and 1: the stop signal and the listening socket */

typedef struct poll_server {
    ss_server *srv;
    ss_sockset set;
    struct pollfd *pfd; /* FIRST_CLIENT + set.n entries, rebuilt before each poll */
    int cap;
} poll_server;

static int build_pollfds(poll_server *ps)
{
    int n = FIRST_CLIENT + ps->set.n;
    if (n > ps->cap) {
        struct pollfd *p = realloc(ps->pfd, (size_t)n * 2 * sizeof *p);
        if (!p)
            return -1;
        ps->pfd = p;
        ps->cap = n * 2;
    }
    ps->pfd[0] = (struct pollfd){.fd = ps->srv->stop_fd, .events = POLLIN};
    /* out of descriptors, the listener is left out for a while (poll skips a negative fd) */
    ps->pfd[1] = (struct pollfd){.fd = ss_accept_open(ps->srv) ? ps->srv->listen_fd : -1, .events = POLLIN};
    for (int i = 0; i < ps->set.n; i++) {
        ss_sockinfo *si = ps->set.v[i];
        ps->pfd[FIRST_CLIENT + i] = (struct pollfd){.fd = si->fd, .events = ss_si_pending(si) ? POLLOUT : POLLIN};
    }
    return n;
}

static void accept_one(poll_server *ps)
{
    int fd = ss_accept_conn(ps->srv);
    if (fd < 0)
        return; /* the client went away before accept, or out of fds */
    if (!ss_sockset_add(&ps->set, fd)) {
        ss_conn_closed(ps->srv, fd);
        return;
    }
    ss_set_nonblocking(fd, 1);
}

/* Serve the sockets that were in this poll (pfd[FIRST_CLIENT + i] is
 * set.v[i]). A socket removed swaps the last one into its slot, so walk
 * backwards: the one moved has been served already. */
static void serve_ready(poll_server *ps)
{
    for (int i = ps->set.n - 1; i >= 0; i--) {
        short re = ps->pfd[FIRST_CLIENT + i].revents;
        if (!re)
            continue;
        ss_sockinfo *si = ps->set.v[i];
        /* POLLHUP/POLLERR: the next call on the socket reports what happened */
        int rc = ss_si_pending(si) ? ss_si_send(si) : ss_si_recv(ps->srv, si);
        if (rc < 0)
            ss_sockset_drop(ps->srv, &ps->set, i);
    }
}

static int poll_serve(ss_server *s);

const ss_model ss_model_poll = {
    .name = "poll",
    .family = SS_FAMILY_SYNC,
    .mechanism = "poll(2) over non-blocking sockets, POLLIN or POLLOUT per socket as select's sets",
    .summary = "PollTCPServer: select without the FD_SETSIZE limit, still one scan of every socket per call",
    .serve = poll_serve,
};

static int poll_serve(ss_server *s)
{
    poll_server ps = {.srv = s};
    ss_set_nonblocking(s->listen_fd, 1);
    int rc = 0;
    while (!ss_stop_requested(s)) {
        int n = build_pollfds(&ps);
        if (n < 0) {
            fprintf(stderr, "poll: out of memory for %d pollfd entries\n", FIRST_CLIENT + ps.set.n);
            rc = -1;
            break;
        }
        if (ss_poll(ps.pfd, (nfds_t)n, ss_accept_wait_ms(s, -1)) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "poll: poll() failed: %s\n", strerror(errno));
            rc = -1;
            break;
        }
        if (ps.pfd[0].revents || ss_stop_requested(s))
            break;
        serve_ready(&ps);
        if (ps.pfd[1].revents)
            accept_one(&ps);
    }
    ss_sockset_clear(s, &ps.set);
    free(ps.pfd);
    return rc;
}
