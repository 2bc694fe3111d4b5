/* iocp — the textbook's CompletionPortTCPServer on Linux. The main (serve)
 * thread accepts with a blocking accept and associates each socket with
 * the port (its completion key is its SOCKETINFO, here a conn); a worker
 * posts the first WSARecv (see associate()). Worker threads (2 x CPUs by default, --workers N) wait in
 * GetQueuedCompletionStatus; for each packet they do the textbook's step:
 * 0 bytes or an error closes the socket; a receive is echoed with WSASend;
 * a send completion resends the remainder or posts the next WSARecv. One
 * operation is outstanding per socket, so one worker at a time owns it.
 *
 * The port: operations are SQEs on one io_uring (prepared under a lock,
 * then one io_uring_enter per WSARecv/WSASend, as Windows makes one call
 * each; none with --sqpoll). A "port" thread stands in for the kernel's I/O
 * manager: it sleeps in io_uring_enter, turns each CQE into a completion
 * packet and posts it to the user-space queue of models/completion_port.c,
 * from which workers dequeue (LIFO wake-ups, each packet exactly once).
 * The price of a port in user space: the port thread's wait and a futex
 * wake/wait pair per packet a sleeping worker takes, all recorded. */
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
#include "sim/probe.h"
#include "sim/probe_uring.h"
#include "sim/recorder.h"
#include "sim/sync.h"

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
    struct iocp *P;
    int idx;
    pthread_t thread;
    ss_port_waiter waiter;
} worker;

typedef struct iocp {
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
} iocp;

/* WSARecv / WSASend: one operation on the socket, completing on the port.
 * Only the SQE preparation is under the lock; the kernel entry is not, so
 * workers do not queue behind each other's sends. */
static int post_io(iocp *P, conn *c, int api)
{
    ss_lock_acquire(&P->sq_lock);
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&P->ring, P->sqpoll);
    if (sqe) {
        c->api = api;
        c->op = atomic_fetch_add(&P->next_op, 1) + 1;
        ss_uring_prep_echo(sqe, &c->e, c->fd, api, c->op);
        io_uring_sqe_set_data(sqe, c);
        ss_uring_publish(&P->ring);
    }
    ss_lock_release(&P->sq_lock);
    if (!sqe)
        return -1;
    int rc = ss_uring_push(&P->ring, P->sqpoll, 1);
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) /* published: a later entry takes it */
        fprintf(stderr, "iocp: io_uring_enter failed: %s\n", strerror(-rc));
    return 0;
}

static void drop(iocp *P, conn *c)
{
    ss_lock_acquire(&P->live_lock); /* leave the list before close: stop may shut us down */
    if (c->prev) c->prev->next = c->next; else P->live = c->next;
    if (c->next) c->next->prev = c->prev;
    ss_lock_release(&P->live_lock);
    ss_conn_closed(P->srv, c->fd);
    free(c);
    if (atomic_fetch_sub(&P->nlive, 1) == 1 && ss_stop_requested(P->srv))
        ss_futex_wake(&P->nlive, INT_MAX);
}

/* CreateIoCompletionPort(sock, hcp, key, 0) + the first WSARecv, which a
 * worker issues: the accepting thread hands the new socket over as a packet
 * (PostQueuedCompletionStatus). It must not touch the ring itself: io_uring
 * finishes an operation as task work of the thread that submitted it, and
 * that would interrupt and restart the blocking accept behind the probes'
 * back (a kernel entry strace counts as another accept). */
static void associate(iocp *P, int fd)
{
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        ss_conn_closed(P->srv, fd);
        return;
    }
    c->fd = fd;
    atomic_fetch_add(&P->nlive, 1);
    ss_lock_acquire(&P->live_lock);
    c->next = P->live;
    if (P->live) P->live->prev = c;
    P->live = c;
    ss_lock_release(&P->live_lock);
    c->op = atomic_fetch_add(&P->next_op, 1) + 1;
    ss_uring_note_submit(c->op, SS_API_ACCEPT, fd, 0);
    ss_packet pk = {.key = c, .op = c->op, .api = SS_API_ACCEPT, .sock = fd, .bytes = 0};
    if (ss_port_post(&P->port, &pk) != 0)
        drop(P, c);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    char name[32];
    snprintf(name, sizeof name, "worker %d", w->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    w->waiter.thread = ss_thread_index();
    ss_packet pk;
    int r;
    while ((r = ss_port_get(&w->P->port, &w->waiter, &pk, GQCS_TIMEOUT_MS)) >= 0) {
        if (r == 0)
            continue; /* timed out: the port closes when the server stops */
        conn *c = pk.key;
        int next = pk.api == SS_API_ACCEPT ? SS_API_RECV /* a new socket: its first WSARecv */
                                           : ss_echo_step(w->P->srv, c->fd, &c->e, pk.api, pk.bytes);
        if (!next || post_io(w->P, c, next) != 0)
            drop(w->P, c);
    }
    ss_thread_end();
    return NULL;
}

