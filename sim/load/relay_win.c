/* relay_win.c — on Windows, the relay (built on epoll, relay.c) says so
 * instead of pretending: network conditions need Linux. */
#include "sim/load/relay.h"

#include <stdio.h>

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
