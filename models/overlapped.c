/* overlapped — the textbook's Overlapped model (table 11-5): WSARecv and
 * WSASend return at once, the operation completes later, and the thread
 * that issued it also handles its completion. As in the book's examples
 * the main (serve) thread accepts with a blocking accept and hands each
 * socket to an issuing thread through a "new socket" event. Two variants
 * (--completion):
 *
 * events (default): every socket has an event object (OVERLAPPED.hEvent,
 *   an eventfd). Each operation is a recv/send SQE hard-linked to a write
 *   of 1 to that eventfd, so the kernel signals the event when the
 *   operation is over. The thread waits on its events with
 *   WSAWaitForMultipleEvents (at most 64 per wait, slot 0 being the
 *   new-socket event, so 63 sockets per thread; more sockets start another
 *   thread), resets each signalled event (WSAResetEvent) and takes the
 *   operation's result (WSAGetOverlappedResult).
 * routines: each operation names a completion routine. The thread sits in
 *   an alertable wait (SleepEx); each completion runs its routine in that
 *   thread, which posts the next WSARecv/WSASend. One thread serves every
 *   socket, as in the book.
 *
 * The stand-in (Linux has no overlapped sockets): each thread owns one
 * io_uring, and everything it prepares in one round goes to the kernel in
 * one io_uring_enter; the events are eventfds and the wait is poll(2)
 * (models/standin.h); the alertable wait is io_uring_enter waiting for
 * CQEs, whose routines run after it returns. Recording follows the roles
 * (sim/probe/probe.h): WSARecv/WSASend, WSAWaitForMultipleEvents, WSAResetEvent,
 * WSAGetOverlappedResult, SleepEx and the hand-over signal are the model's
 * calls; the io_uring_enter calls, the eventfd/poll calls under them and
 * the new-socket poll on the ring (routines) are emulation. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "models/model.h"
#include "models/standin.h"
#include "sim/trace/clock.h"
#include "sim/probe/probe.h"
#include "models/uring_echo.h"
#include "sim/probe/uring.h"
#include "sim/trace/thread.h"
#include "sim/probe/sync.h"

#define MAX_WAIT 64          /* WSA_MAXIMUM_WAIT_EVENTS */
#define MAX_THREADS 64
#define EVENTS_RING 256      /* 63 sockets x 2 linked SQEs fit */
#define ROUTINES_RING 4096
#define WAIT_MS 500          /* events: how long one wait may last before a look at the flags */
#define TAG_NEWSOCK ((uint64_t)1)
#define TAG_SIGNAL ((uint64_t)2)

typedef struct issuer issuer;

typedef struct conn {
    int fd, evfd;            /* evfd: the socket's event object (events) */
    int slot;                /* index in its thread's conns[] */
    int api;                 /* the one outstanding operation ... */
    uint64_t op;             /* ... and its id */
    int done, res;           /* events: reaped from the CQ, not yet fetched */
    void (*routine)(issuer *I, struct conn *c, int res); /* routines: lpCompletionRoutine */
    struct conn *next;       /* the hand-over list */
    ss_echo e;
} conn;

typedef struct ov {
    ss_server *srv;
    int routines;
    issuer *threads[MAX_THREADS];
    int nthreads;
    _Atomic uint64_t next_op;
} ov;

struct issuer {
    ov *O;
    int idx;
    pthread_t thread;
    struct io_uring ring;
    int newsock;             /* event: sockets are waiting to be taken */
    ss_lock lock;            /* guards incoming and quit */
    conn *incoming;
    int quit, closing;
    _Atomic int assigned;    /* sockets handed to this thread and not yet closed */
    conn **conns;            /* the thread's sockets */
    int nconns, capconns, ndone;
    uint64_t newsock_op;
};

static const uint64_t one = 1; /* what the linked write adds to an event */

/* --- issuing operations ------------------------------------------------ */
static void on_echo_done(issuer *I, conn *c, int res);

/* WSARecv / WSASend on c. Events: the SQE is hard-linked to the signal of
 * c's event, whose own CQE is skipped; routines: it names on_echo_done. */
