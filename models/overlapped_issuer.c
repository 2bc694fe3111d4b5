/* overlapped_issuer.c — the issuing threads of the two overlapped
 * stand-ins (overlapped_int.h): each owns one io_uring, and everything it
 * prepares in one round goes to the kernel in one io_uring_enter; the main
 * (serve) thread accepts and hands each socket over through the thread's
 * "new socket" event, as in the book's examples. */
#include "models/overlapped_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "models/standin.h"
#include "models/uring_echo.h"
#include "sim/probe/probe.h"
#include "sim/probe/uring.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define EVENTS_RING 256 /* 63 sockets x 2 linked SQEs fit */
#define ROUTINES_RING 4096

/* --- issuing operations ------------------------------------------------ */
static const uint64_t one = 1; /* what the linked write adds to an event */

int ov_issue(issuer *is, conn *c, int api)
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
    c->routine = ov_echo_done;
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
        io_uring_sqe_set_data64(sig, OV_TAG_SIGNAL);
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

void ov_echo_done(issuer *is, conn *c, int res)
{
    int next = ss_echo_step(is->ov->srv, c->fd, &c->e, c->api, res);
    if (!next || ov_issue(is, c, next) != 0)
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

void ov_take_incoming(issuer *is)
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
        else if (ov_issue(is, c, SS_API_RECV) != 0)
            drop(is, c);
    }
    if (quit && !is->closing) {
        is->closing = 1;
        for (int i = 0; i < is->nconns; i++)
            ss_shutdown(is->conns[i]->fd, SHUT_RDWR);
    }
}

void ov_note_signal(int ev, uint64_t op, int api)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_EVENT_SIGNAL, ev, 0, 0, op, (uint32_t)api, 0, t, t);
}

/* --- threads ------------------------------------------------------------------ */
static void *issuer_main(void *arg)
{
    issuer *is = arg;
    char name[32];
    snprintf(name, sizeof name, "issuer %d", is->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    is->ov->loop(is);
    io_uring_queue_exit(&is->ring); /* cancels what is left if the loop failed; not probed */
    while (is->nconns > 0)
        drop(is, is->conns[is->nconns - 1]);
    ss_thread_end();
    return NULL;
}

static issuer *start_issuer(overlapped_server *ov)
{
    if (ov->nthreads == OV_MAX_THREADS)
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
        if (ov->routines || atomic_load(&ov->threads[i]->assigned) < OV_MAX_WAIT - 1)
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

int ov_serve(ss_server *s, int routines, void (*loop)(issuer *is))
{
    overlapped_server ov = {.srv = s, .routines = routines, .loop = loop};
    for (int fd; (fd = ss_accept_next(s)) >= 0;)
        hand_over(&ov, fd);
    stop_issuers(&ov);
    return 0;
}
