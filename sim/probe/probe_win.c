/* probe_win.c — the probes on real Winsock (the Windows twin of probe.c).
 *
 * Each wrapper makes the textbook's Winsock call, keeps WSAGetLastError()
 * for the caller (the Windows models test it as the textbook does, e.g.
 * WSAGetLastError() == WSAEWOULDBLOCK) and also sets errno to the POSIX
 * value, so the portable code (workload, net, common) reads errors the same
 * way on both systems; the trace gets the portable ss_err.
 *
 * Did a blocking call really wait? Windows exposes a thread's context switch
 * count only through a whole-system snapshot, far too slow per call. It does
 * expose the CPU cycles a thread has run (QueryThreadCycleTime), so a call
 * *waited* when the thread was off the CPU for most of it: wall time minus
 * the thread's own cycles, converted at the rate measured at start-up, is
 * more than half the call and more than SS_WIN_WAIT_MIN_NS. The same lazy
 * rule as on Linux avoids readings for short calls (a thread cannot sleep and
 * wake in under SS_WAIT_FLOOR_NS). Where the thread cycle counter does not
 * advance (Wine implements QueryThreadCycleTime as a stub) the verdict is
 * unknown: no call is marked waited, and every run says so in a note. */
#include "sim/probe/probe_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <winternl.h>

#include "sim/trace/clock.h"
#include "sim/trace/recorder_int.h"

#define SS_WAIT_FLOOR_NS 500
#define SS_WIN_WAIT_MIN_NS 2000

/* --- Winsock start-up ------------------------------------------------------ */
__attribute__((constructor)) static void wsa_start(void)
{
    WSADATA wsa;
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
        fprintf(stderr, "sockscope: WSAStartup failed (%d): no socket will work\n", WSAGetLastError());
}

/* --- errors ---------------------------------------------------------------- */
int ss_errno_from_wsa(int e)
{
    switch (e) {
    case 0: return 0;
    case WSAEWOULDBLOCK: return EWOULDBLOCK;
    case WSAEINPROGRESS: case WSAEALREADY: return EINPROGRESS;
    case WSAECONNRESET: case WSAENETRESET: return ECONNRESET;
    case WSAECONNABORTED: return ECONNABORTED;
    case WSAESHUTDOWN: return EPIPE;
    /* A blocking call cancelled by closesocket/CancelIoEx from another
     * thread: not the retry-me EINTR of POSIX, so not mapped to it. */
    case WSAEINTR: case WSA_OPERATION_ABORTED: case WSAECANCELLED: return ECANCELED;
    case WSAEINVAL: case WSAEFAULT: return EINVAL;
    case WSAETIMEDOUT: return ETIMEDOUT;
    case WSAECONNREFUSED: return ECONNREFUSED;
    case WSAEADDRINUSE: return EADDRINUSE;
    case WSAEADDRNOTAVAIL: return EADDRNOTAVAIL;
    case WSAEACCES: return EACCES;
    case WSAENOTSOCK: case ERROR_INVALID_HANDLE: return EBADF;
    case WSAENOTCONN: return ENOTCONN;
    case WSAEMFILE: return EMFILE;
    case WSAENOBUFS: case ERROR_NOT_ENOUGH_MEMORY: return ENOBUFS;
    case ERROR_NETNAME_DELETED: return ECONNRESET; /* an overlapped op on a reset connection */
    default: return EIO;
    }
}

/* --- which sockets are non-blocking ---------------------------------------- */
/* Socket handles are multiples of 4: one bit per handle>>2 covers handles
 * below 1M, far more than a process opens. Unknown handles count as
 * blocking (a call on them "may block"). */
#define NB_SLOTS (1u << 18)
static _Atomic uint64_t nb_bits[NB_SLOTS / 64];

static void nb_set(int fd, int on)
{
    unsigned k = (unsigned)fd >> 2;
    if (fd < 0 || k >= NB_SLOTS)
        return;
    uint64_t bit = 1ull << (k & 63);
    if (on)
        atomic_fetch_or(&nb_bits[k >> 6], bit);
    else
        atomic_fetch_and(&nb_bits[k >> 6], ~bit);
}

int ss_fd_is_nonblocking(int fd)
{
    unsigned k = (unsigned)fd >> 2;
    if (fd < 0 || k >= NB_SLOTS)
        return 0;
    return (atomic_load_explicit(&nb_bits[k >> 6], memory_order_relaxed) >> (k & 63)) & 1;
}

