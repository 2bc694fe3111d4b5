/* preload_calls.c — the calls the interposer wraps (docs/trace-any-program.md).
 *
 * Each wrapper has the libc function's name and signature, finds the real
 * one with dlsym(RTLD_NEXT), and records one event through the same fields
 * the built-in probes fill (sim/probe/probe.c): the trace's api is the call's
 * family (recvfrom, recvmsg and read on a socket are recv; aux says which
 * function: SS_VIA_*), so stats, exports and the viewer read it as they
 * read a built-in model's. Recorded: socket, bind, listen, accept,
 * accept4, connect, the recv and send families, read and write on
 * sockets, close and shutdown of sockets, setsockopt and getsockname (as
 * the built-in probes), fcntl F_GETFL/F_SETFL and ioctl FIONBIO on sockets, select, pselect, poll, ppoll and the epoll calls
 * (with glibc's _FORTIFY_SOURCE variants). Other calls are wrapped only to
 * keep the fd table right (dup*, socketpair, close_range) or to learn
 * thread names (prctl, pthread_setname_np), and are not recorded. */
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sim/interpose/preload_int.h"
#include "sim/trace/endpoint.h"

#ifndef __SOCKADDR_ARG /* glibc's transparent unions; plain pointers elsewhere */
#define __SOCKADDR_ARG struct sockaddr *restrict
#define __CONST_SOCKADDR_ARG const struct sockaddr *
#endif

/* --- the real functions -------------------------------------------------- */
#define REAL_LIST(X)                                                                                                   \
    X(socket, int, (int, int, int))                                                                                    \
    X(socketpair, int, (int, int, int, int *))                                                                         \
    X(bind, int, (int, __CONST_SOCKADDR_ARG, socklen_t))                                                               \
    X(listen, int, (int, int))                                                                                         \
    X(setsockopt, int, (int, int, int, const void *, socklen_t))                                                       \
    X(getsockname, int, (int, __SOCKADDR_ARG, socklen_t *))                                                            \
    X(accept, int, (int, __SOCKADDR_ARG, socklen_t *))                                                                 \
    X(accept4, int, (int, __SOCKADDR_ARG, socklen_t *, int))                                                           \
    X(connect, int, (int, __CONST_SOCKADDR_ARG, socklen_t))                                                            \
    X(recv, ssize_t, (int, void *, size_t, int))                                                                       \
    X(recvfrom, ssize_t, (int, void *, size_t, int, __SOCKADDR_ARG, socklen_t *))                                      \
    X(recvmsg, ssize_t, (int, struct msghdr *, int))                                                                   \
    X(send, ssize_t, (int, const void *, size_t, int))                                                                 \
    X(sendto, ssize_t, (int, const void *, size_t, int, __CONST_SOCKADDR_ARG, socklen_t))                              \
    X(sendmsg, ssize_t, (int, const struct msghdr *, int))                                                             \
    X(read, ssize_t, (int, void *, size_t))                                                                            \
    X(write, ssize_t, (int, const void *, size_t))                                                                     \
    X(close, int, (int))                                                                                               \
    X(shutdown, int, (int, int))                                                                                       \
    X(select, int, (int, fd_set *, fd_set *, fd_set *, struct timeval *))                                              \
    X(pselect, int, (int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *))                    \
    X(poll, int, (struct pollfd *, nfds_t, int))                                                                       \
    X(ppoll, int, (struct pollfd *, nfds_t, const struct timespec *, const sigset_t *))                                \
    X(epoll_create, int, (int))                                                                                        \
    X(epoll_create1, int, (int))                                                                                       \
    X(epoll_ctl, int, (int, int, int, struct epoll_event *))                                                           \
    X(epoll_wait, int, (int, struct epoll_event *, int, int))                                                          \
    X(epoll_pwait, int, (int, struct epoll_event *, int, int, const sigset_t *))                                       \
    X(epoll_pwait2, int, (int, struct epoll_event *, int, const struct timespec *, const sigset_t *))                  \
    X(fcntl, int, (int, int, ...))                                                                                     \
    X(fcntl64, int, (int, int, ...))                                                                                   \
    X(ioctl, int, (int, unsigned long, ...))                                                                           \
    X(dup, int, (int))                                                                                                 \
    X(dup2, int, (int, int))                                                                                           \
    X(dup3, int, (int, int, int))                                                                                      \
    X(close_range, int, (unsigned, unsigned, int))                                                                     \
    X(prctl, int, (int, ...))                                                                                          \
    X(pthread_setname_np, int, (pthread_t, const char *))                                                              \
    X(__recv_chk, ssize_t, (int, void *, size_t, size_t, int))                                                         \
    X(__recvfrom_chk, ssize_t, (int, void *, size_t, size_t, int, __SOCKADDR_ARG, socklen_t *))                        \
    X(__read_chk, ssize_t, (int, void *, size_t, size_t))                                                              \
    X(__poll_chk, int, (struct pollfd *, nfds_t, int, size_t))                                                         \
    X(__ppoll_chk, int, (struct pollfd *, nfds_t, const struct timespec *, const sigset_t *, size_t))

