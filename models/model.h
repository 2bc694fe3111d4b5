/* model.h — the one interface every I/O model implements.
 *
 * A model is a table of operations registered at build time, one file per
 * model (like Redis's ae_epoll.c / ae_select.c): each file's `const ss_model`
 * stands just above the serve() it names, and models/registry.c lists them. The server layer creates the
 * listening socket and a stop signal; the model's serve() runs the textbook's
 * echo loop until stop is requested, then closes its connections and returns.
 *
 * Echo rules every model keeps (the textbook's servers): a 512-byte buffer per
 * connection, per-socket recvbytes/sendbytes counters, partial sends resumed,
 * never waiting to read and write at once, never losing or reordering a byte,
 * and a peer that resets or vanishes only ends its own connection. */
#ifndef SS_MODEL_H
#define SS_MODEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SS_BUFSIZE 512

typedef enum ss_family { SS_FAMILY_SYNC = 0, SS_FAMILY_ASYNC = 1 } ss_family;

/* Options a model may honour; each model documents which. */
typedef struct ss_model_opts {
    int fd_setsize;      /* select: refuse connections beyond this many (0 = FD_SETSIZE) */
    int edge_triggered;  /* epoll: EPOLLET instead of level-triggered */
    int sqpoll;          /* io_uring: kernel submission-queue polling thread */
    int workers;         /* completion workers (0 = model default) */
    unsigned cpu_work_us;/* simulated computation per request */
    int rcvbuf, sndbuf;  /* SO_RCVBUF / SO_SNDBUF, set on the listening socket (0 = default) */
    int nodelay;         /* TCP_NODELAY on the listening socket, so on every accepted one */
    int ui_rate;         /* async-select: ordinary UI messages per second sharing the queue */
    unsigned ui_cost_us; /* async-select: handling time of one UI message (0 = SS_UI_COST_US) */
} ss_model_opts;

#define SS_UI_COST_US 300

/* Out of descriptors: when accept fails with EMFILE/ENFILE the listening
 * socket stays readable, and a model that keeps watching it spins. The
 * gate closes instead: the model stops watching the listener until a
 * connection closes (a descriptor frees) or SS_ACCEPT_RETRY_MS pass, as
 * nginx and libuv back off. The first time, the server says so on stderr
 * and in the trace (a run note). */
#define SS_ACCEPT_RETRY_MS 250
typedef struct ss_accept_gate {
    _Atomic int closed;
    _Atomic long closed_conns;    /* conns_closed when it closed */
    _Atomic uint64_t closed_at_ns;
    _Atomic int said;             /* the refusal was reported */
} ss_accept_gate;

typedef struct ss_server {
    int listen_fd;
    int stop_fd;              /* becomes readable when stop is requested */
    _Atomic int stopping;
    ss_model_opts opts;
    _Atomic long conns_open;  /* live connections, for progress */
    _Atomic long conns_total;
    _Atomic long conns_closed;
    ss_accept_gate gate;
    struct ss_win_stop *win_stop; /* Windows: the model's wake-up (models/model_win.h); NULL elsewhere */
} ss_server;

typedef struct ss_model {
    const char *name;
    ss_family family;
    const char *mechanism;    /* the real mechanism behind it on this platform */
    const char *summary;      /* one line: what it shows */
    /* NULL when always available; else returns 0 and fills why if it cannot run here */
    int (*available)(char *why, size_t n);
    int (*serve)(ss_server *s); /* 0 on a clean stop, -1 on a fatal error (message on stderr) */
} ss_model;

/* registry.c: the one list of models */
const ss_model *const *ss_models(size_t *count);      /* the models built here, in the list's order */
const char *const *ss_model_all_names(size_t *count); /* every model sockscope knows, built here or not */
int ss_model_known(const char *name);                 /* one of those */
const ss_model *ss_model_find(const char *name);      /* a model built here, or NULL */
int ss_model_available(const ss_model *m, char *why, size_t n);
void ss_model_names(char *out, size_t n); /* "a, b, c" (built here) for error messages */

/* shared helpers for models (models/common.c) */
int  ss_stop_requested(const ss_server *s);
void ss_conn_opened(ss_server *s, int fd);   /* counts a new connection */
void ss_conn_closed(ss_server *s, int fd);   /* counts and closes */
int  ss_accept_conn(ss_server *s);           /* accept + ss_conn_opened; -1 with errno (EMFILE closes the gate) */
void ss_accept_failed(ss_server *s, int err); /* an accept made elsewhere (io_uring) failed with err */
/* The accept gate (above): is accepting worth trying now? Reopens the gate
 * once a connection has closed or the retry time has passed. */
