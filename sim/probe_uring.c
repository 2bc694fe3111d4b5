#include "sim/probe_uring.h"

#include <errno.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/probe.h"
#include "sim/recorder.h"

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

static int sq_needs_wakeup(struct io_uring *ring)
{
    return (IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_NEED_WAKEUP) != 0;
}

int ss_uring_submit(struct io_uring *ring, int sqpoll)
{
    unsigned pending = io_uring_sq_ready(ring);
    if (sqpoll && !sq_needs_wakeup(ring))
        return io_uring_submit(ring); /* the SQ thread picks them up: no kernel entry */
    if (!pending)
        return 0;
    ss_probe pr;
    ss_probe_enter(&pr, 0);
    int rc = io_uring_submit(ring);
    ss_probe_exit(&pr, SS_API_URING_ENTER, -1, pending, rc, rc < 0 ? -rc : 0, SS_EV_KERNEL, 0, 0);
    return rc;
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
    uint64_t until = ss_mono_ns() + (uint64_t)spin_us * 1000;
    while (io_uring_cq_ready(ring) == 0 && ss_mono_ns() < until) {}
    if (io_uring_cq_ready(ring) > 0)
        return rc;
    ss_probe pr;
    ss_probe_enter(&pr, 1);
    int w = io_uring_enter(ring->ring_fd, 0, 1, IORING_ENTER_GETEVENTS, NULL);
    int e = w < 0 ? errno : 0;
    ss_probe_exit(&pr, SS_API_URING_ENTER, -1, 0, w, e, SS_EV_KERNEL, 0, 0);
    return w < 0 ? -e : rc;
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
                   .flags = (uint8_t)(SS_EV_ASYNC | (res < 0 ? SS_EV_FAILED : 0))};
    ss_emit(&ev);
}
