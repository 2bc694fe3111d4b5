/* overlapped, overlapped-event — the textbook's Overlapped model (table
 * 11-5): WSARecv and WSASend return at once, the operation completes later,
 * and the thread that issued it also handles its completion. As in the
 * book's examples the main (serve) thread accepts with a blocking accept
 * and hands each socket to an issuing thread through a "new socket" event.
 * The book's two ways of learning that an operation completed are two
 * models, as on Windows (overlapped_win.c, overlapped_event_win.c):
 *
 * overlapped-event: every socket has an event object (OVERLAPPED.hEvent,
 *   an eventfd). Each operation is a recv/send SQE hard-linked to a write
 *   of 1 to that eventfd, so the kernel signals the event when the
 *   operation is over. The thread waits on its events with
 *   WSAWaitForMultipleEvents (at most 64 per wait, slot 0 being the
 *   new-socket event, so 63 sockets per thread; more sockets start another
 *   thread), resets each signalled event (WSAResetEvent) and takes the
 *   operation's result (WSAGetOverlappedResult).
 * overlapped: each operation names a completion routine. The thread sits in
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
#include "models/uring_echo.h"
#include "sim/probe/probe.h"
#include "sim/probe/sync.h"
#include "sim/probe/uring.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

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
    void (*routine)(issuer *is, struct conn *c, int res); /* routines: lpCompletionRoutine */
    struct conn *next;       /* the hand-over list */
    ss_echo e;
} conn;

typedef struct overlapped_server {
    ss_server *srv;
    int routines;
    issuer *threads[MAX_THREADS];
    int nthreads;
    _Atomic uint64_t next_op;
} overlapped_server;

struct issuer {
    overlapped_server *ov;
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
static void on_echo_done(issuer *is, conn *c, int res);

/* WSARecv / WSASend on c. Events: the SQE is hard-linked to the signal of
 * c's event, whose own CQE is skipped; routines: it names on_echo_done. */
static int issue(issuer *is, conn *c, int api)
{
    unsigned need = is->ov->routines ? 1 : 2; /* a link must not straddle a submit */
    if (io_uring_sq_space_left(&is->ring) < need) {
        ss_emul_begin();
        ss_uring_submit(&is->ring, 0);
        ss_emul_end();
    }
    if (io_uring_sq_space_left(&is->ring) < need)
        return -1;
    struct io_uring_sqe *sqe = io_uring_get_sqe(&is->ring);
    struct io_uring_sqe *sig = is->ov->routines ? NULL : io_uring_get_sqe(&is->ring);
    c->api = api;
    c->op = atomic_fetch_add(&is->ov->next_op, 1) + 1;
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
static void discard(issuer *is, conn *c)
{
    ss_conn_closed(is->ov->srv, c->fd);
    if (c->evfd >= 0)
        ss_sw_close_event(c->evfd, c->fd);
    free(c);
    atomic_fetch_sub(&is->assigned, 1);
}

static void drop(issuer *is, conn *c)
{
    conn *last = is->conns[--is->nconns]; /* the textbook's RemoveSocketInfo: last fills the hole */
    is->conns[c->slot] = last;
    last->slot = c->slot;
    discard(is, c);
}

/* The textbook's completion step, shared by both variants. */
static void on_echo_done(issuer *is, conn *c, int res)
{
    int next = ss_echo_step(is->ov->srv, c->fd, &c->e, c->api, res);
    if (!next || issue(is, c, next) != 0)
        drop(is, c);
}

static int add_conn(issuer *is, conn *c)
{
    if (is->nconns == is->capconns) {
        int cap = is->capconns ? 2 * is->capconns : 64;
        conn **cs = realloc(is->conns, (size_t)cap * sizeof *cs);
        if (!cs)
            return -1;
        is->conns = cs;
        is->capconns = cap;
    }
    c->slot = is->nconns;
    is->conns[is->nconns++] = c;
    return 0;
}

/* The new-socket event fired: take the handed-over sockets, post their
 * first WSARecv, and on quit shut every socket down so
 * its outstanding operation completes and the thread can finish. */
static void take_incoming(issuer *is)
{
    ss_emul_begin();
    ss_lock_acquire(&is->lock);
    conn *list = is->incoming;
    is->incoming = NULL;
    int quit = is->quit;
    ss_lock_release(&is->lock);
    ss_emul_end();
    while (list) {
        conn *c = list;
        list = c->next;
        if (add_conn(is, c) != 0)
            discard(is, c);
        else if (issue(is, c, SS_API_RECV) != 0)
            drop(is, c);
    }
    if (quit && !is->closing) {
        is->closing = 1;
        for (int i = 0; i < is->nconns; i++)
            ss_shutdown(is->conns[i]->fd, SHUT_RDWR);
    }
}

static void note_signal(int ev, uint64_t op, int api)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_EVENT_SIGNAL, ev, 0, 0, op, (uint32_t)api, 0, t, t);
}