#define X_FIELD(name, ret, args) ret(*name) args;
static struct {
    REAL_LIST(X_FIELD)
} real;

/* dlsym may itself call read, write or close (or a malloc that does): those
 * then go to the system call directly, and nothing else can be asked for
 * from inside dlsym. */
static __thread int in_dlsym __attribute__((tls_model("initial-exec")));

static void *lookup(void **slot, const char *name)
{
    if (in_dlsym)
        return NULL;
    in_dlsym = 1;
    void *p = dlsym(RTLD_NEXT, name);
    in_dlsym = 0;
    *slot = p;
    return p;
}

/* every function at once: the constructor calls it first thing (preload.c) */
SS_HIDDEN void ss_pl_resolve(void)
{
#define X_LOOKUP(name, ret, args)                                                                                      \
    if (!real.name)                                                                                                    \
        lookup((void **)&real.name, #name);
    REAL_LIST(X_LOOKUP)
}

/* the real function; NULL only if libc lacks it (or inside dlsym) */
#define REAL(name) (SS_LIKELY(real.name != NULL) ? real.name : (lookup((void **)&real.name, #name), real.name))
#define NOSYS(r)                                                                                                       \
    do {                                                                                                               \
        errno = ENOSYS;                                                                                                \
        return (r);                                                                                                    \
    } while (0)

/* --- the record around a call ------------------------------------------- */
/* BEGIN keeps errno as the program left it for the real call; END records
 * with the call's errno and leaves that errno to the program. */
#define BEGIN(may)                                                                                                     \
    int e_ = errno;                                                                                                    \
    ss_pl_rec r_;                                                                                                      \
    ss_pl_enter(&r_, (may));                                                                                           \
    errno = e_;
#define END_ID(api, fd, arg, ret, aux, id)                                                                             \
    do {                                                                                                               \
        e_ = errno;                                                                                                    \
        ss_pl_exit(&r_, (api), (fd), (uint64_t)(arg), (int64_t)(ret), e_, (uint32_t)(aux), (id));                      \
        errno = e_;                                                                                                    \
    } while (0)
#define END(api, fd, arg, ret, aux) END_ID(api, fd, arg, ret, aux, 0)

static inline int nonblocking(int fd) { return (ss_pl_fd_bits(fd) & SS_FD_NB) != 0; }
static inline int is_socket(int fd) { return (ss_pl_fd_bits(fd) & SS_FD_SOCK) != 0; }
static inline int sock_bits(int nb) { return SS_FD_KNOWN | SS_FD_SOCK | (nb ? SS_FD_NB : 0); }

static uint64_t iov_bytes(const struct msghdr *m)
{
    uint64_t n = 0;
    for (size_t i = 0; m && m->msg_iov && i < (size_t)m->msg_iovlen; i++)
        n += m->msg_iov[i].iov_len;
    return n;
}

/* --- sockets: creation and setup ----------------------------------------- */
SS_PUBLIC int socket(int domain, int type, int protocol)
{
    if (!REAL(socket))
        NOSYS(-1);
    if (!ss_pl_on()) {
        int fd = real.socket(domain, type, protocol);
        ss_pl_fd_set(fd, sock_bits(type & SOCK_NONBLOCK));
        return fd;
    }
    BEGIN(0);
    int fd = real.socket(domain, type, protocol);
    if (fd >= 0)
        ss_pl_fd_set(fd, sock_bits(type & SOCK_NONBLOCK));
    END(SS_API_SOCKET, -1, 0, fd, 0);
    return fd;
}

SS_PUBLIC int socketpair(int domain, int type, int protocol, int sv[2])
{
    if (!REAL(socketpair))
        NOSYS(-1);
    int r = real.socketpair(domain, type, protocol, sv);
    if (r == 0) {
        ss_pl_fd_set(sv[0], sock_bits(type & SOCK_NONBLOCK));
        ss_pl_fd_set(sv[1], sock_bits(type & SOCK_NONBLOCK));
    }
    return r;
}

SS_PUBLIC int bind(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
    if (!REAL(bind))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.bind(fd, addr, len);
    BEGIN(0);
    int r = real.bind(fd, addr, len);
    END(SS_API_BIND, fd, 0, r, 0);
    return r;
}

SS_PUBLIC int listen(int fd, int backlog)
{
    if (!REAL(listen))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.listen(fd, backlog);
    BEGIN(0);
    int r = real.listen(fd, backlog);
    END(SS_API_LISTEN, fd, backlog, r, 0);
    return r;
}

SS_PUBLIC int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    if (!REAL(setsockopt))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.setsockopt(fd, level, name, val, len);
    BEGIN(0);
    int r = real.setsockopt(fd, level, name, val, len);
    END(SS_API_SETSOCKOPT, fd, name, r, 0);
    return r;
}