static int issue(issuer *I, conn *c, int api)
{
    unsigned need = I->O->routines ? 1 : 2; /* a link must not straddle a submit */
    if (io_uring_sq_space_left(&I->ring) < need) {
        ss_emul_begin();
        ss_uring_submit(&I->ring, 0);
        ss_emul_end();
    }
    if (io_uring_sq_space_left(&I->ring) < need)
        return -1;
    struct io_uring_sqe *sqe = io_uring_get_sqe(&I->ring);
    struct io_uring_sqe *sig = I->O->routines ? NULL : io_uring_get_sqe(&I->ring);
    c->api = api;
    c->op = atomic_fetch_add(&I->O->next_op, 1) + 1;
    c->routine = on_echo_done;
    unsigned len = ss_uring_prep_echo(sqe, &c->e, c->fd, api);
    io_uring_sqe_set_data(sqe, c);
    /* WSARecv/WSASend: a kernel entry on Windows; here an SQE, pushed with
     * the round's io_uring_enter (emulation) */
    ss_standin call;
    ss_standin_begin(&call);
    call.impl = SS_API_URING_ENTER;
    ss_standin_end(&call, SS_API_OP_SUBMIT, c->fd, len, 0, 0, c->op, (uint32_t)api, SS_EV_KERNEL | SS_EV_ASYNC, 0);
    if (sig) {
        sqe->flags |= IOSQE_IO_HARDLINK; /* signal even after a short or failed operation */
        io_uring_prep_write(sig, c->evfd, &one, sizeof one, 0);
        sig->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(sig, TAG_SIGNAL);
    }
    return 0;
}

/* closesocket + WSACloseEvent, for a socket with nothing in flight */
static void discard(issuer *I, conn *c)
{
    ss_conn_closed(I->O->srv, c->fd);
    if (c->evfd >= 0)
        ss_sw_close_event(c->evfd, c->fd);
    free(c);
    atomic_fetch_sub(&I->assigned, 1);
}

static void drop(issuer *I, conn *c)
{
    conn *last = I->conns[--I->nconns]; /* the textbook's RemoveSocketInfo: last fills the hole */
    I->conns[c->slot] = last;
    last->slot = c->slot;
    discard(I, c);
}

/* The textbook's completion step, shared by both variants. */
static void on_echo_done(issuer *I, conn *c, int res)
{
    int next = ss_echo_step(I->O->srv, c->fd, &c->e, c->api, res);
    if (!next || issue(I, c, next) != 0)
        drop(I, c);
}

static int add_conn(issuer *I, conn *c)
{
    if (I->nconns == I->capconns) {
        int cap = I->capconns ? 2 * I->capconns : 64;
        conn **cs = realloc(I->conns, (size_t)cap * sizeof *cs);
        if (!cs)
            return -1;
        I->conns = cs;
        I->capconns = cap;
    }
    c->slot = I->nconns;
    I->conns[I->nconns++] = c;
    return 0;
}

/* The new-socket event fired: take the handed-over sockets, post their
 * first WSARecv, and on quit shut every socket down so
 * its outstanding operation completes and the thread can finish. */
static void take_incoming(issuer *I)
{
    ss_emul_begin();
    ss_lock_acquire(&I->lock);
    conn *list = I->incoming;
    I->incoming = NULL;
    int quit = I->quit;
    ss_lock_release(&I->lock);
    ss_emul_end();
    while (list) {
        conn *c = list;
        list = c->next;
        if (add_conn(I, c) != 0)
            discard(I, c);
        else if (issue(I, c, SS_API_RECV) != 0)
            drop(I, c);
    }
    if (quit && !I->closing) {
        I->closing = 1;
        for (int i = 0; i < I->nconns; i++)
            ss_shutdown(I->conns[i]->fd, SHUT_RDWR);
    }
}

static void note_signal(int ev, uint64_t op, int api)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_EVENT_SIGNAL, ev, 0, 0, op, (uint32_t)api, 0, t, t);
}

/* --- events ---------------------------------------------------------------- */
/* Move every CQE's result into its connection (the OVERLAPPED's fields). */
static void reap_results(issuer *I)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&I->ring, head, cqe) {
        seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_SIGNAL) { /* only failures post a CQE */
            fprintf(stderr, "overlapped: signalling an event failed: %s\n", strerror(-cqe->res));
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        c->done = 1;
        c->res = cqe->res;
        I->ndone++;
    }
    io_uring_cq_advance(&I->ring, seen);
}

/* WSAGetOverlappedResult(fWait = TRUE): the signal is written after the
 * operation's CQE, so the result is normally there already. */
static int get_result(issuer *I, conn *c)
{
    ss_standin call;
    ss_standin_begin(&call);
    reap_results(I);
    while (!c->done) {
        int rc = ss_uring_wait(&I->ring, 0);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "overlapped: io_uring_enter failed: %s\n", strerror(-rc));
            abort(); /* the operation is still in flight: c cannot be freed safely */
        }
        reap_results(I);
    }
    ss_standin_end(&call, SS_API_WSA_GET_OVERLAPPED, c->fd, 0, c->res < 0 ? -1 : c->res, c->res < 0 ? -c->res : 0,
                   0, 0, SS_EV_KERNEL, 0);
    ss_uring_note_complete(c->op, c->api, c->fd, c->res, (unsigned)I->ndone);
    c->done = 0;
    I->ndone--;
    return c->res;
}

