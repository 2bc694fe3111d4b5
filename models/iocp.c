/* iocp — the textbook's CompletionPortTCPServer on Linux. The main (serve)
 * thread accepts with a blocking accept, associates each socket with the
 * port (CreateIoCompletionPort; its completion key is its SOCKETINFO, here
 * a conn) and posts its first WSARecv. Worker threads (2 x CPUs by default,
 * --workers N) wait in GetQueuedCompletionStatus; for each packet they do
 * the textbook's step: 0 bytes or an error closes the socket; a receive is
 * echoed with WSASend; a send completion resends the remainder or posts
 * the next WSARecv. One operation is outstanding per socket, so one worker
 * at a time owns it.
 *
 * The stand-in (Linux has no completion port): operations are SQEs on one
 * io_uring, pushed with one io_uring_enter per WSARecv/WSASend (none with
 * --sqpoll); a "port" thread plays the kernel's I/O manager: it sleeps in
 * io_uring_enter, turns each CQE into a completion packet and posts it to
 * the user-space queue of models/completion_port.c, from which workers
 * dequeue (LIFO wake-ups over futexes, each packet exactly once).
 *
 * Recording follows the roles (sim/probe/probe.h): the Windows calls —
 * CreateIoCompletionPort, WSARecv/WSASend, GetQueuedCompletionStatus,
 * PostQueuedCompletionStatus — are recorded as stand-in calls over the
 * machinery that plays them; that machinery (the port thread, the queue's
 * futexes and locks, the io_uring_enter under a WSASend, the hand-over of
 * a new socket's first WSARecv to a worker) is recorded as emulation. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "models/completion_port.h"
#include "models/model.h"
#include "models/uring_echo.h"
#include "sim/probe/probe.h"
#include "sim/probe/sync.h"
#include "sim/probe/uring.h"
#include "sim/trace/thread.h"

#define RING_ENTRIES 4096
#define GQCS_TIMEOUT_MS 500   /* workers look up from the port this often */
#define DRAIN_WAIT_MS 100
#define TAG_QUIT ((uint64_t)1)

typedef struct conn {
    int fd;
    int api;           /* the one outstanding operation ... */
    uint64_t op;       /* ... and its id */
    struct conn *prev, *next;
    ss_echo e;
} conn;

typedef struct worker {
    struct iocp_server *cp;
    int idx;
    pthread_t thread;
    ss_port_waiter waiter;
} worker;

typedef struct iocp_server {
    ss_server *srv;
    ss_port port;
    struct io_uring ring;
    int sqpoll;
    ss_lock sq_lock;             /* many threads prepare SQEs on one SQ */
    ss_lock live_lock;
    conn *live;
    _Atomic uint32_t nlive;
    _Atomic uint64_t next_op;
    pthread_t porter;
    int porter_running;
    worker *workers;
    int nworkers;
} iocp_server;

/* Put the operation c->api (id c->op) on the ring: the SQE preparation
 * under the lock, the kernel entry after it, so that workers do not queue
 * behind each other's sends. Returns the operation's length, or -1. */
static int push_io(iocp_server *cp, conn *c)
{
    ss_lock_acquire(&cp->sq_lock);
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&cp->ring, cp->sqpoll);
    unsigned len = 0;
    if (sqe) {
        len = ss_uring_prep_echo(sqe, &c->e, c->fd, c->api);
        io_uring_sqe_set_data(sqe, c);
        ss_uring_handoff(c); /* to the port thread, through the kernel */
        ss_uring_publish(&cp->ring);
    }
    ss_lock_release(&cp->sq_lock);
    if (!sqe)
        return -1;
    int rc = ss_uring_push(&cp->ring, cp->sqpoll, 1);
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) /* published: a later entry takes it */
        fprintf(stderr, "iocp: io_uring_enter failed: %s\n", strerror(-rc));
    return (int)len;
}

/* WSARecv / WSASend: one operation on the socket, completing on the port;
 * on Windows one kernel entry, here the ring's machinery. */
static int post_io(iocp_server *cp, conn *c, int api)
{
    int fd = c->fd; /* once pushed, c belongs to whichever worker takes its completion */
    uint64_t op = atomic_fetch_add(&cp->next_op, 1) + 1;
    c->api = api;
    c->op = op;
    ss_standin s;
    ss_standin_begin(&s);
    int len = push_io(cp, c);
    ss_standin_end(&s, SS_API_OP_SUBMIT, fd, len > 0 ? (uint64_t)len : 0, len < 0 ? -1 : 0, 0, op, (uint32_t)api,
                   SS_EV_KERNEL | SS_EV_ASYNC, 0);
    return len < 0 ? -1 : 0;
}

