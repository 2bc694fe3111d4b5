#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

#include "sim/trace/clock.h"
#include "sim/trace/recorder_int.h"
#include "sim/trace/switchcount.h"

/* One bit per fd: set while the fd is in non-blocking mode, so a probe knows
 * without a syscall whether recv/send/accept can put the thread to sleep. */
#define NB_FDS 65536
static _Atomic uint64_t nb_bits[NB_FDS / 64];

static void nb_set(int fd, int on)
{
    if (fd < 0 || fd >= NB_FDS)
        return;
    uint64_t bit = 1ull << (fd & 63);
    if (on)
        atomic_fetch_or(&nb_bits[fd >> 6], bit);
    else
        atomic_fetch_and(&nb_bits[fd >> 6], ~bit);
}

int ss_fd_is_nonblocking(int fd)
{
    if (fd < 0 || fd >= NB_FDS)
        return 0;
    return (atomic_load_explicit(&nb_bits[fd >> 6], memory_order_relaxed) >> (fd & 63)) & 1;
}

/* Did a blocking call really wait? It did iff the thread made a voluntary
 * context switch during the call: the kernel put it to sleep. We count
 * those with the kernel's count (sim/trace/switchcount.h: getrusage, or a BPF
 * counter where allowed), but lazily: a thread cannot
 * go to sleep and be woken again in less than SS_WAIT_FLOOR_NS, so
 *  - a call shorter than that did not wait (no reading needed), and
 *  - a reading taken at the exit of an earlier call is still valid at the
 *    entry of the next one if every probed call and every gap between them
 *    since then was shorter than that.
 * Only the rest pays for a getrusage. docs/instrumentation.md has the
 * argument; tests/test_waits.c checks the lazy verdicts against readings
 * taken around every call (detect_waits == 2). */
#define SS_WAIT_FLOOR_NS 500

typedef struct wait_cache {
    long nvcsw;          /* the count when it was last known */
    ss_wait_chain chain;
} wait_cache;

static _Thread_local wait_cache wc;
static uint64_t floor_ticks;

static uint64_t wait_floor(void)
{
    if (!floor_ticks)
        floor_ticks = (uint64_t)(SS_WAIT_FLOOR_NS / ss_clock_ns_per_tick()) + 1;
    return floor_ticks;
}

void ss_probe_enter(ss_probe *p, int may_block)
{
    p->on = ss_recording();
    if (!p->on)
        return;
    p->may_block = may_block;
    p->t0 = ss_ticks();
    if (!may_block || !ss_rec_detect_waits)
        return;
    int chain_ok = ss_chain_holds(&wc.chain, p->t0, wait_floor());
    long fresh = 0;
    if (!chain_ok || ss_rec_detect_waits == 2) {
        fresh = ss_sw_read();
        p->t0 = ss_ticks();
    }
    if (!chain_ok) {
        wc.nvcsw = fresh;
        wc.chain.valid = 1;
    }
    p->nvcsw_lazy = wc.nvcsw;
    p->nvcsw = ss_rec_detect_waits == 2 ? fresh : wc.nvcsw;
}

/* Returns SS_EV_WAITED (plus SS_EV_WAIT_MISSED in verification mode when
 * the lazy rule disagrees with readings around the call) and keeps the
 * cache. t1 is the call's exit. */
int ss_probe_waited(ss_probe *p, uint64_t t1)
{
    if (!ss_rec_detect_waits)
        return 0;
    int long_call = t1 - p->t0 > wait_floor(), verify = ss_rec_detect_waits == 2;
    if (ss_chain_skip(&wc.chain, p->may_block, long_call, verify, t1))
        return 0;
    long now = ss_sw_read();
    int exact = now != p->nvcsw, lazy = long_call && now != p->nvcsw_lazy;
    if (long_call)
        wc.nvcsw = now;
    wc.chain.last_exit = ss_ticks();
    return ss_wait_flags(lazy, exact, verify);
}

/* The common shape of a probed call: enter, call, keep errno, exit. */
#define PROBED(api, sock, arg, may_block, call)                                       \
    ss_probe p_;                                                                      \
    ss_probe_enter(&p_, (may_block));                                                 \
    __typeof__(call) r_ = (call);                                                     \
    int e_ = r_ < 0 ? errno : 0;                                                      \
    ss_probe_exit(&p_, (api), (sock), (arg), (int64_t)r_, e_, SS_EV_KERNEL, 0, 0);    \
    errno = e_;

int ss_socket(int domain, int type, int protocol)
{
    PROBED(SS_API_SOCKET, -1, 0, 0, socket(domain, type, protocol));
    if (r_ >= 0)
        nb_set(r_, (type & SOCK_NONBLOCK) != 0);
    return r_;
}

int ss_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    PROBED(SS_API_BIND, fd, 0, 0, bind(fd, addr, len));
    return r_;
}

int ss_listen(int fd, int backlog)
{
    PROBED(SS_API_LISTEN, fd, (uint64_t)backlog, 0, listen(fd, backlog));
    return r_;
}

