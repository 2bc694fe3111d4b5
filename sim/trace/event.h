/* event.h — what one trace event is, and the vocabulary of APIs it can name.
 *
 * Every probe, on every platform, produces one ss_event. In a per-thread ring
 * the times are raw clock ticks; once read back from a trace file they are
 * nanoseconds since the start of the run. */
#ifndef SS_EVENT_H
#define SS_EVENT_H

#include <stdint.h>

/* The APIs a probe can record. The numeric values are part of the trace file
 * format (docs/trace-format.md): append, never renumber. */
/* clang-format off */
typedef enum ss_api {
    SS_API_NONE = 0,
    /* socket calls: one kernel entry each */
    SS_API_SOCKET = 1, SS_API_BIND, SS_API_LISTEN, SS_API_ACCEPT, SS_API_CONNECT,
    SS_API_RECV, SS_API_SEND, SS_API_CLOSE, SS_API_SHUTDOWN, SS_API_SETSOCKOPT,
    SS_API_GETSOCKNAME, SS_API_FCNTL, SS_API_IOCTL,
    /* readiness waits */
    SS_API_SELECT = 20, SS_API_POLL, SS_API_EPOLL_CREATE, SS_API_EPOLL_CTL, SS_API_EPOLL_WAIT,
    /* completion-based I/O */
    SS_API_URING_ENTER = 30,  /* io_uring_enter(2): the only kernel entry of io_uring */
    SS_API_URING_SETUP,       /* io_uring_setup(2) */
    SS_API_OP_SUBMIT,         /* an operation queued for the kernel (no kernel entry) */
    SS_API_OP_COMPLETE,       /* a completion packet taken by a thread (no kernel entry) */
    /* pseudo events: no kernel entry */
    SS_API_REQUEST = 50,      /* client: send of a message .. last byte echoed back */
    SS_API_CPU_WORK,          /* simulated per-request computation */
    SS_API_MSG_POST,          /* a window message posted to a queue */
    SS_API_MSG_DISPATCH,      /* a window message handled by the window procedure */
    SS_API_EVENT_SIGNAL,      /* an event object signalled */
    SS_API_REFUSED,           /* a connection refused by a model limit (e.g. FD_SETSIZE) */
    SS_API_WAKEUP,            /* one thread woke another (ret = woken thread index) */
    /* synchronisation objects: one kernel entry each */
    SS_API_FUTEX_WAIT,        /* futex(FUTEX_WAIT): a thread sleeps (a lock, a completion-port wait) */
    SS_API_FUTEX_WAKE,        /* futex(FUTEX_WAKE): ret = threads woken */
    SS_API_EVENT_CREATE,      /* eventfd(2): an event object (WSACreateEvent) */
    SS_API_EVENT_SET,         /* write(2) to an eventfd: signal it (WSASetEvent) */
    SS_API_EVENT_RESET,       /* read(2) from an eventfd: reset it (WSAResetEvent) */
    SS_API_EVENT_CLOSE,       /* close(2) of an eventfd (WSACloseEvent) */
    /* pseudo events: no kernel entry */
    SS_API_PACKET_POST,       /* a completion packet queued on a port (arg = queue depth after) */
    SS_API_ROUTINE,           /* a completion routine ran in its issuing thread (id = operation) */
    /* Winsock network events (event-select, async-select) */
    SS_API_ENUM_EVENTS,       /* WSAEnumNetworkEvents: take a socket's recorded network events
                                 and reset its event object (aux = SS_NE_* bits taken) */
    SS_API_TRACE_WAIT,        /* the recorder, not the model, held the thread: its ring was
                                 full until the writer caught up (pseudo event, t0..t1) */
    SS_API_FD_SETS,           /* select's sets built with FD_ZERO/FD_SET (table 11-7): user
                                 space, t0..t1; arg = sockets put in the sets */
    /* Windows only (models/NAME_win.c): one kernel entry each */
    SS_API_WSA_ASYNC_SELECT = 70, SS_API_GET_MESSAGE, SS_API_WSA_CREATE_EVENT, SS_API_WSA_CLOSE_EVENT,
    SS_API_WSA_EVENT_SELECT, SS_API_WSA_WAIT, SS_API_WSA_ENUM_EVENTS, SS_API_WSA_GET_OVERLAPPED,
    SS_API_SLEEP_EX, SS_API_IOCP_CREATE, SS_API_IOCP_GET, SS_API_IOCP_POST, SS_API_WSA_RESET_EVENT,
    SS_API_COUNT
} ss_api;
/* clang-format on */

/* Portable error codes: Winsock and errno map onto these so that a trace
 * recorded on one OS reads the same on another. */
