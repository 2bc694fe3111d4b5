/* overlapped — the textbook's Overlapped model (table 11-5) with completion
 * routines: WSARecv and WSASend return at once, the operation completes
 * later, and the thread that issued it also handles its completion. As in
 * the book's examples the main (serve) thread accepts with a blocking
 * accept and hands each socket to an issuing thread through a "new socket"
 * event (overlapped_issuer.c, shared with overlapped-event, the same model
 * with event objects: overlapped_event.c). Each operation names a
 * completion routine. The thread sits in an alertable wait (SleepEx); each
 * completion runs its routine in that thread, which posts the next
 * WSARecv/WSASend. One thread serves every socket, as in the book.
 *
 * The stand-in (Linux has no overlapped sockets): each thread owns one
 * io_uring, and everything it prepares in one round goes to the kernel in
 * one io_uring_enter; the alertable wait is io_uring_enter waiting for
 * CQEs, whose routines run after it returns. Recording follows the roles
 * (sim/probe/probe.h): WSARecv/WSASend, SleepEx and the hand-over signal
 * are the model's calls (with events, also WSAWaitForMultipleEvents,
 * WSAResetEvent and WSAGetOverlappedResult); the io_uring_enter calls, the
 * eventfd/poll calls under them and the new-socket poll on the ring are
 * emulation. On Windows: overlapped_win.c and overlapped_event_win.c. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "models/overlapped_int.h"
#include "sim/probe/probe.h"
#include "sim/probe/uring.h"
#include "sim/trace/clock.h"

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
        io_uring_sqe_set_data64(sqe, OV_TAG_NEWSOCK);
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
    ov_take_incoming(is);
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
        if (io_uring_cqe_get_data64(cqe) == OV_TAG_NEWSOCK) {
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

static int overlapped_serve(ss_server *s);

const ss_model ss_model_overlapped = {
    .name = "overlapped",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: an io_uring per issuing thread; completion routines run from its CQEs after the "
                 "io_uring_enter wait (SleepEx)",
    .summary = "overlapped I/O: the issuing thread runs each completion routine in its alertable wait",
    .available = ss_uring_available,
    .serve = overlapped_serve,
};

static int overlapped_serve(ss_server *s)
{
    ov_serve(s, 1, routines_loop);
    return 0;
}