/* --- "really waited": off-CPU time from QueryThreadCycleTime --------------- */
static INIT_ONCE wait_once = INIT_ONCE_STATIC_INIT;
static int waits_known;
static double cycles_per_tick;
static uint64_t floor_ticks, min_wait_ticks;
static char wait_method[160] = "unknown";

static uint64_t thread_cycles(void)
{
    ULONG64 c = 0;
    QueryThreadCycleTime(GetCurrentThread(), &c);
    return c;
}

/* Spin 2 ms and see whether the thread's cycle counter kept pace with QPC. */
static BOOL CALLBACK wait_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    double npt = ss_clock_ns_per_tick();
    floor_ticks = (uint64_t)(SS_WAIT_FLOOR_NS / npt) + 1;
    min_wait_ticks = (uint64_t)(SS_WIN_WAIT_MIN_NS / npt) + 1;
    uint64_t c0 = thread_cycles(), t0 = ss_ticks(), t1;
    do
        t1 = ss_ticks();
    while ((double)(t1 - t0) * npt < 2e6);
    uint64_t c1 = thread_cycles();
    double ghz = (double)(c1 - c0) / ((double)(t1 - t0) * npt);
    if (c1 > c0 && ghz > 0.1) { /* a real CPU runs at least 100 MHz */
        waits_known = 1;
        cycles_per_tick = (double)(c1 - c0) / (double)(t1 - t0);
        snprintf(wait_method, sizeof wait_method,
                 "off-CPU time: QueryThreadCycleTime (%.2f GHz) against QueryPerformanceCounter", ghz);
    } else {
        snprintf(wait_method, sizeof wait_method,
                 "unknown: QueryThreadCycleTime does not advance here (Wine); no call is marked waited");
    }
    return TRUE;
}

int ss_win_waits_known(void)
{
    InitOnceExecuteOnce(&wait_once, wait_init, NULL, NULL);
    return waits_known;
}

const char *ss_win_wait_method(void)
{
    ss_win_waits_known();
    return wait_method;
}

typedef struct wait_cache {
    uint64_t cycles, ticks; /* a reading: thread cycles at QPC ticks */
    ss_wait_chain chain;
} wait_cache;
static _Thread_local wait_cache wc;

/* The entry readings of the may-block call in progress (ss_probe's nvcsw
 * fields are a long, 32 bits on Windows: too small for cycles). A thread has
 * one may-block call in progress at a time, so thread-local storage fits. */
static _Thread_local uint64_t entry_cycles, entry_ticks, exact_cycles, exact_ticks;

void ss_probe_enter(ss_probe *p, int may_block)
{
    p->on = ss_recording();
    if (!p->on)
        return;
    p->may_block = may_block;
    int detect = may_block && ss_rec_detect_waits && ss_win_waits_known(); /* first time: a 2 ms test */
    p->t0 = ss_ticks();
    if (!detect)
        return;
    int chain_ok = ss_chain_holds(&wc.chain, p->t0, floor_ticks);
    if (!chain_ok || ss_rec_detect_waits == 2) {
        exact_cycles = thread_cycles();
        exact_ticks = ss_ticks();
        p->t0 = exact_ticks;
    }
    if (!chain_ok) {
        wc.cycles = exact_cycles;
        wc.ticks = exact_ticks;
        wc.chain.valid = 1;
    }
    entry_cycles = wc.cycles;
    entry_ticks = wc.ticks;
}

static int off_cpu(uint64_t c0, uint64_t t0, uint64_t c1, uint64_t t1)
{
    double wall = (double)(t1 - t0), ran = (double)(c1 - c0) / cycles_per_tick;
    double off = wall - ran;
    return off > (double)min_wait_ticks && off > wall / 2;
}

int ss_probe_waited(ss_probe *p, uint64_t t1)
{
    if (!ss_rec_detect_waits || !waits_known)
        return 0;
    int long_call = t1 - p->t0 > floor_ticks, verify = ss_rec_detect_waits == 2;
    if (ss_chain_skip(&wc.chain, p->may_block, long_call, verify, t1))
        return 0;
    uint64_t c = thread_cycles(), now = ss_ticks();
    int lazy = long_call && off_cpu(entry_cycles, entry_ticks, c, now);
    int exact = verify ? off_cpu(exact_cycles, exact_ticks, c, now) : lazy;
    wc.cycles = c;
    wc.ticks = now;
    wc.chain.valid = 1;
    wc.chain.last_exit = ss_ticks();
    return ss_wait_flags(lazy, exact, verify);
}