/* --- events ---------------------------------------------------------------- */
/* Move every CQE's result into its connection (the OVERLAPPED's fields). */
static void reap_results(issuer *is)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&is->ring, head, cqe) {
        seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_SIGNAL) { /* only failures post a CQE */
            fprintf(stderr, "overlapped: signalling an event failed: %s\n", strerror(-cqe->res));
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        c->done = 1;
        c->res = cqe->res;
        is->ndone++;
    }
    io_uring_cq_advance(&is->ring, seen);
}

/* WSAGetOverlappedResult(fWait = TRUE): the signal is written after the
 * operation's CQE, so the result is normally there already. */
static int get_result(issuer *is, conn *c)
{
    ss_standin call;
    ss_standin_begin(&call);
    reap_results(is);
    while (!c->done) {
        int rc = ss_uring_wait(&is->ring, 0);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "overlapped: io_uring_enter failed: %s\n", strerror(-rc));
            abort(); /* the operation is still in flight: c cannot be freed safely */
        }
        reap_results(is);
    }
    ss_standin_end(&call, SS_API_WSA_GET_OVERLAPPED, c->fd, 0, c->res < 0 ? -1 : c->res, c->res < 0 ? -c->res : 0,
                   0, 0, SS_EV_KERNEL, 0);
    ss_uring_note_complete(c->op, c->api, c->fd, c->res, (unsigned)is->ndone);
    c->done = 0;
    is->ndone--;
    return c->res;
}

static void on_event(issuer *is, conn *c)
{
    note_signal(c->evfd, c->op, c->api);
    ss_sw_reset_event(c->evfd, c->fd);
    on_echo_done(is, c, get_result(is, c));
}

/* One WSAWaitForMultipleEvents round: slot 0 is the new-socket event. The
 * wait reports the lowest signalled event; the book's loop then looks at
 * the others too (a zero-timeout scan would be another call each: the
 * stand-in's one poll already reported them all). */
static void wait_events(issuer *is)
{
    struct pollfd pf[MAX_WAIT];
    conn *ready[MAX_WAIT];
    int n = 0, nready = 0;
    pf[n++] = (struct pollfd){.fd = is->newsock, .events = POLLIN};
    for (int i = 0; i < is->nconns && n < MAX_WAIT; i++)
        pf[n++] = (struct pollfd){.fd = is->conns[i]->evfd, .events = POLLIN};
    if (ss_sw_wait_events(pf, n, -1) < 0)
        return;
    for (int i = 1; i < n; i++)
        if (pf[i].revents)
            ready[nready++] = is->conns[i - 1];
    for (int i = 0; i < nready; i++) /* pointers, not slots: drops move slots */
        on_event(is, ready[i]);
    if (pf[0].revents) {
        note_signal(is->newsock, 0, SS_API_ACCEPT);
        ss_sw_reset_event(is->newsock, -1);
        take_incoming(is);
    }
}

static void events_loop(issuer *is)
{
    while (!is->closing || is->nconns > 0) {
        ss_emul_begin();
        ss_uring_submit(&is->ring, 0); /* this round's WSARecv/WSASend, in one entry */
        ss_emul_end();
        wait_events(is);
    }
}

