/* io_uring — beyond the book: completion-based I/O on Linux. One thread owns
 * a ring; accept, recv and send are submitted as operations and finish later
 * as completion queue entries. Everything prepared while handling one batch
 * of completions goes to the kernel in a single io_uring_enter, so kernel
 * entries per request fall below one (batching). --sqpoll lets a kernel
 * thread poll the submission queue, so submitting needs no entry at all,
 * and the server polls the completion queue (up to SS_URING_SQPOLL_SPIN_US)
 * before it sleeps in io_uring_enter: near-zero entries, at a CPU's cost. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe/probe.h"
#include "models/uring_echo.h"
#include "sim/probe/uring.h"

#define RING_ENTRIES 4096

typedef struct conn {
    int fd;
    int api;                  /* the one outstanding operation: SS_API_RECV or SS_API_SEND */
    uint64_t op;              /* ... and its id */
    struct conn *prev, *next;
    ss_echo e;
} conn;

typedef struct ur {
    ss_server *srv;
    struct io_uring ring;
    int sqpoll;
    uint64_t next_op;
    conn *live;
    uint64_t accept_op, stop_op;
    int accept_pending;
    int accept_deferred;          /* out of descriptors: the next accept waits (model.h's gate) */
    struct __kernel_timespec retry; /* ... at most this long: a timeout operation */
} ur;

/* user_data: the conn pointer, or one of these tags for the special ops */
#define TAG_ACCEPT ((uint64_t)1)
#define TAG_STOP ((uint64_t)2)
#define TAG_CANCEL ((uint64_t)3)
#define TAG_RETRY ((uint64_t)4)

static int arm_accept(ur *U)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&U->ring, U->sqpoll);
    if (!sqe)
        return -1;
    io_uring_prep_accept(sqe, U->srv->listen_fd, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, TAG_ACCEPT);
    U->accept_op = ++U->next_op;
    U->accept_pending = 1;
    ss_uring_note_submit(U->accept_op, SS_API_ACCEPT, U->srv->listen_fd, 0);
    return 0;
}

static int arm_io(ur *U, conn *c, int api)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&U->ring, U->sqpoll);
    if (!sqe)
        return -1;
    c->api = api;
    c->op = ++U->next_op;
    ss_uring_note_submit(c->op, api, c->fd, ss_uring_prep_echo(sqe, &c->e, c->fd, api));
    io_uring_sqe_set_data(sqe, c);
    return 0;
}

/* Out of descriptors: no accept until a connection closes or the gate's
 * retry time has passed (a timeout operation wakes the ring then). */
static void defer_accept(ur *U)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&U->ring, U->sqpoll);
    U->accept_deferred = 1;
    if (!sqe)
        return;
    int ms = ss_accept_wait_ms(U->srv, -1);
    U->retry = (struct __kernel_timespec){.tv_sec = ms / 1000, .tv_nsec = (long long)(ms % 1000) * 1000000};
    io_uring_prep_timeout(sqe, &U->retry, 0, 0);
    io_uring_sqe_set_data64(sqe, TAG_RETRY);
}

static void resume_accept(ur *U)
{
    if (U->accept_deferred && !U->accept_pending && !ss_stop_requested(U->srv) && ss_accept_open(U->srv)) {
        U->accept_deferred = 0;
        arm_accept(U);
    }
}

static void drop(ur *U, conn *c)
{
    if (c->prev) c->prev->next = c->next; else U->live = c->next;
    if (c->next) c->next->prev = c->prev;
    ss_conn_closed(U->srv, c->fd);
    free(c);
    resume_accept(U); /* a descriptor is free */
}

static void on_accept(ur *U, int res)
{
    if (res < 0)
        ss_accept_failed(U->srv, -res);
    if (res >= 0) {
        ss_conn_opened(U->srv, res);
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            ss_conn_closed(U->srv, res);
        } else {
            c->fd = res;
            c->next = U->live;
            if (U->live) U->live->prev = c;
            U->live = c;
            if (ss_stop_requested(U->srv)) /* accepted while stopping: let its recv end at once */
                ss_shutdown(c->fd, SHUT_RDWR);
            if (arm_io(U, c, SS_API_RECV) != 0)
                drop(U, c);
        }
    }
    if (ss_stop_requested(U->srv))
        return;
    if (ss_accept_open(U->srv))
        arm_accept(U);
    else
        defer_accept(U);
}