/* The common shape: enter, call, keep the error, exit. `fail` says, from
 * the result r_, whether the call failed (Winsock has several conventions).
 * WSAGetLastError() is kept for the model, errno set for portable code. */
/* id: read after the call (accept, connect, getsockname: an endpoint, probe.h;
 * connect's is the peer it was asked for, whatever the outcome) */
#define PROBED_ID(api, sock, arg, may_block, type, call, fail, ret64, id)                                              \
    ss_probe p_;                                                                                                       \
    ss_probe_enter(&p_, (may_block));                                                                                  \
    type r_ = (call);                                                                                                  \
    int w_ = (fail) ? (int)WSAGetLastError() : 0;                                                                      \
    int e_ = ss_errno_from_wsa(w_);                                                                                    \
    ss_probe_exit(&p_, (api), (sock), (arg), (ret64), e_, SS_EV_KERNEL, p_.on ? (uint64_t)(id) : 0, 0);                \
    if (w_)                                                                                                            \
        WSASetLastError(w_);                                                                                           \
    errno = e_;
#define PROBED(api, sock, arg, may_block, type, call, fail, ret64)                                                     \
    PROBED_ID(api, sock, arg, may_block, type, call, fail, ret64, 0)

/* --- the portable probes on Winsock ---------------------------------------- */
int ss_socket(int domain, int type, int protocol)
{
    PROBED(SS_API_SOCKET, -1, 0, 0, SOCKET, socket(domain, type, protocol), r_ == INVALID_SOCKET,
           (int64_t)ss_fd(r_));
    int fd = ss_fd(r_);
    nb_set(fd, 0);
    return fd;
}