/* --- completion routines --------------------------------------------------- */
/* The stand-in's way to see new sockets from inside the alertable wait: a
 * poll of the new-socket event as an operation on the ring (emulation;
 * Windows queues an APC to the thread instead). */
static void arm_newsock(issuer *is)
{
    ss_emul_begin();
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&is->ring, 0);
    if (sqe) {
        io_uring_prep_poll_add(sqe, is->newsock, POLLIN);
        io_uring_sqe_set_data64(sqe, TAG_NEWSOCK);
        is->newsock_op = atomic_fetch_add(&is->ov->next_op, 1) + 1;
        ss_uring_note_submit(is->newsock_op, SS_API_POLL, is->newsock, 0);
    }
    ss_emul_end();
}

/* New sockets were handed over: the APC the accepting thread queued. */
static void on_newsock(issuer *is, int res, unsigned depth)
{
    ss_emul_begin();
    ss_uring_note_complete(is->newsock_op, SS_API_POLL, is->newsock, res, depth);
    ss_event_reset(is->newsock);
    ss_emul_end();
    take_incoming(is);
    if (!is->closing) /* after quit no socket comes: leave nothing in flight */
        arm_newsock(is);
}

/* Back from the alertable wait: run the routines queued to this thread. */
static void run_routines(issuer *is)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0, depth = io_uring_cq_ready(&is->ring);
    io_uring_for_each_cqe(&is->ring, head, cqe) {
        unsigned d = depth - seen++;
        if (io_uring_cqe_get_data64(cqe) == TAG_NEWSOCK) {
            on_newsock(is, cqe->res, d);
            continue;
        }
        conn *c = io_uring_cqe_get_data(cqe);
        ss_uring_note_complete(c->op, c->api, c->fd, cqe->res, d);
        uint64_t t0 = ss_ticks(), op = c->op;
        int fd = c->fd, api = c->api;
        c->routine(is, c, cqe->res); /* may free c */
        ss_note(SS_API_ROUTINE, fd, 0, cqe->res, op, (uint32_t)api, 0, t0, ss_ticks());
    }
    io_uring_cq_advance(&is->ring, seen);
}

/* SleepEx(INFINITE, TRUE): the alertable wait, here one io_uring_enter
 * that also pushes the WSARecv/WSASend the routines posted. */
static int alertable_wait(issuer *is)
{
    ss_standin call;
    ss_standin_begin(&call);
    int rc = ss_uring_submit_and_wait(&is->ring, 0, 0);
    ss_standin_end(&call, SS_API_SLEEP_EX, -1, UINT32_MAX, rc < 0 ? -1 : 0xc0 /* WAIT_IO_COMPLETION */,
                   rc < 0 ? -rc : 0, 0, 0, SS_EV_KERNEL, 1);
    return rc;
}

static void routines_loop(issuer *is)
{
    arm_newsock(is);
    while (!is->closing || is->nconns > 0) {
        int rc = alertable_wait(is);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "overlapped: io_uring_enter failed: %s\n", strerror(-rc));
            break;
        }
        run_routines(is);
    }
}

