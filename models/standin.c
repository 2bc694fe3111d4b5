#include "models/standin.h"

#include <errno.h>

#include "sim/probe/probe.h"
#include "sim/probe/sync.h"
#include "sim/trace/event.h"

int ss_sw_create_event(void)
{
    ss_standin s;
    ss_standin_begin(&s);
    int ev = ss_event_create();
    int e = ev < 0 ? errno : 0;
    ss_standin_end(&s, SS_API_WSA_CREATE_EVENT, -1, 0, ev < 0 ? -1 : 0, e, 0, 0, SS_EV_KERNEL, 0);
    return ev;
}

/* One call on an event object, recorded as the Windows call win_api. */
static int event_call(int win_api, int (*call)(int), int ev, int sock)
{
    ss_standin s;
    ss_standin_begin(&s);
    int r = call(ev);
    ss_standin_end(&s, win_api, sock, 0, r, r < 0 ? errno : 0, 0, 0, SS_EV_KERNEL, 0);
    return r;
}

int ss_sw_close_event(int ev, int sock) { return event_call(SS_API_WSA_CLOSE_EVENT, ss_event_close, ev, sock); }
int ss_sw_set_event(int ev, int sock) { return event_call(SS_API_EVENT_SIGNAL, ss_event_set, ev, sock); }
int ss_sw_reset_event(int ev, int sock) { return event_call(SS_API_WSA_RESET_EVENT, ss_event_reset, ev, sock); }

int ss_sw_wait_events(struct pollfd *pf, int n, int timeout_ms)
{
    ss_standin s;
    ss_standin_begin(&s);
    int r, idx = -1, e = 0;
    /* The stand-in's poll wakes up every 500 ms to look at its flags; a
     * Windows wait with WSA_INFINITE sleeps on: both are one call. */
    do
        r = ss_poll(pf, (nfds_t)n, timeout_ms < 0 ? 500 : timeout_ms);
    while (r == 0 && timeout_ms < 0);
    if (r < 0)
        e = errno;
    for (int i = 0; r > 0 && i < n && idx < 0; i++)
        if (pf[i].revents)
            idx = i;
    ss_standin_end(&s, SS_API_WSA_WAIT, -1, (uint64_t)n, r < 0 ? -1 : idx, e, 0, 0, SS_EV_KERNEL, 1);
    errno = e;
    return r < 0 ? -1 : idx;
}