int  ss_accept_open(ss_server *s);
/* The timeout a readiness wait should use (timeout_ms < 0: none): while
 * the gate is closed, no longer than until it is worth retrying. */
int  ss_accept_wait_ms(ss_server *s, int timeout_ms);
/* Say once, on stderr and as a trace note, that the server refuses work
 * and why (out of descriptors, an event object that cannot be created). */
void ss_refusing(ss_server *s, const char *why);
/* The textbook's accept loop step (blocking accept in the main thread):
 * the next connection, or -1 once stop is requested. Out of fds, it naps
 * 10 ms at a time so that clients can finish. */
int  ss_accept_next(ss_server *s);

/* The textbook's per-socket echo state for completion-based models: one
 * operation outstanding at a time, recvbytes/sendbytes as in its SOCKETINFO. */
typedef struct ss_echo {
    int recvbytes, sendbytes;
    char buf[SS_BUFSIZE];
} ss_echo;

/* One completed operation (api SS_API_RECV or SS_API_SEND, res bytes or
 * -errno): update the counters (with the CPU work after a receive) and
 * return the operation to post next: SS_API_SEND for what is still to be
 * echoed, SS_API_RECV, or 0 when the connection is over (EOF, reset). */
int  ss_echo_step(ss_server *s, int fd, ss_echo *e, int api, int res);
/* The buffer and length the next operation `api` works on. */
void ss_echo_span(ss_echo *e, int api, char **buf, unsigned *len);

int  ss_would_block(void);                   /* errno is EWOULDBLOCK/EAGAIN/EINTR: try again later */

/* A server's live connections, so that stop can reach them all: a doubly
 * linked list through the connections' own `prev` and `next` fields (any
 * struct that has them; head points at the first, or is NULL). The caller
 * holds whatever lock guards the list. */
#define SS_LIVE_PUSH(head, n)                                                                                          \
    do {                                                                                                               \
        (n)->prev = NULL;                                                                                              \
        (n)->next = (head);                                                                                            \
        if (head)                                                                                                      \
            (head)->prev = (n);                                                                                        \
        (head) = (n);                                                                                                  \
    } while (0)
#define SS_LIVE_REMOVE(head, n)                                                                                        \
    do {                                                                                                               \
        if ((n)->prev)                                                                                                 \
            (n)->prev->next = (n)->next;                                                                               \
        else                                                                                                           \
            (head) = (n)->next;                                                                                        \
        if ((n)->next)                                                                                                 \
            (n)->next->prev = (n)->prev;                                                                               \
    } while (0)

/* The blocking echo loop of the textbook's blocking servers: recv up to
 * 512 bytes, send them all back, until the peer closes, resets, or the
 * socket is shut down (stop). The caller closes fd. */
void ss_echo_blocking(ss_server *s, int fd);

/* One socket of a non-blocking server, the textbook's SOCKETINFO: a 512-byte
 * buffer holding recvbytes received bytes of which sendbytes are echoed. */
typedef struct ss_sockinfo {
    int fd;
    int recvbytes, sendbytes;
    char buf[SS_BUFSIZE];
} ss_sockinfo;

static inline int ss_si_pending(const ss_sockinfo *si) { return si->recvbytes > si->sendbytes; }
/* recv into the (empty) buffer: 1 = got bytes, 0 = would block, -1 = peer
 * closed or failed (drop the socket). Runs the simulated CPU work. */
int ss_si_recv(ss_server *s, ss_sockinfo *si);
/* send what is pending, once: 1 = all echoed (buffer empty again),
 * 0 = bytes still pending (short send or would block), -1 = failed. */
int ss_si_send(ss_sockinfo *si);

/* The textbook's SocketInfoArray: the live sockets of a one-thread server. */
typedef struct ss_sockset {
    ss_sockinfo **v;
    int n, cap;
} ss_sockset;

ss_sockinfo *ss_sockset_add(ss_sockset *set, int fd);      /* NULL when out of memory */
void ss_sockset_drop(ss_server *s, ss_sockset *set, int i); /* close; the last entry moves to i */
void ss_sockset_clear(ss_server *s, ss_sockset *set);       /* close all, free the array */

#endif
