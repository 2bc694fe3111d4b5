/* overlapped-event — the textbook's Overlapped model with event objects
 * (table 11-5): see overlapped.c for the model and its stand-in. Every
 * socket has an event object (OVERLAPPED.hEvent, an eventfd). Each
 * operation is a recv/send SQE hard-linked to a write of 1 to that
 * eventfd, so the kernel signals the event when the operation is over. The
 * thread waits on its events with WSAWaitForMultipleEvents (at most 64 per
 * wait, slot 0 being the new-socket event, so 63 sockets per thread; more
 * sockets start another thread), resets each signalled event
 * (WSAResetEvent) and takes the operation's result (WSAGetOverlappedResult).
 * The events are eventfds and the wait is poll(2) (models/standin.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/overlapped_int.h"
#include "models/standin.h"
#include "sim/probe/probe.h"
#include "sim/probe/uring.h"

/* --- events ---------------------------------------------------------------- */
/* Move every CQE's result into its connection (the OVERLAPPED's fields). */
static void reap_results(issuer *is)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&is->ring, head, cqe) {
        seen++;
        if (io_uring_cqe_get_data64(cqe) == OV_TAG_SIGNAL) { /* only failures post a CQE */
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
    ss_standin_end(&call, SS_API_WSA_GET_OVERLAPPED, c->fd, 0, c->res < 0 ? -1 : c->res, c->res < 0 ? -c->res : 0, 0, 0,
                   SS_EV_KERNEL, 0);
    ss_uring_note_complete(c->op, c->api, c->fd, c->res, (unsigned)is->ndone);
    c->done = 0;
    is->ndone--;
    return c->res;
}

static void on_event(issuer *is, conn *c)
{
    ov_note_signal(c->evfd, c->op, c->api);
    ss_sw_reset_event(c->evfd, c->fd);
    ov_echo_done(is, c, get_result(is, c));
}

/* One WSAWaitForMultipleEvents round: slot 0 is the new-socket event. The
 * wait reports the lowest signalled event; the book's loop then looks at
 * the others too (a zero-timeout scan would be another call each: the
 * stand-in's one poll already reported them all). */
static void wait_events(issuer *is)
{
    struct pollfd pf[OV_MAX_WAIT];
    conn *ready[OV_MAX_WAIT];
    int n = 0, nready = 0;
    pf[n++] = (struct pollfd){.fd = is->newsock, .events = POLLIN};
    for (int i = 0; i < is->nconns && n < OV_MAX_WAIT; i++)
        pf[n++] = (struct pollfd){.fd = is->conns[i]->evfd, .events = POLLIN};
    if (ss_sw_wait_events(pf, n, -1) < 0)
        return;
    for (int i = 1; i < n; i++)
        if (pf[i].revents)
            ready[nready++] = is->conns[i - 1];
    for (int i = 0; i < nready; i++) /* pointers, not slots: drops move slots */
        on_event(is, ready[i]);
    if (pf[0].revents) {
        ov_note_signal(is->newsock, 0, SS_API_ACCEPT);
        ss_sw_reset_event(is->newsock, -1);
        ov_take_incoming(is);
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

static int overlapped_event_serve(ss_server *s);

const ss_model ss_model_overlapped_event = {
    .name = "overlapped-event",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "Linux stand-in: an io_uring per issuing thread; each SQE hard-linked to a write to the socket's "
                 "eventfd, poll() on <=64",
    .summary = "overlapped I/O with events: the issuing thread waits on its operations' events",
    .available = ss_uring_available,
    .serve = overlapped_event_serve,
};

static int overlapped_event_serve(ss_server *s)
{
    ov_serve(s, 0, events_loop);
    return 0;
}