/* One completion on a connection: the textbook's recvbytes/sendbytes logic. */
static void on_io(ur *U, conn *c, int res)
{
    int next = ss_echo_step(U->srv, c->fd, &c->e, c->api, res);
    if (!next || arm_io(U, c, next) != 0)
        drop(U, c);
}

static int reap(ur *U)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0, depth = io_uring_cq_ready(&U->ring);
    int stop = 0;
    io_uring_for_each_cqe(&U->ring, head, cqe) {
        uint64_t tag = io_uring_cqe_get_data64(cqe);
        unsigned d = depth - seen++;
        if (tag == TAG_STOP) {
            ss_uring_note_complete(U->stop_op, SS_API_POLL, U->srv->stop_fd, cqe->res, d);
            stop = 1;
        } else if (tag == TAG_CANCEL) {
            continue; /* the cancel request's own CQE; the accept reports itself */
        } else if (tag == TAG_RETRY) {
            resume_accept(U);
            if (U->accept_deferred && !ss_stop_requested(U->srv))
                defer_accept(U); /* still out of descriptors: wait again */
        } else if (tag == TAG_ACCEPT) {
            U->accept_pending = 0;
            ss_uring_note_complete(U->accept_op, SS_API_ACCEPT, U->srv->listen_fd, cqe->res, d);
            on_accept(U, cqe->res);
        } else {
            conn *c = (conn *)(uintptr_t)tag;
            ss_uring_note_complete(c->op, c->api, c->fd, cqe->res, d);
            on_io(U, c, cqe->res);
        }
    }
    io_uring_cq_advance(&U->ring, seen);
    return stop;
}

static int wait_and_reap(ur *U)
{
    int rc = ss_uring_submit_and_wait(&U->ring, U->sqpoll, SS_URING_SQPOLL_SPIN_US);
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
        fprintf(stderr, "io_uring: io_uring_enter failed: %s\n", strerror(-rc));
        return -1;
    }
    return reap(U);
}

/* Stop as the other models do: shut every connection down so that its
 * outstanding operation completes (and is recorded), cancel the pending
 * accept, and reap until nothing is in flight. */
static void drain(ur *U)
{
    for (conn *c = U->live; c; c = c->next)
        ss_shutdown(c->fd, SHUT_RDWR);
    struct io_uring_sqe *sqe = U->accept_pending ? ss_uring_get_sqe(&U->ring, U->sqpoll) : NULL;
    if (sqe) {
        io_uring_prep_cancel64(sqe, TAG_ACCEPT, 0);
        io_uring_sqe_set_data64(sqe, TAG_CANCEL);
    }
    while ((U->live || U->accept_pending) && wait_and_reap(U) >= 0) {}
}

static int uring_serve(ss_server *s)
{
    ur U = {.srv = s, .sqpoll = s->opts.sqpoll};
    int rc = ss_uring_init(&U.ring, RING_ENTRIES, U.sqpoll);
    if (rc < 0) {
        fprintf(stderr, "io_uring: io_uring_setup failed: %s%s\n", strerror(-rc),
                rc == -EPERM ? " (io_uring is disabled: see /proc/sys/kernel/io_uring_disabled)" : "");
        return -1;
    }
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&U.ring, U.sqpoll);
    io_uring_prep_poll_add(sqe, s->stop_fd, POLLIN);
    io_uring_sqe_set_data64(sqe, TAG_STOP);
    U.stop_op = ++U.next_op;
    ss_uring_note_submit(U.stop_op, SS_API_POLL, s->stop_fd, 0);
    arm_accept(&U);
    int stop = 0;
    while (!stop)
        stop = wait_and_reap(&U);
    if (stop > 0)
        drain(&U);
    /* after a failure, queue_exit cancels and waits for what is in flight */
    io_uring_queue_exit(&U.ring);
    while (U.live)
        drop(&U, U.live);
    return 0;
}

const ss_model ss_model_io_uring = {
    .name = "io_uring",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "io_uring (liburing): accept/recv/send as SQEs, CQEs reaped in batches; --sqpoll available",
    .summary = "completion-based I/O: batched submissions, fewer user/kernel transitions than operations",
    .available = ss_uring_available,
    .serve = uring_serve,
};