/* The port thread: every CQE becomes a completion packet on the port. */
static int reap(iocp *P)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    int quit = 0;
    io_uring_for_each_cqe(&P->ring, head, cqe) {
        seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_QUIT) {
            quit = 1;
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        ss_packet pk = {.key = c, .op = c->op, .api = c->api, .sock = c->fd, .bytes = cqe->res};
        if (ss_port_post(&P->port, &pk) != 0)
            fprintf(stderr, "iocp: out of memory queueing a completion packet; its socket stalls\n");
    }
    io_uring_cq_advance(&P->ring, seen);
    return quit;
}

static void *porter_main(void *arg)
{
    iocp *P = arg;
    ss_thread_begin(SS_ROLE_SERVER, "port");
    int quit = 0;
    while (!quit) {
        int rc = ss_uring_wait(&P->ring, P->sqpoll ? SS_URING_SQPOLL_SPIN_US : 0);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "iocp: io_uring_enter failed: %s\n", strerror(-rc));
            break;
        }
        quit = reap(P);
    }
    ss_thread_end();
    return NULL;
}

/* Stop: shut every socket down so its outstanding operation completes,
 * wait until the workers have closed them all, then stop the port thread
 * (a NOP it recognises) and close the port so the workers return. */
static void drain(iocp *P)
{
    ss_lock_acquire(&P->live_lock);
    for (conn *c = P->live; c; c = c->next)
        ss_shutdown(c->fd, SHUT_RDWR);
    ss_lock_release(&P->live_lock);
    uint32_t n;
    while ((n = atomic_load(&P->nlive)) > 0)
        ss_futex_wait(&P->nlive, n, DRAIN_WAIT_MS);
    ss_lock_acquire(&P->sq_lock);
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&P->ring, P->sqpoll);
    if (sqe) {
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, TAG_QUIT);
        ss_uring_publish(&P->ring);
    }
    ss_lock_release(&P->sq_lock);
    if (sqe)
        ss_uring_push(&P->ring, P->sqpoll, 1);
    if (P->porter_running)
        pthread_join(P->porter, NULL);
    ss_port_close(&P->port);
    for (int i = 0; i < P->nworkers; i++)
        pthread_join(P->workers[i].thread, NULL);
}

static int start_threads(iocp *P)
{
    P->porter_running = pthread_create(&P->porter, NULL, porter_main, P) == 0;
    if (!P->porter_running)
        return -1;
    for (int i = 0; i < P->nworkers; i++) {
        P->workers[i] = (worker){.P = P, .idx = i};
        if (pthread_create(&P->workers[i].thread, NULL, worker_main, &P->workers[i]) != 0) {
            P->nworkers = i;
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

static int iocp_serve(ss_server *s)
{
    iocp P = {.srv = s, .sqpoll = s->opts.sqpoll};
    P.nworkers = s->opts.workers > 0 ? s->opts.workers : 2 * cpus(); /* the textbook: 2 x CPUs */
    P.workers = calloc((size_t)P.nworkers, sizeof *P.workers);
    int rc = ss_uring_init(&P.ring, RING_ENTRIES, P.sqpoll);
    if (rc < 0 || !P.workers || ss_port_init(&P.port, cpus()) != 0) {
        fprintf(stderr, "iocp: cannot create the completion port: %s\n", rc < 0 ? strerror(-rc) : "out of memory");
        if (rc >= 0)
            io_uring_queue_exit(&P.ring);
        free(P.workers);
        ss_port_free(&P.port);
        return -1;
    }
    int started = start_threads(&P) == 0;
    if (started)
        for (int fd; (fd = ss_accept_next(s)) >= 0;)
            associate(&P, fd);
    else
        fprintf(stderr, "iocp: cannot start the worker threads\n");
    drain(&P);
    io_uring_queue_exit(&P.ring);
    ss_port_free(&P.port);
    free(P.workers);
    return started ? 0 : -1;
}

const ss_model ss_model_iocp = {
    .name = "iocp",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "io_uring SQEs for WSARecv/WSASend; a port thread posts each CQE as a packet to a user-space "
                 "futex queue; 2 x CPUs workers dequeue it (LIFO wake)",
    .summary = "CompletionPortTCPServer: a few workers serve every socket; CPU work overlaps I/O",
    .available = ss_uring_available,
    .serve = iocp_serve,
};