SS_PUBLIC int getsockname(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
    if (!REAL(getsockname))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.getsockname(fd, addr, len);
    BEGIN(0);
    int r = real.getsockname(fd, addr, len);
    END_ID(SS_API_GETSOCKNAME, fd, 0, r, 0, r == 0 && len ? ss_endpoint_pack(addr, *len) : 0);
    return r;
}

/* --- accept, connect ------------------------------------------------------- */
static int accept_common(int fd, __SOCKADDR_ARG addr, socklen_t *len, int flags, int four)
{
    if (!ss_pl_on()) {
        int c = four ? real.accept4(fd, addr, len, flags) : real.accept(fd, addr, len);
        ss_pl_fd_set(c, sock_bits(four && (flags & SOCK_NONBLOCK)));
        return c;
    }
    /* the peer's address is asked for even when the program does not want
     * it (the same one system call), for the endpoint merge pairs by */
    struct sockaddr_storage own;
    socklen_t own_len = sizeof own, *plen = addr ? len : &own_len;
    struct sockaddr *paddr = addr ? (struct sockaddr *)addr : (struct sockaddr *)&own;
    BEGIN(!nonblocking(fd));
    int c = four ? real.accept4(fd, paddr, plen, flags) : real.accept(fd, paddr, plen);
    if (c >= 0) /* accepted sockets start blocking on Linux, whatever the listener */
        ss_pl_fd_set(c, sock_bits(four && (flags & SOCK_NONBLOCK)));
    END_ID(SS_API_ACCEPT, fd, 0, c, four ? SS_VIA_4 : SS_VIA_DIRECT,
           c >= 0 && plen ? ss_endpoint_pack(paddr, *plen) : 0);
    return c;
}

SS_PUBLIC int accept(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
    if (!REAL(accept))
        NOSYS(-1);
    return accept_common(fd, addr, len, 0, 0);
}

SS_PUBLIC int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *len, int flags)
{
    if (!REAL(accept4))
        NOSYS(-1);
    return accept_common(fd, addr, len, flags, 1);
}

SS_PUBLIC int connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
    if (!REAL(connect))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.connect(fd, addr, len);
    BEGIN(!nonblocking(fd));
    int r = real.connect(fd, addr, len);
    END_ID(SS_API_CONNECT, fd, 0, r, 0, ss_endpoint_pack(addr, len));
    return r;
}