typedef enum ss_err {
    SS_E_OK = 0, SS_E_WOULDBLOCK, SS_E_CONNRESET, SS_E_PIPE, SS_E_INTR, SS_E_INVAL,
    SS_E_TIMEDOUT, SS_E_CONNREFUSED, SS_E_ADDRINUSE, SS_E_BADF, SS_E_NOTCONN,
    SS_E_MFILE, SS_E_NOBUFS, SS_E_CANCELED, SS_E_OTHER
} ss_err;

/* ss_event.flags */
/* clang-format off */
enum {
    SS_EV_KERNEL  = 1 << 0, /* the call entered the kernel: one user/kernel transition */
    SS_EV_MAYBLOCK = 1 << 1, /* the call could have put the thread to sleep */
    SS_EV_WAITED  = 1 << 2, /* ... and it did: a voluntary context switch happened inside */
    SS_EV_ASYNC   = 1 << 3, /* part of an asynchronous operation (submit or completion) */
    SS_EV_FAILED  = 1 << 4, /* ret < 0 / the request failed verification */
    SS_EV_WAIT_MISSED = 1 << 5, /* verification mode only: the lazy wait rule disagreed */
    /* Honest stand-ins (docs/architecture.md): on Linux a few Windows models are played
     * by machinery that Windows keeps in its kernel. Every event has a role: */
    SS_EV_EMUL    = 1 << 6, /* a real call (or note) of that machinery: a notifier or port
                               thread, a futex under a user-space queue, an io_uring_enter
                               that carries a WSARecv. Counted apart, never charged to the model */
    SS_EV_STANDIN = 1 << 7, /* the Windows call the model makes, as its stand-in made it: api
                               names the Windows call, flags say what that call does on Windows
                               (KERNEL: one transition); no Linux call itself, impl names the one
                               that did the work (the EMUL events inside its span) */
};
/* clang-format on */

typedef struct ss_event {
    uint64_t t0, t1;   /* enter / exit */
    int64_t  ret;      /* return value: bytes, fd, count; <0 on error */
    uint64_t arg;      /* bytes asked (recv/send), fds watched (waits), timeout... */
    uint64_t id;       /* async operation id / completion key / request number */
    int32_t  sock;     /* socket (fd or SOCKET), -1 when none */
    uint32_t aux;      /* queue depth, operation api of a completion, message code */
    uint16_t api;      /* ss_api */
    uint8_t  err;      /* ss_err */
    uint8_t  flags;    /* SS_EV_* */
    uint16_t impl;     /* SS_EV_STANDIN: the Linux call that did the work (0: none, user space) */
    uint16_t pad_;
} ss_event;

/* Winsock's network events (table 11-8), with Winsock's bit values. They are
 * the message code (aux) of SS_API_MSG_POST / SS_API_MSG_DISPATCH for socket
 * messages, and the events (aux) of SS_API_EVENT_SIGNAL / SS_API_ENUM_EVENTS. */
enum {
    SS_NE_READ = 0x01, SS_NE_WRITE = 0x02, SS_NE_OOB = 0x04, SS_NE_ACCEPT = 0x08,
    SS_NE_CONNECT = 0x10, SS_NE_CLOSE = 0x20,
};
/* Message codes (aux) of window messages that are not socket messages. */
enum {
    SS_MSG_UI = 0x100,   /* an ordinary UI message (paint, input) sharing the queue */
    SS_MSG_QUIT = 0x101, /* WM_QUIT: the message loop ends */
};

/* Thread roles, recorded per thread. */
/* SS_ROLE_EMUL: a server-side thread that exists only because a Linux
 * stand-in plays the Windows kernel's part (async-select's and
 * event-select's notifier, the completion port's port thread): all of its
 * events are emulation (SS_EV_EMUL). */
typedef enum ss_role {
    SS_ROLE_SERVER = 0, SS_ROLE_CLIENT = 1, SS_ROLE_CONTROL = 2, SS_ROLE_RELAY = 3, SS_ROLE_EMUL = 4
} ss_role;

const char *ss_api_name(int api);      /* "recv", "epoll_wait", ... ("?" if unknown) */
int         ss_api_from_name(const char *name); /* -1 if unknown */
int         ss_api_is_kernel(int api); /* a call that always is one kernel entry */
int         ss_api_is_socket_call(int api); /* counted in "socket calls" */
const char *ss_err_name(int err);      /* "EWOULDBLOCK", ... */
int         ss_err_from_errno(int e);
const char *ss_role_name(int role);
/* The name an event is known by in its model: a stand-in's Windows call
 * (SS_EV_STANDIN) and a Windows trace's overlapped submit are WSARecv /
 * WSASend; everything else its API name. */
const char *ss_event_name(int api, int aux, int flags);
/* Counted as the model's own work: not emulation (sim/report/stats.h). */
static inline int ss_ev_is_model(int flags) { return !(flags & SS_EV_EMUL); }
/* A call the OS really made (what strace counts): not a modelled Windows call. */
static inline int ss_ev_is_real(int flags) { return !(flags & SS_EV_STANDIN); }

#endif
