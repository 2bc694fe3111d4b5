/* vw_fixture.h — small hand-built sessions for the viewer's tests: exact
 * times, so every pixel and counter has a known right answer. */
#ifndef VW_FIXTURE_H
#define VW_FIXTURE_H

#include <string.h>

#include "render/session.h"

static inline ss_event fx_ev(int api, uint64_t t0, uint64_t t1, int sock, int64_t ret, int flags)
{
    ss_event e;
    memset(&e, 0, sizeof e);
    e.api = (uint16_t)api, e.t0 = t0, e.t1 = t1, e.sock = sock, e.ret = ret, e.flags = (uint8_t)flags;
    return e;
}

#define FX_WAIT (SS_EV_KERNEL | SS_EV_MAYBLOCK | SS_EV_WAITED)

/* One run "select", duration 10000 ns:
 *   lane 0 "main": select 0..4000 (slept), recv 4000..5000, send 5000..5800, cpu 6000..8000
 *   lane 1 "client 0": request 3000..9000 (latency 6000) */
static inline vw_run *fx_simple(vw_session *s)
{
    vw_run *r = vw_session_add_run(s, "select");
    vw_lane *l = vw_run_lane(r, 0, SS_ROLE_SERVER, "main");
    ss_event e[] = {fx_ev(SS_API_SELECT, 0, 4000, -1, 1, FX_WAIT), fx_ev(SS_API_RECV, 4000, 5000, 7, 512, SS_EV_KERNEL),
                    fx_ev(SS_API_SEND, 5000, 5800, 7, 512, SS_EV_KERNEL), fx_ev(SS_API_CPU_WORK, 6000, 8000, 7, 0, 0)};
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++)
        vw_lane_push(l, &e[i]);
    vw_lane *c = vw_run_lane(r, 1, SS_ROLE_CLIENT, "client 0");
    ss_event q = fx_ev(SS_API_REQUEST, 3000, 9000, 20, 512, 0);
    vw_lane_push(c, &q);
    r->duration = 10000;
    r->has_end = 1;
    vw_run_finish(r);
    s->nevents += r->nevents;
    return r;
}

/* A lane of n calls of 10 ns every 100 ns (kernel, every 4th one slept). */
static inline vw_run *fx_dense(vw_session *s, size_t n)
{
    vw_run *r = vw_session_add_run(s, "dense");
    vw_lane *l = vw_run_lane(r, 0, SS_ROLE_SERVER, "worker");
    for (size_t i = 0; i < n; i++) {
        ss_event e = fx_ev(SS_API_RECV, i * 100, i * 100 + 10, 5, 1, (i % 4 == 0) ? FX_WAIT : SS_EV_KERNEL);
        vw_lane_push(l, &e);
    }
    vw_run_finish(r);
    s->nevents += r->nevents;
    return r;
}

#endif
