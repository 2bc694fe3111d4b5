/* workload_ev_win.c — on Windows, the event-driven client mode (built on
 * epoll, workload_ev.c) says so instead of pretending: the ordinary clients
 * take a thread each (--client-mode threads). */
#include <stdio.h>

#include "sim/load/workload_int.h"

wl_evgroup *wl_ev_start(wl *sh, int first, int nthreads, char *err, size_t n)
{
    (void)sh, (void)first, (void)nthreads;
    snprintf(err, n, "the event-driven client mode needs epoll (Linux): use --client-mode threads");
    return NULL;
}

int wl_ev_busy(wl_evgroup *g)
{
    (void)g;
    return 0;
}
void wl_ev_join(wl_evgroup *g) { (void)g; }
