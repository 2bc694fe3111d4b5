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
#include "models/uring_echo.h"
#include "sim/probe/probe.h"
#include "sim/probe/uring.h"

#define RING_ENTRIES 4096

typedef struct conn {
    int fd;
    int api;                  /* the one outstanding operation: SS_API_RECV or SS_API_SEND */
    uint64_t op;              /* ... and its id */
    struct conn *prev, *next;
    ss_echo e;
} conn;

typedef struct io_uring_server {
    ss_server *srv;
    struct io_uring ring;
    int sqpoll;
    uint64_t next_op;
    conn *live;
    uint64_t accept_op, stop_op;
    int accept_pending;
    int accept_deferred;          /* out of descriptors: the next accept waits (model.h's gate) */
    struct __kernel_timespec retry; /* ... at most this long: a timeout operation */
} io_uring_server;

/* user_data: the conn pointer, or one of these tags for the special ops */
#define TAG_ACCEPT ((uint64_t)1)
#define TAG_STOP ((uint64_t)2)
#define TAG_CANCEL ((uint64_t)3)
#define TAG_RETRY ((uint64_t)4)

static int arm_accept(io_uring_server *ur)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&ur->ring, ur->sqpoll);
    if (!sqe)
        return -1;
    io_uring_prep_accept(sqe, ur->srv->listen_fd, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, TAG_ACCEPT);
    ur->accept_op = ++ur->next_op;
    ur->accept_pending = 1;
    ss_uring_note_submit(ur->accept_op, SS_API_ACCEPT, ur->srv->listen_fd, 0);
    return 0;
}

static int arm_io(io_uring_server *ur, conn *c, int api)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&ur->ring, ur->sqpoll);
    if (!sqe)
        return -1;
    c->api = api;
    c->op = ++ur->next_op;
    ss_uring_note_submit(c->op, api, c->fd, ss_uring_prep_echo(sqe, &c->e, c->fd, api));
    io_uring_sqe_set_data(sqe, c);
    return 0;
}

/* Out of descriptors: no accept until a connection closes or the gate's
 * retry time has passed (a timeout operation wakes the ring then). */
static void defer_accept(io_uring_server *ur)
{
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&ur->ring, ur->sqpoll);
    ur->accept_deferred = 1;
    if (!sqe)
        return;
    int ms = ss_accept_wait_ms(ur->srv, -1);
    ur->retry = (struct __kernel_timespec){.tv_sec = ms / 1000, .tv_nsec = (long long)(ms % 1000) * 1000000};
    io_uring_prep_timeout(sqe, &ur->retry, 0, 0);
    io_uring_sqe_set_data64(sqe, TAG_RETRY);
}

static void resume_accept(io_uring_server *ur)
{
    if (ur->accept_deferred && !ur->accept_pending && !ss_stop_requested(ur->srv) && ss_accept_open(ur->srv)) {
        ur->accept_deferred = 0;
        arm_accept(ur);
    }
}

static void drop(io_uring_server *ur, conn *c)
{
    SS_LIVE_REMOVE(ur->live, c);
    ss_conn_closed(ur->srv, c->fd);
    free(c);
    resume_accept(ur); /* a descriptor is free */
}

static void on_accept(io_uring_server *ur, int res)
{
    if (res < 0)
        ss_accept_failed(ur->srv, -res);
    if (res >= 0) {
        ss_conn_opened(ur->srv, res);
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            ss_conn_closed(ur->srv, res);
        } else {
            c->fd = res;
            SS_LIVE_PUSH(ur->live, c);
            if (ss_stop_requested(ur->srv)) /* accepted while stopping: let its recv end at once */
                ss_shutdown(c->fd, SHUT_RDWR);
            if (arm_io(ur, c, SS_API_RECV) != 0)
                drop(ur, c);
        }
    }
    if (ss_stop_requested(ur->srv))
        return;
    if (ss_accept_open(ur->srv))
        arm_accept(ur);
    else
        defer_accept(ur);
}

/* One completion on a connection: the textbook's recvbytes/sendbytes logic. */
static void on_io(io_uring_server *ur, conn *c, int res)
{
    int next = ss_echo_step(ur->srv, c->fd, &c->e, c->api, res);
    if (!next || arm_io(ur, c, next) != 0)
        drop(ur, c);
}