/* --- the recv family --------------------------------------------------------- */
#define MAY_IO(fd, flags) (!nonblocking(fd) && !((flags)&MSG_DONTWAIT))

SS_PUBLIC ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    if (!REAL(recv))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.recv(fd, buf, n, flags);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.recv(fd, buf, n, flags);
    END(SS_API_RECV, fd, n, r, SS_VIA_DIRECT);
    return r;
}

SS_PUBLIC ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
    if (!REAL(__recv_chk))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.__recv_chk(fd, buf, n, buflen, flags);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.__recv_chk(fd, buf, n, buflen, flags);
    END(SS_API_RECV, fd, n, r, SS_VIA_DIRECT);
    return r;
}

SS_PUBLIC ssize_t recvfrom(int fd, void *buf, size_t n, int flags, __SOCKADDR_ARG addr, socklen_t *len)
{
    if (!REAL(recvfrom))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.recvfrom(fd, buf, n, flags, addr, len);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.recvfrom(fd, buf, n, flags, addr, len);
    END(SS_API_RECV, fd, n, r, SS_VIA_FROM);
    return r;
}

SS_PUBLIC ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags, __SOCKADDR_ARG addr,
                                 socklen_t *len)
{
    if (!REAL(__recvfrom_chk))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.__recvfrom_chk(fd, buf, n, buflen, flags, addr, len);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.__recvfrom_chk(fd, buf, n, buflen, flags, addr, len);
    END(SS_API_RECV, fd, n, r, SS_VIA_FROM);
    return r;
}

SS_PUBLIC ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
    if (!REAL(recvmsg))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.recvmsg(fd, m, flags);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.recvmsg(fd, m, flags);
    END(SS_API_RECV, fd, iov_bytes(m), r, SS_VIA_MSG);
    return r;
}

SS_PUBLIC ssize_t read(int fd, void *buf, size_t n)
{
    if (!REAL(read))
        return syscall(SYS_read, fd, buf, n); /* asked for while dlsym runs */
    if (!ss_pl_on() || !is_socket(fd))
        return real.read(fd, buf, n);
    BEGIN(!nonblocking(fd));
    ssize_t r = real.read(fd, buf, n);
    END(SS_API_RECV, fd, n, r, SS_VIA_RW);
    return r;
}

SS_PUBLIC ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    if (!REAL(__read_chk))
        NOSYS(-1);
    if (!ss_pl_on() || !is_socket(fd))
        return real.__read_chk(fd, buf, n, buflen);
    BEGIN(!nonblocking(fd));
    ssize_t r = real.__read_chk(fd, buf, n, buflen);
    END(SS_API_RECV, fd, n, r, SS_VIA_RW);
    return r;
}

/* --- the send family ----------------------------------------------------------- */
SS_PUBLIC ssize_t send(int fd, const void *buf, size_t n, int flags)
{
    if (!REAL(send))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.send(fd, buf, n, flags);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.send(fd, buf, n, flags);
    END(SS_API_SEND, fd, n, r, SS_VIA_DIRECT);
    return r;
}

SS_PUBLIC ssize_t sendto(int fd, const void *buf, size_t n, int flags, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
    if (!REAL(sendto))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.sendto(fd, buf, n, flags, addr, len);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.sendto(fd, buf, n, flags, addr, len);
    END(SS_API_SEND, fd, n, r, SS_VIA_FROM);
    return r;
}

SS_PUBLIC ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
    if (!REAL(sendmsg))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.sendmsg(fd, m, flags);
    BEGIN(MAY_IO(fd, flags));
    ssize_t r = real.sendmsg(fd, m, flags);
    END(SS_API_SEND, fd, iov_bytes(m), r, SS_VIA_MSG);
    return r;
}

SS_PUBLIC ssize_t write(int fd, const void *buf, size_t n)
{
    if (!REAL(write))
        return syscall(SYS_write, fd, buf, n);
    if (!ss_pl_on() || !is_socket(fd))
        return real.write(fd, buf, n);
    BEGIN(!nonblocking(fd));
    ssize_t r = real.write(fd, buf, n);
    END(SS_API_SEND, fd, n, r, SS_VIA_RW);
    return r;
}

