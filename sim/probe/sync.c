#include "sim/probe/sync.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"

#define LOCK_SPINS 100 /* tries before sleeping: critical sections are a few instructions */

int ss_event_create(void)
{
    ss_probe p;
    ss_probe_enter(&p, 0);
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int e = fd < 0 ? errno : 0;
    ss_probe_exit(&p, SS_API_EVENT_CREATE, fd, 0, fd, e, SS_EV_KERNEL, 0, 0);
    errno = e;
    return fd;
}

int ss_event_set(int ev)
{
    uint64_t one = 1;
    ss_probe p;
    ss_probe_enter(&p, 0);
    ssize_t r = write(ev, &one, sizeof one);
    int e = r < 0 ? errno : 0;
    ss_probe_exit(&p, SS_API_EVENT_SET, ev, 1, r, e, SS_EV_KERNEL, 0, 0);
    return r == (ssize_t)sizeof one ? 0 : -1;
}

int ss_event_reset(int ev)
{
    uint64_t count;
    ss_probe p;
    ss_probe_enter(&p, 0);
    ssize_t r = read(ev, &count, sizeof count);
    int e = r < 0 ? errno : 0;
    /* EAGAIN: it was not signalled, which is fine for a reset */
    ss_probe_exit(&p, SS_API_EVENT_RESET, ev, 0, r < 0 ? r : (int64_t)count, e, SS_EV_KERNEL, 0, 0);
    return r < 0 && e != EAGAIN ? -1 : 0;
}

int ss_event_close(int ev)
{
    ss_probe p;
    ss_probe_enter(&p, 0);
    int r = close(ev);
    int e = r < 0 ? errno : 0;
    ss_probe_exit(&p, SS_API_EVENT_CLOSE, ev, 0, r, e, SS_EV_KERNEL, 0, 0);
    return r;
}

int ss_futex_wait(_Atomic uint32_t *word, uint32_t val, int timeout_ms)
{
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    ss_probe p;
    ss_probe_enter(&p, 1);
    long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val, timeout_ms < 0 ? NULL : &ts, NULL, 0);
    int e = r < 0 ? errno : 0;
    ss_probe_exit(&p, SS_API_FUTEX_WAIT, -1, val, r, e, SS_EV_KERNEL, 0, 0);
    return r < 0 ? -e : 0;
}

int ss_futex_wake(_Atomic uint32_t *word, int n)
{
    ss_probe p;
    ss_probe_enter(&p, 0);
    long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    int e = r < 0 ? errno : 0;
    ss_probe_exit(&p, SS_API_FUTEX_WAKE, -1, (uint64_t)n, r, e, SS_EV_KERNEL, 0, 0);
    return (int)r;
}

void ss_lock_acquire(ss_lock *l)
{
    uint32_t c = 0;
    for (int i = 0; i < LOCK_SPINS; i++) {
        c = 0;
        if (atomic_compare_exchange_weak(&l->v, &c, 1))
            return;
    }
    /* Contended: mark "held with sleepers" and sleep until we take it. */
    if (c != 2)
        c = atomic_exchange(&l->v, 2);
    while (c != 0) {
        ss_futex_wait(&l->v, 2, -1);
        c = atomic_exchange(&l->v, 2);
    }
}

void ss_lock_release(ss_lock *l)
{
    if (atomic_fetch_sub(&l->v, 1) != 1) { /* there were sleepers: wake one */
        atomic_store(&l->v, 0);
        ss_futex_wake(&l->v, 1);
    }
}
