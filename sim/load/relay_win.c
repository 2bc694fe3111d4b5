/* relay_win.c — on Windows, the parts built on epoll (the link-emulating
 * relay, the event-driven client mode) say so instead of pretending. */
#include <stdio.h>

#include "sim/load/relay.h"
#include "sim/load/workload_int.h"

int ss_link_active(const ss_link_opts *l)
{
    return l && (l->latency_ms > 0 || l->jitter_ms > 0 || l->bandwidth_bps > 0);
}

ss_relay *ss_relay_start(const ss_link_opts *l, uint64_t seed, const char *host, int server_port,
                         int *relay_port, char *err, size_t n)
{
    (void)l, (void)seed, (void)host, (void)server_port, (void)relay_port;
    snprintf(err, n, "network emulation (latency, jitter, bandwidth) needs the Linux relay: run it on Linux");
    return NULL;
}

void ss_relay_stop(ss_relay *r, ss_relay_counts *counts) { (void)r, (void)counts; }

wl_evgroup *wl_ev_start(wl *sh, int first, int nthreads, char *err, size_t n)
{
    (void)sh, (void)first, (void)nthreads;
    snprintf(err, n, "the event-driven client mode needs epoll (Linux): use --client-mode threads");
    return NULL;
}

int wl_ev_busy(wl_evgroup *g) { (void)g; return 0; }
void wl_ev_join(wl_evgroup *g) { (void)g; }