static void on_event(issuer *I, conn *c)
{
    note_signal(c->evfd, c->op, c->api);
    ss_sw_reset_event(c->evfd, c->fd);
    on_echo_done(I, c, get_result(I, c));
}

/* One WSAWaitForMultipleEvents round: slot 0 is the new-socket event. The
 * wait reports the lowest signalled event; the book's loop then looks at
 * the others too (a zero-timeout scan would be another call each: the
 * stand-in's one poll already reported them all). */
static void wait_events(issuer *I)
{
    struct pollfd pf[MAX_WAIT];
    conn *ready[MAX_WAIT];
    int n = 0, nready = 0;
    pf[n++] = (struct pollfd){.fd = I->newsock, .events = POLLIN};
    for (int i = 0; i < I->nconns && n < MAX_WAIT; i++)
        pf[n++] = (struct pollfd){.fd = I->conns[i]->evfd, .events = POLLIN};
    if (ss_sw_wait_events(pf, n, -1) < 0)
        return;
    for (int i = 1; i < n; i++)
        if (pf[i].revents)
            ready[nready++] = I->conns[i - 1];
    for (int i = 0; i < nready; i++) /* pointers, not slots: drops move slots */
        on_event(I, ready[i]);
    if (pf[0].revents) {
        note_signal(I->newsock, 0, SS_API_ACCEPT);
        ss_sw_reset_event(I->newsock, -1);
        take_incoming(I);
    }
}

static void events_loop(issuer *I)
{
    while (!I->closing || I->nconns > 0) {
        ss_emul_begin();
        ss_uring_submit(&I->ring, 0); /* this round's WSARecv/WSASend, in one entry */
        ss_emul_end();
        wait_events(I);
    }
}

/* --- completion routines --------------------------------------------------- */
/* The stand-in's way to see new sockets from inside the alertable wait: a
 * poll of the new-socket event as an operation on the ring (emulation;
 * Windows queues an APC to the thread instead). */
static void arm_newsock(issuer *I)
{
    ss_emul_begin();
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&I->ring, 0);
    if (sqe) {
        io_uring_prep_poll_add(sqe, I->newsock, POLLIN);
        io_uring_sqe_set_data64(sqe, TAG_NEWSOCK);
        I->newsock_op = atomic_fetch_add(&I->O->next_op, 1) + 1;
        ss_uring_note_submit(I->newsock_op, SS_API_POLL, I->newsock, 0);
    }
    ss_emul_end();
}

/* New sockets were handed over: the APC the accepting thread queued. */
static void on_newsock(issuer *I, int res, unsigned depth)
{
    ss_emul_begin();
    ss_uring_note_complete(I->newsock_op, SS_API_POLL, I->newsock, res, depth);
    ss_event_reset(I->newsock);
    ss_emul_end();
    take_incoming(I);
    if (!I->closing) /* after quit no socket comes: leave nothing in flight */
        arm_newsock(I);
}

/* Back from the alertable wait: run the routines queued to this thread. */
static void run_routines(issuer *I)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0, depth = io_uring_cq_ready(&I->ring);
    io_uring_for_each_cqe(&I->ring, head, cqe) {
        unsigned d = depth - seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_NEWSOCK) {
            on_newsock(I, cqe->res, d);
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        ss_uring_note_complete(c->op, c->api, c->fd, cqe->res, d);
        uint64_t t0 = ss_ticks(), op = c->op;
        int fd = c->fd, api = c->api;
        c->routine(I, c, cqe->res); /* may free c */
        ss_note(SS_API_ROUTINE, fd, 0, cqe->res, op, (uint32_t)api, 0, t0, ss_ticks());
    }
    io_uring_cq_advance(&I->ring, seen);
}

/* SleepEx(INFINITE, TRUE): the alertable wait, here one io_uring_enter
 * that also pushes the WSARecv/WSASend the routines posted. */
static int alertable_wait(issuer *I)
{
    ss_standin call;
    ss_standin_begin(&call);
    int rc = ss_uring_submit_and_wait(&I->ring, 0, 0);
    ss_standin_end(&call, SS_API_SLEEP_EX, -1, UINT32_MAX, rc < 0 ? -1 : 0xc0 /* WAIT_IO_COMPLETION */,
                   rc < 0 ? -rc : 0, 0, 0, SS_EV_KERNEL, 1);
    return rc;
}

static void routines_loop(issuer *I)
{
    arm_newsock(I);
    while (!I->closing || I->nconns > 0) {
        int rc = alertable_wait(I);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "overlapped: io_uring_enter failed: %s\n", strerror(-rc));
            break;
        }
        run_routines(I);
    }
}

