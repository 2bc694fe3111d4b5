/* probe_common.c — the platform-independent half of the probes: closing a
 * probed call into an event, pseudo events, simulated CPU work. Whether a
 * call really waited is the platform's question (ss_probe_waited: probe.c
 * on POSIX, probe_win.c on Windows). */
#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"

#include <string.h>

#include "sim/trace/clock.h"
#include "sim/trace/recorder_int.h"
#include "sim/trace/thread.h"

/* Emulation state of this thread: scope depth (a whole-emulation thread
 * holds one level for its life) and, inside a stand-in's span, what its
 * machinery did so far. */
static _Thread_local struct {
    unsigned depth;
    uint8_t flags;   /* SS_EV_WAITED when a call of the machinery slept */
    uint16_t impl;   /* the Linux call that did the work */
} emul;

int ss_emul_flag(void) { return emul.depth ? SS_EV_EMUL : 0; }

/* Every event of this thread passes here: in emulation it is flagged, and
 * a kernel entry is remembered as the enclosing Windows call's work. */
static int role_flags(int api, int flags)
{
    if (!emul.depth)
        return flags;
    /* the Linux call that did the work: the one that slept, else the last */
    if ((flags & SS_EV_KERNEL) && !(flags & SS_EV_STANDIN) &&
        (!(emul.flags & SS_EV_WAITED) || (flags & SS_EV_WAITED)))
        emul.impl = (uint16_t)api;
    emul.flags |= (uint8_t)(flags & SS_EV_WAITED);
    return flags | SS_EV_EMUL;
}

void ss_emul_begin(void) { emul.depth++; }
void ss_emul_end(void) { if (emul.depth) emul.depth--; }

void ss_emul_thread_begin(const char *name)
{
    ss_thread_begin(SS_ROLE_EMUL, name);
    emul.depth = 1; /* for the thread's life: it ends with the thread */
    emul.flags = 0;
    emul.impl = 0;
}

void ss_standin_begin(ss_standin *s)
{
    s->t0 = ss_recording() ? ss_ticks() : 0;
    s->impl = 0;
    s->outer_flags = emul.flags;
    s->outer_impl = emul.impl;
    emul.flags = 0;
    emul.impl = 0;
    emul.depth++;
}

void ss_standin_end(ss_standin *s, int win_api, int sock, uint64_t arg, int64_t ret, int err, uint64_t id,
                    uint32_t aux, int flags, int may_block)
{
    int inner = emul.flags;
    uint16_t impl = emul.impl ? emul.impl : s->impl;
    emul.depth--;
    emul.flags = (uint8_t)(s->outer_flags | inner);
    emul.impl = s->outer_impl;
    if (!ss_recording() || !s->t0)
        return;
    flags |= SS_EV_STANDIN | (may_block ? SS_EV_MAYBLOCK | (inner & SS_EV_WAITED) : 0);
    if (ret < 0)
        flags |= SS_EV_FAILED;
    ss_event ev = {.t0 = s->t0, .t1 = ss_ticks(), .ret = ret, .arg = arg, .id = id, .sock = sock, .aux = aux,
                   .api = (uint16_t)win_api, .err = (uint8_t)(err ? ss_err_from_errno(err) : 0),
                   .flags = (uint8_t)role_flags(win_api, flags), .impl = impl};
    ss_emit(&ev);
}

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
    ev.flags = (uint8_t)role_flags(api, flags);
    ev.impl = 0;
    ss_emit(&ev);
}

void ss_note(int api, int sock, uint64_t arg, int64_t ret, uint64_t id, uint32_t aux,
             int flags, uint64_t t0, uint64_t t1)
{
    if (!ss_recording())
        return;
    ss_event ev = {.t0 = t0, .t1 = t1, .ret = ret, .arg = arg, .id = id, .sock = sock,
                   .aux = aux, .api = (uint16_t)api, .flags = (uint8_t)role_flags(api, flags)};
    ss_emit(&ev);
}

void ss_cpu_work(int sock, unsigned us) { ss_cpu_work_for(sock, us, 0); }

void ss_cpu_work_for(int sock, unsigned us, uint32_t aux)
{
    if (!us)
        return;
    uint64_t start = ss_mono_ns(), t0 = ss_ticks();
    volatile uint64_t x = 0x9e3779b97f4a7c15ull;
    while (ss_mono_ns() - start < (uint64_t)us * 1000) {
        for (int i = 0; i < 256; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
    }
    ss_note(SS_API_CPU_WORK, sock, us, 0, 0, aux, 0, t0, ss_ticks());
}