int ss_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    PROBED(SS_API_BIND, fd, 0, 0, int, bind(ss_sock(fd), addr, len), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_listen(int fd, int backlog)
{
    PROBED(SS_API_LISTEN, fd, (uint64_t)backlog, 0, int, listen(ss_sock(fd), backlog), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    int nb = ss_fd_is_nonblocking(fd);
    struct sockaddr_storage own; /* the peer's address for the record, as on Linux (probe.c) */
    socklen_t own_len = sizeof own;
    if (!addr) {
        addr = (struct sockaddr *)&own;
        len = &own_len;
    }
    PROBED_ID(SS_API_ACCEPT, fd, 0, !nb, SOCKET, accept(ss_sock(fd), addr, len), r_ == INVALID_SOCKET,
              (int64_t)ss_fd(r_), r_ != INVALID_SOCKET ? ss_endpoint_pack(addr, *len) : 0);
    int c = ss_fd(r_);
    nb_set(c, nb); /* Winsock: an accepted socket inherits the listener's mode */
    return c;
}

int ss_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    PROBED_ID(SS_API_CONNECT, fd, 0, !ss_fd_is_nonblocking(fd), int, connect(ss_sock(fd), addr, len),
              r_ == SOCKET_ERROR, r_, ss_endpoint_pack(addr, len));
    return r_ == SOCKET_ERROR ? -1 : 0;
}

ssize_t ss_recv(int fd, void *buf, size_t len, int flags)
{
    int n = len > INT_MAX ? INT_MAX : (int)len;
    PROBED(SS_API_RECV, fd, len, !ss_fd_is_nonblocking(fd), int, recv(ss_sock(fd), buf, n, flags),
           r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : r_;
}

ssize_t ss_send(int fd, const void *buf, size_t len, int flags)
{
    int n = len > INT_MAX ? INT_MAX : (int)len;
    PROBED(SS_API_SEND, fd, len, !ss_fd_is_nonblocking(fd), int, send(ss_sock(fd), buf, n, flags),
           r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : r_;
}

int ss_close(int fd)
{
    nb_set(fd, 0);
    PROBED(SS_API_CLOSE, fd, 0, 0, int, closesocket(ss_sock(fd)), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_shutdown(int fd, int how)
{
    PROBED(SS_API_SHUTDOWN, fd, (uint64_t)how, 0, int, shutdown(ss_sock(fd), how), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    /* SO_RCVTIMEO/SO_SNDTIMEO take a struct timeval on POSIX and a DWORD of
     * milliseconds on Winsock: convert, or 30 s would become 30 ms. */
    DWORD ms;
    if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) && len == sizeof(struct timeval)) {
        const struct timeval *tv = val;
        ms = (DWORD)tv->tv_sec * 1000u + (DWORD)tv->tv_usec / 1000u;
        val = &ms;
        len = sizeof ms;
    }
    PROBED(SS_API_SETSOCKOPT, fd, (uint64_t)name, 0, int, setsockopt(ss_sock(fd), level, name, val, len),
           r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    PROBED_ID(SS_API_GETSOCKNAME, fd, 0, 0, int, getsockname(ss_sock(fd), addr, len), r_ == SOCKET_ERROR, r_,
              r_ == 0 ? ss_endpoint_pack(addr, *len) : 0);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

int ss_set_nonblocking(int fd, int on)
{
    u_long v = (u_long)on;
    PROBED(SS_API_IOCTL, fd, (uint64_t)(uint32_t)FIONBIO, 0, int, ioctlsocket(ss_sock(fd), FIONBIO, &v),
           r_ == SOCKET_ERROR, r_);
    if (r_ == 0)
        nb_set(fd, on);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

static int tv_nonzero(const struct timeval *tv) { return !tv || tv->tv_sec || tv->tv_usec; }

int ss_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    /* Winsock ignores nfds; the record keeps the number of sockets watched */
    uint64_t n = (r ? r->fd_count : 0) + (w ? w->fd_count : 0) + (e ? e->fd_count : 0);
    (void)nfds;
    PROBED(SS_API_SELECT, -1, n, tv_nonzero(tv), int, select(0, r, w, e, tv), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : r_;
}

int ss_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    PROBED(SS_API_POLL, -1, (uint64_t)n, timeout_ms != 0, int, WSAPoll(fds, n, timeout_ms), r_ == SOCKET_ERROR, r_);
    return r_ == SOCKET_ERROR ? -1 : r_;
}

/* --- WSAAsyncSelect -------------------------------------------------------- */
int ss_wsa_async_select(int fd, HWND hwnd, UINT msg, long events)
{
    PROBED(SS_API_WSA_ASYNC_SELECT, fd, (uint64_t)events, 0, int, WSAAsyncSelect(ss_sock(fd), hwnd, msg, events),
           r_ == SOCKET_ERROR, r_);
    if (r_ == 0 && events)
        nb_set(fd, 1); /* WSAAsyncSelect makes the socket non-blocking */
    return r_ == SOCKET_ERROR ? -1 : 0;
}

BOOL ss_get_message(MSG *m, HWND hwnd)
{
    ss_probe p;
    ss_probe_enter(&p, 1);
    BOOL r = GetMessage(m, hwnd, 0, 0);
    DWORD e = r == -1 ? GetLastError() : 0;
    ss_probe_exit(&p, SS_API_GET_MESSAGE, r > 0 && m->message >= WM_USER ? ss_fd((SOCKET)m->wParam) : -1,
                  0, r, e ? ss_errno_from_wsa((int)e) : 0, SS_EV_KERNEL, 0, r > 0 ? m->message : 0);
    if (e)
        SetLastError(e);
    return r;
}

BOOL ss_post_message(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    ss_probe p;
    ss_probe_enter(&p, 0);
    BOOL r = PostMessage(hwnd, msg, wp, lp);
    DWORD e = r ? 0 : GetLastError();
    ss_probe_exit(&p, SS_API_MSG_POST, ss_fd((SOCKET)wp), 0, r ? 0 : -1, e ? ss_errno_from_wsa((int)e) : 0,
                  SS_EV_KERNEL, 0, (uint32_t)WSAGETSELECTEVENT(lp));
    return r;
}

void ss_note_dispatch(int fd, unsigned fd_event, int wsa_err)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_MSG_DISPATCH, fd, (uint64_t)wsa_err, 0, 0, fd_event, 0, t, t);
}

/* --- WSAEventSelect ---------------------------------------------------------- */
WSAEVENT ss_wsa_create_event(void)
{
    PROBED(SS_API_WSA_CREATE_EVENT, -1, 0, 0, WSAEVENT, WSACreateEvent(), r_ == WSA_INVALID_EVENT,
           r_ == WSA_INVALID_EVENT ? -1 : 0);
    return r_;
}

BOOL ss_wsa_close_event(WSAEVENT ev)
{
    PROBED(SS_API_WSA_CLOSE_EVENT, -1, 0, 0, BOOL, WSACloseEvent(ev), !r_, r_ ? 0 : -1);
    return r_;
}

BOOL ss_wsa_set_event(WSAEVENT ev, int fd)
{
    PROBED(SS_API_EVENT_SIGNAL, fd, 0, 0, BOOL, WSASetEvent(ev), !r_, r_ ? 0 : -1);
    return r_;
}

BOOL ss_wsa_reset_event(WSAEVENT ev, int fd)
{
    PROBED(SS_API_WSA_RESET_EVENT, fd, 0, 0, BOOL, WSAResetEvent(ev), !r_, r_ ? 0 : -1);
    return r_;
}

int ss_wsa_event_select(int fd, WSAEVENT ev, long events)
{
    PROBED(SS_API_WSA_EVENT_SELECT, fd, (uint64_t)events, 0, int, WSAEventSelect(ss_sock(fd), ev, events),
           r_ == SOCKET_ERROR, r_);
    if (r_ == 0 && events)
        nb_set(fd, 1); /* WSAEventSelect makes the socket non-blocking */
    return r_ == SOCKET_ERROR ? -1 : 0;
}

DWORD ss_wsa_wait_for_multiple_events(DWORD n, const WSAEVENT *evs, BOOL all, DWORD ms, BOOL alertable)
{
    PROBED(SS_API_WSA_WAIT, -1, n, ms != 0, DWORD, WSAWaitForMultipleEvents(n, evs, all, ms, alertable),
           r_ == WSA_WAIT_FAILED, r_ == WSA_WAIT_FAILED ? -1 : (int64_t)r_);
    return r_;
}

int ss_wsa_enum_network_events(int fd, WSAEVENT ev, WSANETWORKEVENTS *ne)
{
    PROBED(SS_API_WSA_ENUM_EVENTS, fd, 0, 0, int, WSAEnumNetworkEvents(ss_sock(fd), ev, ne), r_ == SOCKET_ERROR,
           r_ == SOCKET_ERROR ? -1 : (int64_t)ne->lNetworkEvents);
    return r_ == SOCKET_ERROR ? -1 : 0;
}

/* --- overlapped I/O ------------------------------------------------------------ */
static int64_t submit_result(int r, int *err)
{
    if (r == 0)
        return 0;
    int wsa = WSAGetLastError();
    if (wsa == WSA_IO_PENDING) { /* the normal case: in flight */
        *err = 0;
        return 0;
    }
    *err = ss_errno_from_wsa(wsa);
    errno = *err;
    WSASetLastError(wsa);
    return -1;
}

static uint64_t wsabuf_len(const WSABUF *b, DWORD n)
{
    uint64_t len = 0;
    for (DWORD i = 0; i < n; i++)
        len += b[i].len;
    return len;
}

/* An overlapped WSARecv/WSASend (api) that returned r, recorded as its
 * submission; Winsock's error is kept for the caller. */
static int submitted(ss_probe *p, int r, int fd, WSABUF *bufs, DWORD n, uint64_t id, int api)
{
    int wsa = r ? WSAGetLastError() : 0, e = 0;
    int64_t ret = submit_result(r, &e);
    ss_probe_exit(p, SS_API_OP_SUBMIT, fd, wsabuf_len(bufs, n), ret, e, SS_EV_KERNEL | SS_EV_ASYNC, id, (uint32_t)api);
    WSASetLastError(wsa);
    return r;
}

int ss_wsa_recv(int fd, WSABUF *bufs, DWORD n, DWORD *flags, WSAOVERLAPPED *ov,
                LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, uint64_t id)
{
    ss_probe p;
    ss_probe_enter(&p, ov == NULL);
    DWORD got = 0;
    return submitted(&p, WSARecv(ss_sock(fd), bufs, n, &got, flags, ov, cr), fd, bufs, n, id, SS_API_RECV);
}

int ss_wsa_send(int fd, WSABUF *bufs, DWORD n, WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                uint64_t id)
{
    ss_probe p;
    ss_probe_enter(&p, ov == NULL);
    DWORD sent = 0;
    return submitted(&p, WSASend(ss_sock(fd), bufs, n, &sent, 0, ov, cr), fd, bufs, n, id, SS_API_SEND);
}

BOOL ss_wsa_get_overlapped_result(int fd, WSAOVERLAPPED *ov, DWORD *bytes, DWORD *flags)
{
    PROBED(SS_API_WSA_GET_OVERLAPPED, fd, 0, 0, BOOL, WSAGetOverlappedResult(ss_sock(fd), ov, bytes, FALSE, flags),
           !r_, r_ ? (int64_t)*bytes : -1);
    return r_;
}

static _Thread_local struct {
    int state; /* 0 no alertable wait, 1 waiting, 2 running a routine inside it */
    DWORD ms;
    ss_probe p;
} alert;

DWORD ss_sleep_ex(DWORD ms, BOOL alertable)
{
    if (alertable) {
        alert.state = 1;
        alert.ms = ms;
    }
    ss_probe p;
    ss_probe *pp = alertable ? &alert.p : &p;
    ss_probe_enter(pp, ms != 0);
    DWORD r = SleepEx(ms, alertable);
    alert.state = 0;
    ss_probe_exit(pp, SS_API_SLEEP_EX, -1, ms, r, 0, SS_EV_KERNEL, 0, 0);
    return r;
}

void ss_apc_begin(void)
{
    if (alert.state != 1)
        return;
    ss_probe_exit(&alert.p, SS_API_SLEEP_EX, -1, alert.ms, WAIT_IO_COMPLETION, 0, SS_EV_KERNEL, 0, 0);
    alert.state = 2;
}

void ss_apc_end(void)
{
    if (alert.state != 2)
        return;
    alert.state = 1;
    ss_probe_enter(&alert.p, alert.ms != 0);
}

void ss_note_complete(uint64_t id, int api, int fd, int64_t res, int wsa_err, unsigned depth)
{
    if (!ss_recording())
        return;
    uint64_t t = ss_ticks();
    int e = res < 0 ? ss_errno_from_wsa(wsa_err) : 0;
    ss_event ev = {.t0 = t, .t1 = t, .ret = res, .arg = depth, .id = id, .sock = fd,
                   .aux = (uint32_t)api, .api = SS_API_OP_COMPLETE,
                   .err = (uint8_t)(e ? ss_err_from_errno(e) : 0),
                   .flags = (uint8_t)(SS_EV_ASYNC | (res < 0 ? SS_EV_FAILED : 0))};
    ss_emit(&ev);
}

DWORD ss_queue_user_apc(PAPCFUNC fn, HANDLE thread, ULONG_PTR arg, int woken_index)
{
    PROBED(SS_API_WAKEUP, -1, 0, 0, DWORD, QueueUserAPC(fn, thread, arg), r_ == 0, r_ ? woken_index : -1);
    return r_;
}

/* --- completion ports ------------------------------------------------------------ */
HANDLE ss_create_io_completion_port(HANDLE file, HANDLE port, ULONG_PTR key, DWORD threads, int fd)
{
    PROBED(SS_API_IOCP_CREATE, fd, threads, 0, HANDLE, CreateIoCompletionPort(file, port, key, threads), r_ == NULL,
           r_ ? 0 : -1);
    return r_;
}

BOOL ss_get_queued_completion_status(HANDLE port, DWORD *bytes, ULONG_PTR *key, OVERLAPPED **ov, DWORD ms)
{
    ss_probe p;
    ss_probe_enter(&p, ms != 0);
    BOOL r = GetQueuedCompletionStatus(port, bytes, key, ov, ms);
    DWORD e = r ? 0 : GetLastError();
    /* FALSE with a packet = a failed operation was dequeued: the call itself worked */
    int call_failed = !r && *ov == NULL;
    ss_probe_exit(&p, SS_API_IOCP_GET, *ov ? ss_fd((SOCKET)*key) : -1, ms, call_failed ? -1 : (int64_t)*bytes,
                  call_failed ? ss_errno_from_wsa((int)e) : 0, SS_EV_KERNEL, 0, 0);
    SetLastError(e);
    return r;
}

BOOL ss_post_queued_completion_status(HANDLE port, DWORD bytes, ULONG_PTR key, OVERLAPPED *ov)
{
    PROBED(SS_API_IOCP_POST, -1, bytes, 0, BOOL, PostQueuedCompletionStatus(port, bytes, key, ov), !r_,
           r_ ? 0 : -1);
    return r_;
}

typedef LONG(NTAPI *nt_query_io_completion_fn)(HANDLE, int, void *, ULONG, ULONG *);
static nt_query_io_completion_fn query_io_completion;
static INIT_ONCE depth_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK depth_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    if (ntdll)
        query_io_completion = (nt_query_io_completion_fn)(void (*)(void))GetProcAddress(ntdll, "NtQueryIoCompletion");
    return TRUE;
}

unsigned ss_iocp_depth(HANDLE port)
{
    if (!ss_recording())
        return 0;
    InitOnceExecuteOnce(&depth_once, depth_init, NULL, NULL);
    LONG depth = 0; /* IO_COMPLETION_BASIC_INFORMATION { LONG Depth; } */
    if (!query_io_completion || query_io_completion(port, 0, &depth, sizeof depth, NULL) != 0 || depth < 0)
        return 0;
    return (unsigned)depth;
}