/* --- threads ----------------------------------------------------------------- */
static void *issuer_main(void *arg)
{
    issuer *I = arg;
    char name[32];
    snprintf(name, sizeof name, "issuer %d", I->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    if (I->O->routines)
        routines_loop(I);
    else
        events_loop(I);
    io_uring_queue_exit(&I->ring); /* cancels what is left if the loop failed; not probed */
    while (I->nconns > 0)
        drop(I, I->conns[I->nconns - 1]);
    ss_thread_end();
    return NULL;
}

static issuer *start_issuer(ov *O)
{
    if (O->nthreads == MAX_THREADS)
        return NULL;
    issuer *I = calloc(1, sizeof *I);
    if (!I)
        return NULL;
    *I = (issuer){.O = O, .idx = O->nthreads, .newsock = ss_sw_create_event()};
    /* its ring, set up here before any socket is handed over: out of
     * descriptors, the accepting thread must learn it now, not the thread */
    ss_emul_begin();
    int rc = I->newsock < 0 ? -EMFILE : ss_uring_init(&I->ring, O->routines ? ROUTINES_RING : EVENTS_RING, 0);
    ss_emul_end();
    if (rc < 0 || pthread_create(&I->thread, NULL, issuer_main, I) != 0) {
        ss_refusing(O->srv, "cannot set up an issuing thread's event object and ring (out of descriptors?): "
                            "new sockets are closed");
        if (rc >= 0)
            io_uring_queue_exit(&I->ring);
        if (I->newsock >= 0)
            ss_sw_close_event(I->newsock, -1);
        free(I);
        return NULL;
    }
    return O->threads[O->nthreads++] = I;
}

/* The thread that takes the next socket: with events, one with fewer than
 * 63 sockets (64 events per wait), else a new one. */
static issuer *pick(ov *O)
{
    for (int i = 0; i < O->nthreads; i++)
        if (O->routines || atomic_load(&O->threads[i]->assigned) < MAX_WAIT - 1)
            return O->threads[i];
    return start_issuer(O);
}

static void hand_over(ov *O, int fd)
{
    issuer *I = pick(O);
    conn *c = I ? calloc(1, sizeof *c) : NULL;
    if (!c) {
        uint64_t t = ss_ticks();
        ss_note(SS_API_REFUSED, fd, 0, 0, 0, 0, 0, t, t);
        ss_conn_closed(O->srv, fd);
        return;
    }
    c->fd = fd;
    /* the socket's event object, created by the accepting thread as the
     * book's AddSocketInfo does: out of descriptors, this socket goes */
    c->evfd = O->routines ? -1 : ss_sw_create_event();
    if (!O->routines && c->evfd < 0) {
        ss_refusing(O->srv, "cannot create an event object (WSACreateEvent) for a new socket, out of descriptors: "
                            "such sockets are closed");
        free(c);
        ss_conn_closed(O->srv, fd);
        return;
    }
    atomic_fetch_add(&I->assigned, 1);
    ss_emul_begin();
    ss_lock_acquire(&I->lock);
    c->next = I->incoming;
    I->incoming = c;
    ss_lock_release(&I->lock);
    ss_emul_end();
    ss_sw_set_event(I->newsock, fd); /* WSASetEvent: "a new socket is waiting" */
}

static void stop_issuers(ov *O)
{
    for (int i = 0; i < O->nthreads; i++) {
        issuer *I = O->threads[i];
        ss_emul_begin();
        ss_lock_acquire(&I->lock);
        I->quit = 1;
        ss_lock_release(&I->lock);
        ss_emul_end();
        ss_sw_set_event(I->newsock, -1);
    }
    for (int i = 0; i < O->nthreads; i++) {
        issuer *I = O->threads[i];
        pthread_join(I->thread, NULL);
        for (conn *c = I->incoming, *next; c; c = next) { /* handed over after its loop ended */
            next = c->next;
            discard(I, c);
        }
        ss_sw_close_event(I->newsock, -1);
        free(I->conns);
        free(I);
    }
}

static int ov_serve(ss_server *s)
{
    ov O = {.srv = s, .routines = s->opts.completion == SS_COMPLETION_ROUTINES};
    for (int fd; (fd = ss_accept_next(s)) >= 0;)
        hand_over(&O, fd);
    stop_issuers(&O);
    return 0;
}

const ss_model ss_model_overlapped = {
    .name = "overlapped",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: an io_uring per issuing thread; events: each SQE hard-linked to a write to the "
                 "socket's eventfd, poll() on <=64; routines: CQEs run after the io_uring_enter wait",
    .summary = "table 11-5 Overlapped: WSARecv/WSASend complete later, in the thread that issued them",
    .available = ss_uring_available,
    .serve = ov_serve,
};
