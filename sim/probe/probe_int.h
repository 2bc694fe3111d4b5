/* probe_int.h — how a probe records a call, shared by the probe files
 * (probe.c and probe_win.c per platform, probe_common.c, sync.c, uring.c):
 * a call's entry and exit, and the lazy rule that decides without a
 * system call whether a short call could have slept. Not for models. */
#ifndef SS_PROBE_INT_H
#define SS_PROBE_INT_H

#include <stdint.h>

#include "sim/trace/event.h"

typedef struct ss_probe {
    uint64_t t0;
    long nvcsw, nvcsw_lazy; /* voluntary switches at entry: read / as the lazy rule knows it */
    int on, may_block;
} ss_probe;

/* The lazy rule's chain (docs/instrumentation.md), kept per thread by each
 * platform's probes beside its own kind of reading: a reading taken at one
 * call's exit still holds at the next call's entry when every probed call
 * and every gap since was shorter than the wait floor. */
typedef struct ss_wait_chain {
    uint64_t last_exit; /* ticks at the end of the last probed call */
    int valid;          /* a reading is held and was true at last_exit */
} ss_wait_chain;

static inline int ss_chain_holds(const ss_wait_chain *c, uint64_t t0, uint64_t floor_ticks)
{
    return c->valid && t0 - c->last_exit <= floor_ticks;
}

/* At a call's exit (t1): 1 when it needs no reading — it could not block,
 * or it was too short to have slept and this is not verification mode. */
static inline int ss_chain_skip(ss_wait_chain *c, int may_block, int long_call, int verify, uint64_t t1)
{
    if (!may_block) {
        if (long_call)
            c->valid = 0; /* a long gap inside: nothing held survives it */
        else
            c->last_exit = t1;
        return 1;
    }
    if (!long_call && !verify) {
        c->last_exit = t1;
        return 1;
    }
    return 0;
}

/* The event flags from the lazy verdict and, in verification mode, the
 * exact one (SS_EV_WAIT_MISSED when they differ). */
static inline int ss_wait_flags(int lazy, int exact, int verify)
{
    int flags = (verify ? exact : lazy) ? SS_EV_WAITED : 0;
    return verify && exact != lazy ? flags | SS_EV_WAIT_MISSED : flags;
}

void ss_probe_enter(ss_probe *p, int may_block);
/* SS_EV_WAITED (and in verification mode SS_EV_WAIT_MISSED) or 0: did the
 * call that began at p->t0 and ended at t1 really sleep? Per platform. */
int ss_probe_waited(ss_probe *p, uint64_t t1);
void ss_probe_exit(ss_probe *p, int api, int sock, uint64_t arg, int64_t ret, int err, int flags, uint64_t id,
                   uint32_t aux);

#endif