static void drop(iocp_server *cp, conn *c)
{
    ss_lock_acquire(&cp->live_lock); /* leave the list before close: stop may shut us down */
    SS_LIVE_REMOVE(cp->live, c);
    ss_lock_release(&cp->live_lock);
    ss_conn_closed(cp->srv, c->fd);
    free(c);
    if (atomic_fetch_sub(&cp->nlive, 1) == 1 && ss_stop_requested(cp->srv)) {
        ss_emul_begin(); /* the textbook's main thread would poll; this wakes it */
        ss_futex_wake(&cp->nlive, INT_MAX);
        ss_emul_end();
    }
}

/* CreateIoCompletionPort(sock, hcp, key, 0) and the first WSARecv, as
 * the textbook's main thread makes them. The stand-in cannot push that
 * WSARecv from here: io_uring finishes an operation as task work of the
 * thread that submitted it, which would interrupt and restart the blocking
 * accept behind the probes' back (a kernel entry strace counts as another
 * accept). So a worker pushes it: the socket is handed over as a packet on
 * the port, emulation that Windows does not need. */
static void associate(iocp_server *cp, int fd)
{
    ss_standin s;
    ss_standin_begin(&s);
    conn *c = calloc(1, sizeof *c);
    ss_standin_end(&s, SS_API_IOCP_CREATE, fd, 0, c ? 0 : -1, c ? 0 : ENOMEM, 0, 0, SS_EV_KERNEL, 0);
    if (!c) {
        ss_conn_closed(cp->srv, fd);
        return;
    }
    c->fd = fd;
    atomic_fetch_add(&cp->nlive, 1);
    ss_standin_begin(&s);
    ss_lock_acquire(&cp->live_lock);
    SS_LIVE_PUSH(cp->live, c);
    ss_lock_release(&cp->live_lock);
    uint64_t op = atomic_fetch_add(&cp->next_op, 1) + 1;
    c->api = SS_API_RECV;
    c->op = op;
    /* the hand-over packet carries no operation id: it is not the WSARecv's completion */
    ss_packet pk = {.key = c, .op = 0, .api = SS_API_ACCEPT, .sock = fd, .bytes = 0};
    int posted = ss_port_post(&cp->port, &pk) == 0; /* from here c is the workers' */
    ss_standin_end(&s, SS_API_OP_SUBMIT, fd, SS_BUFSIZE, posted ? 0 : -1, posted ? 0 : ENOMEM, op, SS_API_RECV,
                   SS_EV_KERNEL | SS_EV_ASYNC, 0);
    if (!posted)
        drop(cp, c);
}

/* GetQueuedCompletionStatus(hcp, ..., INFINITE): the next completion
 * packet, or -1 once the port is closed. The stand-in wakes up every
 * GQCS_TIMEOUT_MS and takes hand-over packets (a new socket's first
 * WSARecv, see associate()); a Windows worker would sleep on through both,
 * so they are inside the one call. */
static int get_completion(worker *w, ss_packet *pk)
{
    iocp_server *cp = w->cp;
    ss_standin s;
    ss_standin_begin(&s);
    int r;
    for (;;) {
        r = ss_port_get(&cp->port, &w->waiter, pk, GQCS_TIMEOUT_MS);
        if (r == 0)
            continue; /* timed out: the port closes when the server stops */
        if (r < 0 || pk->api != SS_API_ACCEPT)
            break;
        conn *c = pk->key; /* a hand-over: push the WSARecv the main thread posted */
        if (push_io(cp, c) < 0)
            drop(cp, c);
    }
    ss_standin_end(&s, SS_API_IOCP_GET, r > 0 ? pk->sock : -1, 0, r > 0 ? pk->bytes : 0, 0, 0, 0, SS_EV_KERNEL, 1);
    return r;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    char name[32];
    snprintf(name, sizeof name, "worker %d", w->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    w->waiter.thread = ss_thread_index();
    ss_packet pk;
    while (get_completion(w, &pk) > 0) {
        conn *c = pk.key;
        ss_uring_note_complete(pk.op, pk.api, pk.sock, pk.bytes, pk.depth);
        int next = ss_echo_step(w->cp->srv, c->fd, &c->e, pk.api, pk.bytes);
        if (!next || post_io(w->cp, c, next) != 0)
            drop(w->cp, c);
    }
    ss_thread_end();
    return NULL;
}

/* The port thread: every CQE becomes a completion packet on the port. */
static int reap(iocp_server *cp)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    int quit = 0;
    io_uring_for_each_cqe(&cp->ring, head, cqe) {
        seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_QUIT) {
            quit = 1;
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        ss_uring_takeover(c);
        ss_packet pk = {.key = c, .op = c->op, .api = c->api, .sock = c->fd, .bytes = cqe->res};
        if (ss_port_post(&cp->port, &pk) != 0)
            fprintf(stderr, "iocp: out of memory queueing a completion packet; its socket stalls\n");
    }
    io_uring_cq_advance(&cp->ring, seen);
    return quit;
}