/* --- close, shutdown --------------------------------------------------------------- */
/* Only a descriptor known to be a socket is recorded: one never used by a
 * wrapped call since it was made (a file, or a socket passed in and left
 * alone) is closed without a look, so closing files costs no fstat. */
SS_PUBLIC int close(int fd)
{
    if (!REAL(close))
        return (int)syscall(SYS_close, fd);
    int bits = fd >= 0 && fd < SS_PL_FDS ? atomic_load_explicit(&ss_pl_fd[fd], memory_order_relaxed) : 0;
    ss_pl_fd_set(fd, 0); /* forgotten before the number can be handed out again */
    if (!ss_pl_on() || !(bits & SS_FD_SOCK))
        return real.close(fd);
    BEGIN(0);
    int r = real.close(fd);
    END(SS_API_CLOSE, fd, 0, r, 0);
    return r;
}

SS_PUBLIC int shutdown(int fd, int how)
{
    if (!REAL(shutdown))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.shutdown(fd, how);
    BEGIN(0);
    int r = real.shutdown(fd, how);
    END(SS_API_SHUTDOWN, fd, how, r, 0);
    return r;
}

/* --- waits ----------------------------------------------------------------------------- */
/* descriptors in any of the sets: the call's arg, as the built-in probe's */
static uint64_t watched(int nfds, const fd_set *r, const fd_set *w, const fd_set *e)
{
    enum { BITS = 8 * (int)sizeof(unsigned long) };
    const unsigned long *rs = (const unsigned long *)r, *ws = (const unsigned long *)w, *es = (const unsigned long *)e;
    uint64_t n = 0;
    if (nfds > FD_SETSIZE)
        nfds = FD_SETSIZE;
    for (int i = 0; i * BITS < nfds; i++) {
        unsigned long m = (rs ? rs[i] : 0) | (ws ? ws[i] : 0) | (es ? es[i] : 0);
        if ((i + 1) * BITS > nfds)
            m &= (1ul << (nfds - i * BITS)) - 1;
        n += (uint64_t)__builtin_popcountl(m);
    }
    return n;
}

SS_PUBLIC int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (!REAL(select))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.select(nfds, r, w, e, tv);
    uint64_t n = watched(nfds, r, w, e);
    BEGIN(!tv || tv->tv_sec || tv->tv_usec);
    int ret = real.select(nfds, r, w, e, tv);
    END(SS_API_SELECT, -1, n, ret,
        !tv                           ? SS_SELECT_FOREVER
        : (tv->tv_sec || tv->tv_usec) ? SS_SELECT_TIMED
                                      : SS_SELECT_POLL);
    return ret;
}

static uint32_t ts_kind(const struct timespec *ts)
{
    return !ts ? SS_SELECT_FOREVER : (ts->tv_sec || ts->tv_nsec) ? SS_SELECT_TIMED : SS_SELECT_POLL;
}

SS_PUBLIC int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts, const sigset_t *mask)
{
    if (!REAL(pselect))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.pselect(nfds, r, w, e, ts, mask);
    uint64_t n = watched(nfds, r, w, e);
    uint32_t kind = ts_kind(ts);
    BEGIN(kind != SS_SELECT_POLL);
    int ret = real.pselect(nfds, r, w, e, ts, mask);
    END(SS_API_SELECT, -1, n, ret, kind);
    return ret;
}

SS_PUBLIC int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (!REAL(poll))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.poll(fds, n, timeout);
    BEGIN(timeout != 0);
    int ret = real.poll(fds, n, timeout);
    END(SS_API_POLL, -1, n, ret, 0);
    return ret;
}

SS_PUBLIC int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len)
{
    if (!REAL(__poll_chk))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.__poll_chk(fds, n, timeout, len);
    BEGIN(timeout != 0);
    int ret = real.__poll_chk(fds, n, timeout, len);
    END(SS_API_POLL, -1, n, ret, 0);
    return ret;
}