static int reap(io_uring_server *ur)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0, depth = io_uring_cq_ready(&ur->ring);
    int stop = 0;
    io_uring_for_each_cqe(&ur->ring, head, cqe) {
        uint64_t tag = io_uring_cqe_get_data64(cqe);
        unsigned d = depth - seen++;
        if (tag == TAG_STOP) {
            ss_uring_note_complete(ur->stop_op, SS_API_POLL, ur->srv->stop_fd, cqe->res, d);
            stop = 1;
        } else if (tag == TAG_CANCEL) {
            continue; /* the cancel request's own CQE; the accept reports itself */
        } else if (tag == TAG_RETRY) {
            resume_accept(ur);
            if (ur->accept_deferred && !ss_stop_requested(ur->srv))
                defer_accept(ur); /* still out of descriptors: wait again */
        } else if (tag == TAG_ACCEPT) {
            ur->accept_pending = 0;
            ss_uring_note_complete(ur->accept_op, SS_API_ACCEPT, ur->srv->listen_fd, cqe->res, d);
            on_accept(ur, cqe->res);
        } else {
            conn *c = (conn *)(uintptr_t)tag;
            ss_uring_note_complete(c->op, c->api, c->fd, cqe->res, d);
            on_io(ur, c, cqe->res);
        }
    }
    io_uring_cq_advance(&ur->ring, seen);
    return stop;
}

static int wait_and_reap(io_uring_server *ur)
{
    int rc = ss_uring_submit_and_wait(&ur->ring, ur->sqpoll, SS_URING_SQPOLL_SPIN_US);
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
        fprintf(stderr, "io_uring: io_uring_enter failed: %s\n", strerror(-rc));
        return -1;
    }
    return reap(ur);
}

/* Stop as the other models do: shut every connection down so that its
 * outstanding operation completes (and is recorded), cancel the pending
 * accept, and reap until nothing is in flight. */
static void drain(io_uring_server *ur)
{
    for (conn *c = ur->live; c; c = c->next)
        ss_shutdown(c->fd, SHUT_RDWR);
    struct io_uring_sqe *sqe = ur->accept_pending ? ss_uring_get_sqe(&ur->ring, ur->sqpoll) : NULL;
    if (sqe) {
        io_uring_prep_cancel64(sqe, TAG_ACCEPT, 0);
        io_uring_sqe_set_data64(sqe, TAG_CANCEL);
    }
    while ((ur->live || ur->accept_pending) && wait_and_reap(ur) >= 0) {}
}

static int io_uring_serve(ss_server *s);

const ss_model ss_model_io_uring = {
    .name = "io_uring",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "io_uring (liburing): accept/recv/send as SQEs, CQEs reaped in batches; --sqpoll available",
    .summary = "completion-based I/O: batched submissions, fewer user/kernel transitions than operations",
    .available = ss_uring_available,
    .serve = io_uring_serve,
};

static int io_uring_serve(ss_server *s)
{
    io_uring_server ur = {.srv = s, .sqpoll = s->opts.sqpoll};
    int rc = ss_uring_init(&ur.ring, RING_ENTRIES, ur.sqpoll);
    if (rc < 0) {
        fprintf(stderr, "io_uring: io_uring_setup failed: %s%s\n", strerror(-rc),
                rc == -EPERM ? " (io_uring is disabled: see /proc/sys/kernel/io_uring_disabled)" : "");
        return -1;
    }
    struct io_uring_sqe *sqe = ss_uring_get_sqe(&ur.ring, ur.sqpoll);
    io_uring_prep_poll_add(sqe, s->stop_fd, POLLIN);
    io_uring_sqe_set_data64(sqe, TAG_STOP);
    ur.stop_op = ++ur.next_op;
    ss_uring_note_submit(ur.stop_op, SS_API_POLL, s->stop_fd, 0);
    arm_accept(&ur);
    int stop = 0;
    while (!stop)
        stop = wait_and_reap(&ur);
    if (stop > 0)
        drain(&ur);
    /* after a failure, queue_exit cancels and waits for what is in flight */
    io_uring_queue_exit(&ur.ring);
    while (ur.live)
        drop(&ur, ur.live);
    return 0;
}
