#include "sim/probe/uring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"
#include "sim/trace/clock.h"
#include "sim/trace/recorder_int.h"

int ss_uring_available(char *why, size_t n)
{
    struct io_uring ring;
    int rc = io_uring_queue_init(2, &ring, 0);
    if (rc < 0) {
        snprintf(why, n, "io_uring_setup failed here: %s%s", strerror(-rc),
                 rc == -EPERM ? " (see /proc/sys/kernel/io_uring_disabled)" : "");
        return 0;
    }
    io_uring_queue_exit(&ring);
    return 1;
}

int ss_uring_init(struct io_uring *ring, unsigned entries, int sqpoll)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    if (sqpoll) {
        p.flags = IORING_SETUP_SQPOLL;
        p.sq_thread_idle = 2000; /* ms the SQ thread spins before it sleeps */
    }
    ss_probe pr;
    ss_probe_enter(&pr, 0);
    int rc = io_uring_queue_init_params(entries, ring, &p);
    ss_probe_exit(&pr, SS_API_URING_SETUP, -1, entries, rc, rc < 0 ? -rc : 0, SS_EV_KERNEL, 0, 0);
    return rc;
}

/* One recorded io_uring_enter. */
static int enter(struct io_uring *ring, unsigned to_submit, unsigned min_complete, unsigned flags, int may_block)
{
    ss_probe pr;
    ss_probe_enter(&pr, may_block);
    int rc = io_uring_enter(ring->ring_fd, to_submit, min_complete, flags, NULL);
    int e = rc < 0 ? errno : 0;
    ss_probe_exit(&pr, SS_API_URING_ENTER, -1, to_submit, rc, e, SS_EV_KERNEL, 0, 0);
    return rc < 0 ? -e : rc;
}

unsigned ss_uring_publish(struct io_uring *ring)
{
    struct io_uring_sq *sq = &ring->sq;
    unsigned tail = sq->sqe_tail;
    if (sq->sqe_head != tail) { /* liburing (2.3) fills sq.array once at setup: the tail is all */
        sq->sqe_head = tail;
        io_uring_smp_store_release(sq->ktail, tail);
    }
    return tail - io_uring_smp_load_acquire(sq->khead);
}

/* With SQPOLL we decide about io_uring_enter ourselves, with liburing's own
 * protocol (publish the tail, full barrier, then read the flags), instead
 * of asking io_uring_submit(): liburing re-reads IORING_SQ_NEED_WAKEUP after
 * any look of ours and would enter the kernel unrecorded if the SQ thread
 * fell asleep in between. Here the flag we test is the flag the decision
 * uses, so every entry is recorded. */
int ss_uring_push(struct io_uring *ring, int sqpoll, unsigned n)
{
    if (!n)
        return 0;
    if (!sqpoll)
        return enter(ring, n, 0, 0, 0);
    io_uring_smp_mb();
    unsigned kflags = IO_URING_READ_ONCE(*ring->sq.kflags), flags = 0;
    if (kflags & IORING_SQ_NEED_WAKEUP)
        flags |= IORING_ENTER_SQ_WAKEUP;
    if (kflags & IORING_SQ_CQ_OVERFLOW)
        flags |= IORING_ENTER_GETEVENTS; /* lets the kernel move overflowed CQEs back */
    if (!flags)
        return (int)n; /* the SQ thread is awake and picks them up: no kernel entry */
    int rc = enter(ring, n, 0, flags, 0);
    return rc < 0 ? rc : (int)n;
}

int ss_uring_submit(struct io_uring *ring, int sqpoll)
{
    if (sqpoll)
        return ss_uring_push(ring, 1, ss_uring_publish(ring));
    unsigned pending = io_uring_sq_ready(ring);
    if (!pending)
        return 0;
    ss_probe pr;
    ss_probe_enter(&pr, 0);
    int rc = io_uring_submit(ring);
    ss_probe_exit(&pr, SS_API_URING_ENTER, -1, pending, rc, rc < 0 ? -rc : 0, SS_EV_KERNEL, 0, 0);
    return rc;
}

int ss_uring_wait(struct io_uring *ring, unsigned spin_us)
{
    uint64_t until = ss_mono_ns() + (uint64_t)spin_us * 1000;
    while (io_uring_cq_ready(ring) == 0 && spin_us && ss_mono_ns() < until) {}
    if (io_uring_cq_ready(ring) > 0)
        return 0;
    int rc = enter(ring, 0, 1, IORING_ENTER_GETEVENTS, 1);
    return rc < 0 ? rc : 0;
}

int ss_uring_submit_and_wait(struct io_uring *ring, int sqpoll, unsigned spin_us)
{
    if (io_uring_cq_ready(ring) > 0)
        return ss_uring_submit(ring, sqpoll); /* completions already waiting */
    if (!sqpoll) {
        unsigned pending = io_uring_sq_ready(ring);
        ss_probe pr;
        ss_probe_enter(&pr, 1);
        int rc = io_uring_submit_and_wait(ring, 1);
        ss_probe_exit(&pr, SS_API_URING_ENTER, -1, pending, rc, rc < 0 ? -rc : 0, SS_EV_KERNEL, 0, 0);
        return rc;
    }
    int rc = ss_uring_submit(ring, sqpoll);
    if (rc < 0)
        return rc;
    int w = ss_uring_wait(ring, spin_us);
    return w < 0 ? w : rc;
}

struct io_uring_sqe *ss_uring_get_sqe(struct io_uring *ring, int sqpoll)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    if (!sqe) { /* SQ full: push what we have, then there is room */
        ss_uring_submit(ring, sqpoll);
        sqe = io_uring_get_sqe(ring);
    }
    return sqe;
}

void ss_uring_note_submit(uint64_t id, int api, int sock, uint64_t len)
{
    uint64_t t = ss_ticks();
    ss_note(SS_API_OP_SUBMIT, sock, len, 0, id, (uint32_t)api, SS_EV_ASYNC, t, t);
}

void ss_uring_note_complete(uint64_t id, int api, int sock, int res, unsigned depth)
{
    if (!ss_recording())
        return;
    uint64_t t = ss_ticks();
    ss_event ev = {.t0 = t, .t1 = t, .ret = res, .arg = depth, .id = id, .sock = sock,
                   .aux = (uint32_t)api, .api = SS_API_OP_COMPLETE,
                   .err = (uint8_t)(res < 0 ? ss_err_from_errno(-res) : 0),
                   .flags = (uint8_t)(SS_EV_ASYNC | (res < 0 ? SS_EV_FAILED : 0) | ss_emul_flag())};
    ss_emit(&ev);
}
