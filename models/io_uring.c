/* io_uring — beyond the book: completion-based I/O on Linux. One thread owns
 * a ring; accept, recv and send are submitted as operations and finish later
 * as completion queue entries. Everything prepared while handling one batch
 * of completions goes to the kernel in a single io_uring_enter, so kernel
 * entries per request fall below one (batching). --sqpoll lets a kernel
 * thread poll the submission queue, so submitting needs no entry at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe.h"
#include "sim/probe_uring.h"

#define RING_ENTRIES 4096
#define SPIN_US 50

typedef struct conn {
    int fd;
    int recvbytes, sendbytes;
    uint64_t op;              /* id of the one outstanding operation */
    struct conn *prev, *next;
    char buf[SS_BUFSIZE];
} conn;

typedef struct ur {
    ss_server *srv;
    struct io_uring ring;
    int sqpoll;
    uint64_t next_op;
    conn *live;
    uint64_t accept_op, stop_op;
    char stop_byte;
} ur;

/* user_data: the conn pointer, or one of these tags for the special ops */
#define TAG_ACCEPT ((uint64_t)1)
#define TAG_STOP ((uint64_t)2)

static struct io_uring_sqe *get_sqe(ur *U)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&U->ring);
    if (!sqe) { /* SQ full: push what we have, then there is room */
        ss_uring_submit(&U->ring, U->sqpoll);
        sqe = io_uring_get_sqe(&U->ring);
    }
    return sqe;
}

static int arm_accept(ur *U)
{
    struct io_uring_sqe *sqe = get_sqe(U);
    if (!sqe)
        return -1;
    io_uring_prep_accept(sqe, U->srv->listen_fd, NULL, NULL, 0);
    io_uring_sqe_set_data64(sqe, TAG_ACCEPT);
    U->accept_op = ++U->next_op;
    ss_uring_note_submit(U->accept_op, SS_API_ACCEPT, U->srv->listen_fd, 0);
    return 0;
}

static int arm_io(ur *U, conn *c, int api)
{
    struct io_uring_sqe *sqe = get_sqe(U);
    if (!sqe)
        return -1;
    size_t len;
    if (api == SS_API_RECV) {
        len = sizeof c->buf;
        io_uring_prep_recv(sqe, c->fd, c->buf, len, 0);
    } else {
        len = (size_t)(c->recvbytes - c->sendbytes);
        io_uring_prep_send(sqe, c->fd, c->buf + c->sendbytes, len, MSG_NOSIGNAL);
    }
    io_uring_sqe_set_data(sqe, c);
    c->op = ++U->next_op;
    ss_uring_note_submit(c->op, api, c->fd, len);
    return 0;
}

static void drop(ur *U, conn *c)
{
    if (c->prev) c->prev->next = c->next; else U->live = c->next;
    if (c->next) c->next->prev = c->prev;
    ss_conn_closed(U->srv, c->fd);
    free(c);
}

static void on_accept(ur *U, int res)
{
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
            if (arm_io(U, c, SS_API_RECV) != 0)
                drop(U, c);
        }
    }
    if (!ss_stop_requested(U->srv))
        arm_accept(U);
}

/* One completion on a connection: the textbook's recvbytes/sendbytes logic. */
static void on_io(ur *U, conn *c, int res, int was_recv)
{
    if (res <= 0) { /* EOF, reset, or cancelled */
        drop(U, c);
        return;
    }
    if (was_recv) {
        ss_cpu_work(c->fd, U->srv->opts.cpu_work_us);
        c->recvbytes = res;
        c->sendbytes = 0;
    } else {
        c->sendbytes += res;
    }
    int next = c->sendbytes < c->recvbytes ? SS_API_SEND : SS_API_RECV;
    if (next == SS_API_RECV)
        c->recvbytes = c->sendbytes = 0;
    if (arm_io(U, c, next) != 0)
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
        } else if (tag == TAG_ACCEPT) {
            ss_uring_note_complete(U->accept_op, SS_API_ACCEPT, U->srv->listen_fd, cqe->res, d);
            on_accept(U, cqe->res);
        } else {
            conn *c = (conn *)(uintptr_t)tag;
            int was_recv = c->recvbytes == 0;
            ss_uring_note_complete(c->op, was_recv ? SS_API_RECV : SS_API_SEND, c->fd, cqe->res, d);
            on_io(U, c, cqe->res, was_recv);
        }
    }
    io_uring_cq_advance(&U->ring, seen);
    return stop;
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
    struct io_uring_sqe *sqe = get_sqe(&U);
    io_uring_prep_poll_add(sqe, s->stop_fd, POLLIN);
    io_uring_sqe_set_data64(sqe, TAG_STOP);
    U.stop_op = ++U.next_op;
    ss_uring_note_submit(U.stop_op, SS_API_POLL, s->stop_fd, 0);
    arm_accept(&U);
    int stop = 0;
    while (!stop) {
        rc = ss_uring_submit_and_wait(&U.ring, U.sqpoll, SPIN_US);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            fprintf(stderr, "io_uring: io_uring_enter failed: %s\n", strerror(-rc));
            break;
        }
        stop = reap(&U);
    }
    /* queue_exit cancels and waits for what is in flight; then close. */
    io_uring_queue_exit(&U.ring);
    while (U.live)
        drop(&U, U.live);
    return 0;
}

static int uring_available(char *why, size_t n)
{
    struct io_uring ring;
    int rc = io_uring_queue_init(2, &ring, 0);
    if (rc < 0) {
        snprintf(why, n, "io_uring_setup failed here: %s", strerror(-rc));
        return 0;
    }
    io_uring_queue_exit(&ring);
    return 1;
}

const ss_model ss_model_io_uring = {
    .name = "io_uring",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "io_uring (liburing): accept/recv/send as SQEs, CQEs reaped in batches; --sqpoll available",
    .summary = "completion-based I/O: batched submissions, fewer user/kernel transitions than operations",
    .available = uring_available,
    .serve = uring_serve,
};