/* accept, connect and getsockname record an endpoint in id (event.h,
 * ss_endpoint_pack): the peer's for accept and connect, the socket's own
 * for getsockname. accept asks the kernel for the peer's address even when
 * the caller does not want it: the same one system call, so `merge` can
 * pair a server's connections with its clients' (docs/multi-host.md). */
int ss_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    struct sockaddr_storage own;
    socklen_t own_len = sizeof own;
    if (!addr) {
        addr = (struct sockaddr *)&own;
        len = &own_len;
    }
    ss_probe p_;
    ss_probe_enter(&p_, !ss_fd_is_nonblocking(fd));
    int r_ = accept(fd, addr, len);
    int e_ = r_ < 0 ? errno : 0;
    uint64_t ep = r_ >= 0 && p_.on ? ss_endpoint_pack(addr, *len) : 0;
    ss_probe_exit(&p_, SS_API_ACCEPT, fd, 0, r_, e_, SS_EV_KERNEL, ep, 0);
    if (r_ >= 0)
        nb_set(r_, 0); /* accepted sockets start blocking on Linux */
    errno = e_;
    return r_;
}

int ss_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    ss_probe p_;
    ss_probe_enter(&p_, !ss_fd_is_nonblocking(fd));
    int r_ = connect(fd, addr, len);
    int e_ = r_ < 0 ? errno : 0;
    ss_probe_exit(&p_, SS_API_CONNECT, fd, 0, r_, e_, SS_EV_KERNEL, p_.on ? ss_endpoint_pack(addr, len) : 0, 0);
    errno = e_;
    return r_;
}

ssize_t ss_recv(int fd, void *buf, size_t len, int flags)
{
    int may = !ss_fd_is_nonblocking(fd) && !(flags & MSG_DONTWAIT);
    PROBED(SS_API_RECV, fd, len, may, recv(fd, buf, len, flags));
    return r_;
}

ssize_t ss_send(int fd, const void *buf, size_t len, int flags)
{
    int may = !ss_fd_is_nonblocking(fd) && !(flags & MSG_DONTWAIT);
    PROBED(SS_API_SEND, fd, len, may, send(fd, buf, len, flags | MSG_NOSIGNAL));
    return r_;
}

int ss_close(int fd)
{
    nb_set(fd, 0);
    PROBED(SS_API_CLOSE, fd, 0, 0, close(fd));
    return r_;
}

int ss_shutdown(int fd, int how)
{
    PROBED(SS_API_SHUTDOWN, fd, (uint64_t)how, 0, shutdown(fd, how));
    return r_;
}

int ss_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    PROBED(SS_API_SETSOCKOPT, fd, (uint64_t)name, 0, setsockopt(fd, level, name, val, len));
    return r_;
}

int ss_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    ss_probe p_;
    ss_probe_enter(&p_, 0);
    int r_ = getsockname(fd, addr, len);
    int e_ = r_ < 0 ? errno : 0;
    uint64_t ep = r_ == 0 && p_.on ? ss_endpoint_pack(addr, *len) : 0;
    ss_probe_exit(&p_, SS_API_GETSOCKNAME, fd, 0, r_, e_, SS_EV_KERNEL, ep, 0);
    errno = e_;
    return r_;
}

int ss_set_nonblocking(int fd, int on)
{
    int v = on;
    PROBED(SS_API_IOCTL, fd, FIONBIO, 0, ioctl(fd, FIONBIO, &v));
    if (r_ == 0)
        nb_set(fd, on);
    return r_;
}

static int tv_nonzero(const struct timeval *tv) { return !tv || tv->tv_sec || tv->tv_usec; }

/* Sockets in any of the sets (the call's arg: how many it watches). */
static uint64_t sockets_in(int nfds, const fd_set *r, const fd_set *w, const fd_set *e)
{
    uint64_t n = 0;
    for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++)
        n += (r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) || (e && FD_ISSET(fd, e));
    return n;
}

int ss_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    uint64_t watched = ss_recording() ? sockets_in(nfds, r, w, e) : 0;
    uint32_t timeout = ss_select_timeout_kind(tv);
    ss_probe p_;
    ss_probe_enter(&p_, tv_nonzero(tv));
    int r_ = select(nfds, r, w, e, tv);
    int e_ = r_ < 0 ? errno : 0;
    ss_probe_exit(&p_, SS_API_SELECT, -1, watched, r_, e_, SS_EV_KERNEL, 0, timeout);
    errno = e_;
    return r_;
}

int ss_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    PROBED(SS_API_POLL, -1, (uint64_t)n, timeout_ms != 0, poll(fds, n, timeout_ms));
    return r_;
}

#ifdef __linux__
int ss_epoll_create(void)
{
    PROBED(SS_API_EPOLL_CREATE, -1, 0, 0, epoll_create1(EPOLL_CLOEXEC));
    return r_;
}

int ss_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
    PROBED(SS_API_EPOLL_CTL, fd, (uint64_t)op, 0, epoll_ctl(ep, op, fd, ev));
    return r_;
}

int ss_epoll_wait(int ep, struct epoll_event *evs, int max, int timeout_ms)
{
    PROBED(SS_API_EPOLL_WAIT, ep, (uint64_t)max, timeout_ms != 0, epoll_wait(ep, evs, max, timeout_ms));
    return r_;
}
#endif
