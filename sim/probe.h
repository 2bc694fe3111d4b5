/* probe.h — every socket call a model or client makes goes through one of
 * these. Each records thread, API, socket, bytes asked/returned, result or
 * error, enter and exit time, and for calls that can put the thread to sleep
 * whether it really did (see docs/instrumentation.md: a voluntary context
 * switch counted by getrusage(RUSAGE_THREAD) across the call).
 *
 * The wrappers keep the textbook's calls (accept, recv, send, select, ...)
 * so the recorded calls match what strace counts for the same process. */
#ifndef SS_PROBE_H
#define SS_PROBE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sim/event.h"

int     ss_socket(int domain, int type, int protocol);
int     ss_bind(int fd, const struct sockaddr *addr, socklen_t len);
int     ss_listen(int fd, int backlog);
int     ss_accept(int fd, struct sockaddr *addr, socklen_t *len);
int     ss_connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t ss_recv(int fd, void *buf, size_t len, int flags);
ssize_t ss_send(int fd, const void *buf, size_t len, int flags); /* never raises SIGPIPE */
int     ss_close(int fd);
int     ss_shutdown(int fd, int how);
int     ss_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int     ss_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int     ss_set_nonblocking(int fd, int on);  /* ioctl(FIONBIO), as the textbook's ioctlsocket */
int     ss_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
int     ss_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
#ifdef __linux__
struct epoll_event;
int     ss_epoll_create(void);
int     ss_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev);
int     ss_epoll_wait(int ep, struct epoll_event *evs, int max, int timeout_ms);
#endif

/* A non-call event (request, CPU work, message, completion packet...).
 * t0/t1 are ss_ticks() values; pass t0 == t1 for an instant. */
void ss_note(int api, int sock, uint64_t arg, int64_t ret, uint64_t id, uint32_t aux,
             int flags, uint64_t t0, uint64_t t1);

/* Spin for about `us` microseconds of real computation, recorded as CPU work. */
void ss_cpu_work(int sock, unsigned us);

/* Is fd known to be in non-blocking mode (set through ss_set_nonblocking)? */
int  ss_fd_is_nonblocking(int fd);

/* --- shared by probe files ------------------------------------------------ */
typedef struct ss_probe {
    uint64_t t0;
    long nvcsw, nvcsw_lazy; /* voluntary switches at entry: read / as the lazy rule knows it */
    int on, may_block;
} ss_probe;

/* The lazy rule's chain (docs/instrumentation.md), kept per thread by each
 * platform's probes beside its own kind of reading: a reading taken at one
 * call's exit still holds at the next call's entry when every probed call
 * and every gap since was shorter than the wait floor. */
typedef struct ss_wait_chain {
    uint64_t last_exit;  /* ticks at the end of the last probed call */
    int valid;           /* a reading is held and was true at last_exit */
} ss_wait_chain;

static inline int ss_chain_holds(const ss_wait_chain *c, uint64_t t0, uint64_t floor_ticks)
{
    return c->valid && t0 - c->last_exit <= floor_ticks;
}

/* At a call's exit (t1): 1 when it needs no reading — it could not block,
 * or it was too short to have slept and this is not verification mode. */
static inline int ss_chain_skip(ss_wait_chain *c, int may_block, int long_call, int verify, uint64_t t1)
{
    if (!may_block) {
        if (long_call)
            c->valid = 0; /* a long gap inside: nothing held survives it */
        else
            c->last_exit = t1;
        return 1;
    }
    if (!long_call && !verify) {
        c->last_exit = t1;
        return 1;
    }
    return 0;
}

/* The event flags from the lazy verdict and, in verification mode, the
 * exact one (SS_EV_WAIT_MISSED when they differ). */
static inline int ss_wait_flags(int lazy, int exact, int verify)
{
    int flags = (verify ? exact : lazy) ? SS_EV_WAITED : 0;
    return verify && exact != lazy ? flags | SS_EV_WAIT_MISSED : flags;
}

void ss_probe_enter(ss_probe *p, int may_block);
/* SS_EV_WAITED (and in verification mode SS_EV_WAIT_MISSED) or 0: did the
 * call that began at p->t0 and ended at t1 really sleep? Per platform. */
int  ss_probe_waited(ss_probe *p, uint64_t t1);
void ss_probe_exit(ss_probe *p, int api, int sock, uint64_t arg, int64_t ret, int err,
                   int flags, uint64_t id, uint32_t aux);

#endif