static void *porter_main(void *arg)
{
    iocp_server *cp = arg;
    ss_emul_thread_begin("port");
    int quit = 0;
    while (!quit) {
        int rc = ss_uring_wait(&cp->ring, cp->sqpoll ? SS_URING_SQPOLL_SPIN_US : 0);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "iocp: io_uring_enter failed: %s\n", strerror(-rc));
            break;
        }
        quit = reap(cp);
    }
    ss_thread_end();
    return NULL;
}

/* Stop: shut every socket down so its outstanding operation completes,
 * wait until the workers have closed them all, then stop the port thread
 * (a NOP it recognises) and close the port so the workers return. */
static void drain(iocp_server *cp)
{
    ss_lock_acquire(&cp->live_lock);
    for (conn *c = cp->live; c; c = c->next)
        ss_shutdown(c->fd, SHUT_RDWR);
    ss_lock_release(&cp->live_lock);
    uint32_t n;
    ss_emul_begin(); /* the stand-in's own shutdown: its waits, the port thread's stop */
    while ((n = atomic_load(&cp->nlive)) > 0)
        ss_futex_wait(&cp->nlive, n, DRAIN_WAIT_MS);
    ss_lock_acquire(&cp->sq_lock);
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&cp->ring, cp->sqpoll);
    if (sqe) {
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, TAG_QUIT);
        ss_uring_publish(&cp->ring);
    }
    ss_lock_release(&cp->sq_lock);
    if (sqe)
        ss_uring_push(&cp->ring, cp->sqpoll, 1);
    if (cp->porter_running)
        pthread_join(cp->porter, NULL);
    ss_emul_end();
    /* The textbook ends its workers with one null packet each
     * (PostQueuedCompletionStatus); closing the port does that here. */
    for (int i = 0; i < cp->nworkers; i++) {
        ss_standin s;
        ss_standin_begin(&s);
        if (i == 0)
            ss_port_close(&cp->port);
        ss_standin_end(&s, SS_API_IOCP_POST, -1, 0, 0, 0, 0, 0, SS_EV_KERNEL, 0);
    }
    for (int i = 0; i < cp->nworkers; i++)
        pthread_join(cp->workers[i].thread, NULL);
}

static int start_threads(iocp_server *cp)
{
    cp->porter_running = pthread_create(&cp->porter, NULL, porter_main, cp) == 0;
    if (!cp->porter_running)
        return -1;
    for (int i = 0; i < cp->nworkers; i++) {
        cp->workers[i] = (worker){.cp = cp, .idx = i};
        if (pthread_create(&cp->workers[i].thread, NULL, worker_main, &cp->workers[i]) != 0) {
            cp->nworkers = i;
            return -1;
        }
    }
    return 0;
}

static int cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int iocp_serve(ss_server *s);

const ss_model ss_model_iocp = {
    .name = "iocp",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: io_uring SQEs carry WSARecv/WSASend; a port thread (emulation) posts each CQE "
                 "as a packet to a user-space futex queue; 2 x CPUs workers dequeue it (LIFO wake)",
    .summary = "CompletionPortTCPServer: a few workers serve every socket; CPU work overlaps I/O",
    .available = ss_uring_available,
    .serve = iocp_serve,
};

static int iocp_serve(ss_server *s)
{
    iocp_server cp = {.srv = s, .sqpoll = s->opts.sqpoll};
    cp.nworkers = s->opts.workers > 0 ? s->opts.workers : 2 * cpus(); /* the textbook: 2 x CPUs */
    cp.workers = calloc((size_t)cp.nworkers, sizeof *cp.workers);
    /* CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0): a ring and a queue */
    ss_standin call;
    ss_standin_begin(&call);
    int rc = ss_uring_init(&cp.ring, RING_ENTRIES, cp.sqpoll);
    int ok = rc >= 0 && cp.workers && ss_port_init(&cp.port, cpus()) == 0;
    ss_standin_end(&call, SS_API_IOCP_CREATE, -1, (uint64_t)cpus(), ok ? 0 : -1, ok ? 0 : rc < 0 ? -rc : ENOMEM, 0,
                   0, SS_EV_KERNEL, 0);
    if (!ok) {
        fprintf(stderr, "iocp: cannot create the completion port: %s\n", rc < 0 ? strerror(-rc) : "out of memory");
        if (rc >= 0)
            io_uring_queue_exit(&cp.ring);
        free(cp.workers);
        ss_port_free(&cp.port);
        return -1;
    }
    int started = start_threads(&cp) == 0;
    if (started)
        for (int fd; (fd = ss_accept_next(s)) >= 0;)
            associate(&cp, fd);
    else
        fprintf(stderr, "iocp: cannot start the worker threads\n");
    drain(&cp);
    io_uring_queue_exit(&cp.ring);
    ss_port_free(&cp.port);
    free(cp.workers);
    return started ? 0 : -1;
}