SS_PUBLIC int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
    if (!REAL(ppoll))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.ppoll(fds, n, ts, mask);
    BEGIN(ts_kind(ts) != SS_SELECT_POLL);
    int ret = real.ppoll(fds, n, ts, mask);
    END(SS_API_POLL, -1, n, ret, 0);
    return ret;
}

SS_PUBLIC int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask, size_t len)
{
    if (!REAL(__ppoll_chk))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.__ppoll_chk(fds, n, ts, mask, len);
    BEGIN(ts_kind(ts) != SS_SELECT_POLL);
    int ret = real.__ppoll_chk(fds, n, ts, mask, len);
    END(SS_API_POLL, -1, n, ret, 0);
    return ret;
}

SS_PUBLIC int epoll_create(int size)
{
    if (!REAL(epoll_create))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_create(size);
    BEGIN(0);
    int ep = real.epoll_create(size);
    ss_pl_fd_set(ep, SS_FD_KNOWN);
    END(SS_API_EPOLL_CREATE, -1, 0, ep, SS_VIA_DIRECT);
    return ep;
}

SS_PUBLIC int epoll_create1(int flags)
{
    if (!REAL(epoll_create1))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_create1(flags);
    BEGIN(0);
    int ep = real.epoll_create1(flags);
    ss_pl_fd_set(ep, SS_FD_KNOWN);
    END(SS_API_EPOLL_CREATE, -1, 0, ep, SS_VIA_4);
    return ep;
}

SS_PUBLIC int epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
    if (!REAL(epoll_ctl))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_ctl(ep, op, fd, ev);
    BEGIN(0);
    int r = real.epoll_ctl(ep, op, fd, ev);
    END(SS_API_EPOLL_CTL, fd, op, r, 0);
    return r;
}

SS_PUBLIC int epoll_wait(int ep, struct epoll_event *evs, int max, int timeout)
{
    if (!REAL(epoll_wait))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_wait(ep, evs, max, timeout);
    BEGIN(timeout != 0);
    int r = real.epoll_wait(ep, evs, max, timeout);
    END(SS_API_EPOLL_WAIT, ep, max, r, 0);
    return r;
}

SS_PUBLIC int epoll_pwait(int ep, struct epoll_event *evs, int max, int timeout, const sigset_t *mask)
{
    if (!REAL(epoll_pwait))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_pwait(ep, evs, max, timeout, mask);
    BEGIN(timeout != 0);
    int r = real.epoll_pwait(ep, evs, max, timeout, mask);
    END(SS_API_EPOLL_WAIT, ep, max, r, 0);
    return r;
}

SS_PUBLIC int epoll_pwait2(int ep, struct epoll_event *evs, int max, const struct timespec *ts, const sigset_t *mask)
{
    if (!REAL(epoll_pwait2))
        NOSYS(-1);
    if (!ss_pl_on())
        return real.epoll_pwait2(ep, evs, max, ts, mask);
    BEGIN(ts_kind(ts) != SS_SELECT_POLL);
    int r = real.epoll_pwait2(ep, evs, max, ts, mask);
    END(SS_API_EPOLL_WAIT, ep, max, r, 0);
    return r;
}

/* --- non-blocking mode, and the fd table ---------------------------------------------- */
/* fcntl's third argument is an int or a pointer; glibc reads it as a
 * pointer-sized value and so do we. F_GETFL/F_SETFL on a socket are
 * recorded (that is how a POSIX program makes a socket non-blocking: the
 * textbook's ioctlsocket(FIONBIO)); the duplicating commands keep the fd
 * table right. */
static int fcntl_common(int (*fn)(int, int, ...), int fd, int cmd, void *arg)
{
    if (!ss_pl_on() || (cmd != F_GETFL && cmd != F_SETFL) || !is_socket(fd)) {
        int r = fn(fd, cmd, arg);
        if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
            ss_pl_fd_set(r, ss_pl_fd_bits(fd));
        else if (r == 0 && cmd == F_SETFL && (ss_pl_fd_bits(fd) & SS_FD_SOCK))
            ss_pl_fd_set(fd, sock_bits(((long)arg & O_NONBLOCK) != 0));
        return r;
    }
    BEGIN(0);
    int r = fn(fd, cmd, arg);
    if (r == 0 && cmd == F_SETFL)
        ss_pl_fd_set(fd, sock_bits(((long)arg & O_NONBLOCK) != 0));
    END(SS_API_FCNTL, fd, cmd, r, 0);
    return r;
}

