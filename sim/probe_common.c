/* probe_common.c — the platform-independent half of the probes: closing a
 * probed call into an event, pseudo events, simulated CPU work. Whether a
 * call really waited is the platform's question (ss_probe_waited: probe.c
 * on POSIX, probe_win.c on Windows). */
#include "sim/clock.h"
#include "sim/probe.h"
#include "sim/recorder.h"

void ss_probe_exit(ss_probe *p, int api, int sock, uint64_t arg, int64_t ret, int err,
                   int flags, uint64_t id, uint32_t aux)
{
    if (!p->on)
        return;
    ss_event ev;
    ev.t1 = ss_ticks();
    ev.t0 = p->t0;
    ev.ret = ret;
    ev.arg = arg;
    ev.id = id;
    ev.sock = sock;
    ev.aux = aux;
    ev.api = (uint16_t)api;
    ev.err = (uint8_t)(err ? ss_err_from_errno(err) : 0);
    ev.pad_ = 0;
    if (p->may_block)
        flags |= SS_EV_MAYBLOCK;
    flags |= ss_probe_waited(p, ev.t1);
    if (ret < 0)
        flags |= SS_EV_FAILED;
    ev.flags = (uint8_t)flags;
    ss_emit(&ev);
}

void ss_note(int api, int sock, uint64_t arg, int64_t ret, uint64_t id, uint32_t aux,
             int flags, uint64_t t0, uint64_t t1)
{
    if (!ss_recording())
        return;
    ss_event ev = {.t0 = t0, .t1 = t1, .ret = ret, .arg = arg, .id = id, .sock = sock,
                   .aux = aux, .api = (uint16_t)api, .flags = (uint8_t)flags};
    ss_emit(&ev);
}

void ss_cpu_work(int sock, unsigned us)
{
    if (!us)
        return;
    uint64_t start = ss_mono_ns(), t0 = ss_ticks();
    volatile uint64_t x = 0x9e3779b97f4a7c15ull;
    while (ss_mono_ns() - start < (uint64_t)us * 1000) {
        for (int i = 0; i < 256; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
    }
    ss_note(SS_API_CPU_WORK, sock, us, 0, 0, 0, 0, t0, ss_ticks());
}
