/* nonblocking — the textbook's NonblockTCPServer (table 11-2), serving many
 * clients: every socket is switched to non-blocking mode (ioctl FIONBIO, the
 * textbook's ioctlsocket), and one thread visits them round-robin, forever:
 * try accept, then for each client try recv (or send, if its buffer still
 * holds unsent bytes). A call that cannot proceed returns EWOULDBLOCK and the
 * loop simply moves on and comes back.
 *
 * No select/poll and no sleep: that is the point. The thread never blocks,
 * so it burns a whole CPU even when no client sends anything — the cost
 * table 11-2 warns about, visible in the trace as CPU time close to wall time
 * and as a flood of would-block returns. */
#include <errno.h>
#include <stdio.h>

#include "models/model.h"
#include "sim/probe/probe.h"

/* One try at accept: EWOULDBLOCK when nobody is waiting. */
static void try_accept(ss_server *s, ss_sockset *set)
{
    int fd = ss_accept_conn(s);
    if (fd < 0)
        return;
    if (ss_set_nonblocking(fd, 1) != 0 || !ss_sockset_add(set, fd)) {
        fprintf(stderr, "nonblocking: cannot take a new client (out of memory or ioctl failed); closing it\n");
        ss_conn_closed(s, fd);
    }
}

static int nonblocking_serve(ss_server *s);

const ss_model ss_model_nonblocking = {
    .name = "nonblocking",
    .family = SS_FAMILY_SYNC,
    .mechanism = "O_NONBLOCK sockets (ioctl FIONBIO) polled round-robin by one thread spinning on EWOULDBLOCK; no "
                 "select/poll, no sleep",
    .summary = "NonblockTCPServer: never blocks, many clients on one thread, but burns a CPU spinning",
    .serve = nonblocking_serve,
};

static int nonblocking_serve(ss_server *s)
{
    ss_sockset set = {0};
    if (ss_set_nonblocking(s->listen_fd, 1) != 0) {
        perror("nonblocking: ioctl(FIONBIO) on the listening socket");
        return -1;
    }
    while (!ss_stop_requested(s)) { /* one pass: every socket gets one try */
        if (ss_accept_open(s)) /* out of descriptors: no accept until one frees (it still spins: by design) */
            try_accept(s, &set);
        for (int i = set.n - 1; i >= 0; i--) {
            ss_sockinfo *si = set.v[i];
            int rc = ss_si_pending(si) ? ss_si_send(si) : ss_si_recv(s, si);
            if (rc < 0)
                ss_sockset_drop(s, &set, i);
        }
    }
    ss_sockset_clear(s, &set);
    return 0;
}