SS_PUBLIC int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!REAL(fcntl))
        return (int)syscall(SYS_fcntl, fd, cmd, arg);
    return fcntl_common(real.fcntl, fd, cmd, arg);
}

SS_PUBLIC int fcntl64(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!REAL(fcntl64))
        return (int)syscall(SYS_fcntl, fd, cmd, arg);
    return fcntl_common(real.fcntl64, fd, cmd, arg);
}

SS_PUBLIC int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (!REAL(ioctl))
        return (int)syscall(SYS_ioctl, fd, req, arg);
    if (!ss_pl_on() || req != FIONBIO || !is_socket(fd)) {
        int r = real.ioctl(fd, req, arg);
        if (r == 0 && req == FIONBIO && arg && (ss_pl_fd_bits(fd) & SS_FD_SOCK))
            ss_pl_fd_set(fd, sock_bits(*(int *)arg != 0));
        return r;
    }
    BEGIN(0);
    int r = real.ioctl(fd, req, arg);
    if (r == 0 && arg)
        ss_pl_fd_set(fd, sock_bits(*(int *)arg != 0));
    END(SS_API_IOCTL, fd, FIONBIO, r, 0);
    return r;
}

SS_PUBLIC int dup(int fd)
{
    if (!REAL(dup))
        NOSYS(-1);
    int r = real.dup(fd);
    if (r >= 0)
        ss_pl_fd_set(r, ss_pl_fd_bits(fd));
    return r;
}

SS_PUBLIC int dup2(int fd, int to)
{
    if (!REAL(dup2))
        NOSYS(-1);
    if (to != fd)
        ss_pl_fd_set(to, 0);
    int r = real.dup2(fd, to);
    if (r >= 0 && r != fd)
        ss_pl_fd_set(r, ss_pl_fd_bits(fd));
    return r;
}

SS_PUBLIC int dup3(int fd, int to, int flags)
{
    if (!REAL(dup3))
        NOSYS(-1);
    ss_pl_fd_set(to, 0);
    int r = real.dup3(fd, to, flags);
    if (r >= 0)
        ss_pl_fd_set(r, ss_pl_fd_bits(fd));
    return r;
}

SS_PUBLIC int close_range(unsigned first, unsigned last, int flags)
{
    if (!REAL(close_range))
        NOSYS(-1);
    int r = real.close_range(first, last, flags);
    if (r == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
        for (unsigned fd = first; fd <= last && fd < SS_PL_FDS; fd++)
            ss_pl_fd_set((int)fd, 0);
    return r;
}

/* --- thread names ----------------------------------------------------------------- */
SS_HIDDEN void ss_pl_named_self(const char *name); /* preload.c */
SS_HIDDEN void ss_pl_named_other(pthread_t th, const char *name);

SS_PUBLIC int prctl(int option, ...)
{
    va_list ap;
    va_start(ap, option);
    unsigned long a2 = va_arg(ap, unsigned long), a3 = va_arg(ap, unsigned long);
    unsigned long a4 = va_arg(ap, unsigned long), a5 = va_arg(ap, unsigned long);
    va_end(ap);
    if (!REAL(prctl))
        return (int)syscall(SYS_prctl, option, a2, a3, a4, a5);
    int r = real.prctl(option, a2, a3, a4, a5);
    if (r == 0 && option == PR_SET_NAME && a2) {
        int e = errno;
        ss_pl_named_self((const char *)a2);
        errno = e;
    }
    return r;
}

SS_PUBLIC int pthread_setname_np(pthread_t th, const char *name)
{
    if (!REAL(pthread_setname_np))
        return ENOSYS;
    int r = real.pthread_setname_np(th, name);
    if (r == 0) {
        int e = errno;
        if (pthread_equal(th, pthread_self()))
            ss_pl_named_self(name);
        else
            ss_pl_named_other(th, name);
        errno = e;
    }
    return r;
}
