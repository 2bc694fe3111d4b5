/* probe.h — every socket call a model or client makes goes through one of
 * these. Each records thread, API, socket, bytes asked/returned, result or
 * error, enter and exit time, and for calls that can put the thread to sleep
 * whether it really did (see docs/instrumentation.md: a voluntary context
 * switch counted by getrusage(RUSAGE_THREAD) across the call).
 *
 * The wrappers keep the textbook's calls (accept, recv, send, select, ...)
 * so the recorded calls match what strace counts for the same process.
 *
 * This is what models and clients call; how a probe records (the wait
 * chain, entering and leaving a call) is the probes' own, probe_int.h. */
#ifndef SS_PROBE_H
#define SS_PROBE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sim/trace/endpoint.h" /* ss_endpoint_pack, for the probes' callers too */
#include "sim/trace/event.h"

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
/* select: recorded with arg = the sockets in the sets and aux = the
 * timeout's case (the chapter's three: SS_SELECT_*). */
int     ss_select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
enum { SS_SELECT_FOREVER = 0, SS_SELECT_POLL = 1, SS_SELECT_TIMED = 2 };
static inline uint32_t ss_select_timeout_kind(const struct timeval *tv)
{
    return !tv ? SS_SELECT_FOREVER : (tv->tv_sec || tv->tv_usec) ? SS_SELECT_TIMED : SS_SELECT_POLL;
}
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

/* --- honest stand-ins (docs/architecture.md) -------------------------------
 * On Linux, async-select, event-select, overlapped and iocp play Windows
 * calls with machinery of their own. A Windows call the model makes is
 * bracketed by ss_standin_begin/end: every event the thread records in
 * between is that machinery's (SS_EV_EMUL), and the end records the Windows
 * call itself (SS_EV_STANDIN) over the whole span, so that names, captions
 * and counters follow the role, never the Linux call. Emulation outside any
 * Windows call (a hand-over to another thread, a wake-up) is bracketed by
 * ss_emul_begin/end; a thread that is all emulation (a notifier, a port
 * thread) starts with ss_emul_thread_begin. Scopes nest: a Windows call
 * made inside emulation is emulation too. */
typedef struct ss_standin {
    uint64_t t0;
    uint16_t impl;         /* the caller may name the Linux call that does the work
                              when it happens outside the span (a batched io_uring_enter) */
    uint8_t outer_flags;   /* the enclosing scope's tracking, restored at the end */
    uint16_t outer_impl;
} ss_standin;

void ss_standin_begin(ss_standin *s);
/* Records the Windows call win_api over [begin, now]. flags: what the call
 * does on Windows (SS_EV_KERNEL for a kernel entry, SS_EV_ASYNC...);
 * may_block: it is a wait (SS_EV_WAITED is added when the machinery slept).
 * impl is the Linux call that did the work: the one that slept, else the
 * last kernel entry, else s->impl, else 0 (it stayed in user space). */
void ss_standin_end(ss_standin *s, int win_api, int sock, uint64_t arg, int64_t ret, int err, uint64_t id,
                    uint32_t aux, int flags, int may_block);
void ss_emul_begin(void);
void ss_emul_end(void);
void ss_emul_thread_begin(const char *name); /* ss_thread_begin(SS_ROLE_EMUL, name), all emulation */
/* SS_EV_EMUL when the calling thread is inside emulation, else 0. */
int  ss_emul_flag(void);

/* Spin for about `us` microseconds of real computation, recorded as CPU work. */
void ss_cpu_work(int sock, unsigned us);
/* The same, for work that is not a request's: aux says whose (SS_MSG_UI:
 * the window procedure handling an ordinary window message). */
void ss_cpu_work_for(int sock, unsigned us, uint32_t aux);

/* Is fd known to be in non-blocking mode (set through ss_set_nonblocking)? */
int  ss_fd_is_nonblocking(int fd);

#endif