/* --- threads ----------------------------------------------------------------- */
static void *issuer_main(void *arg)
{
    issuer *is = arg;
    char name[32];
    snprintf(name, sizeof name, "issuer %d", is->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    if (is->ov->routines)
        routines_loop(is);
    else
        events_loop(is);
    io_uring_queue_exit(&is->ring); /* cancels what is left if the loop failed; not probed */
    while (is->nconns > 0)
        drop(is, is->conns[is->nconns - 1]);
    ss_thread_end();
    return NULL;
}

static issuer *start_issuer(overlapped_server *ov)
{
    if (ov->nthreads == MAX_THREADS)
        return NULL;
    issuer *is = calloc(1, sizeof *is);
    if (!is)
        return NULL;
    *is = (issuer){.ov = ov, .idx = ov->nthreads, .newsock = ss_sw_create_event()};
    /* its ring, set up here before any socket is handed over: out of
     * descriptors, the accepting thread must learn it now, not the thread */
    ss_emul_begin();
    int rc = is->newsock < 0 ? -EMFILE : ss_uring_init(&is->ring, ov->routines ? ROUTINES_RING : EVENTS_RING, 0);
    ss_emul_end();
    if (rc < 0 || pthread_create(&is->thread, NULL, issuer_main, is) != 0) {
        ss_refusing(ov->srv, "cannot set up an issuing thread's event object and ring (out of descriptors?): "
                             "new sockets are closed");
        if (rc >= 0)
            io_uring_queue_exit(&is->ring);
        if (is->newsock >= 0)
            ss_sw_close_event(is->newsock, -1);
        free(is);
        return NULL;
    }
    return ov->threads[ov->nthreads++] = is;
}

/* The thread that takes the next socket: with events, one with fewer than
 * 63 sockets (64 events per wait), else a new one. */
static issuer *pick(overlapped_server *ov)
{
    for (int i = 0; i < ov->nthreads; i++)
        if (ov->routines || atomic_load(&ov->threads[i]->assigned) < MAX_WAIT - 1)
            return ov->threads[i];
    return start_issuer(ov);
}

static void hand_over(overlapped_server *ov, int fd)
{
    issuer *is = pick(ov);
    conn *c = is ? calloc(1, sizeof *c) : NULL;
    if (!c) {
        uint64_t t = ss_ticks();
        ss_note(SS_API_REFUSED, fd, 0, 0, 0, 0, 0, t, t);
        ss_conn_closed(ov->srv, fd);
        return;
    }
    c->fd = fd;
    /* the socket's event object, created by the accepting thread as the
     * book's AddSocketInfo does: out of descriptors, this socket goes */
    c->evfd = ov->routines ? -1 : ss_sw_create_event();
    if (!ov->routines && c->evfd < 0) {
        ss_refusing(ov->srv, "cannot create an event object (WSACreateEvent) for a new socket, out of descriptors: "
                             "such sockets are closed");
        free(c);
        ss_conn_closed(ov->srv, fd);
        return;
    }
    atomic_fetch_add(&is->assigned, 1);
    ss_emul_begin();
    ss_lock_acquire(&is->lock);
    c->next = is->incoming;
    is->incoming = c;
    ss_lock_release(&is->lock);
    ss_emul_end();
    ss_sw_set_event(is->newsock, fd); /* WSASetEvent: "a new socket is waiting" */
}

static void stop_issuers(overlapped_server *ov)
{
    for (int i = 0; i < ov->nthreads; i++) {
        issuer *is = ov->threads[i];
        ss_emul_begin();
        ss_lock_acquire(&is->lock);
        is->quit = 1;
        ss_lock_release(&is->lock);
        ss_emul_end();
        ss_sw_set_event(is->newsock, -1);
    }
    for (int i = 0; i < ov->nthreads; i++) {
        issuer *is = ov->threads[i];
        pthread_join(is->thread, NULL);
        for (conn *c = is->incoming, *next; c; c = next) { /* handed over after its loop ended */
            next = c->next;
            discard(is, c);
        }
        ss_sw_close_event(is->newsock, -1);
        free(is->conns);
        free(is);
    }
}

static int serve(ss_server *s, int routines)
{
    overlapped_server ov = {.srv = s, .routines = routines};
    for (int fd; (fd = ss_accept_next(s)) >= 0;)
        hand_over(&ov, fd);
    stop_issuers(&ov);
    return 0;
}

static int overlapped_serve(ss_server *s) { return serve(s, 1); }
static int overlapped_event_serve(ss_server *s) { return serve(s, 0); }

const ss_model ss_model_overlapped = {
    .name = "overlapped",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: an io_uring per issuing thread; completion routines run from its CQEs after the "
                 "io_uring_enter wait (SleepEx)",
    .summary = "overlapped I/O: the issuing thread runs each completion routine in its alertable wait",
    .available = ss_uring_available,
    .serve = overlapped_serve,
};

const ss_model ss_model_overlapped_event = {
    .name = "overlapped-event",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: an io_uring per issuing thread; each SQE hard-linked to a write to the socket's "
                 "eventfd, poll() on <=64",
    .summary = "overlapped I/O with events: the issuing thread waits on its operations' events",
    .available = ss_uring_available,
    .serve = overlapped_event_serve,
};
