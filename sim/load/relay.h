/* relay.h — network conditions between the clients and the server, made
 * with real sockets: clients connect to the relay, the relay connects to the
 * server, and each direction of each connection is delayed by a one-way
 * latency (plus seeded jitter) and squeezed through a shared bandwidth limit.
 *
 * Kernel traffic shaping (tc netem) needs privileges and a kernel module
 * that not every machine has; a relay works wherever loopback does. Its
 * threads register as SS_ROLE_RELAY, so its calls get their own lanes in the
 * trace and are never counted as the server's calls. See docs/scenarios.md. */
#ifndef SS_RELAY_H
#define SS_RELAY_H

#include <stddef.h>
#include <stdint.h>

typedef struct ss_link_opts {
    double latency_ms;    /* one-way delay added in each direction */
    double jitter_ms;     /* each chunk's delay varies uniformly by +-jitter (never reorders bytes) */
    double bandwidth_bps; /* bits per second per direction, shared by all connections; 0 = unlimited */
    int threads;          /* relay threads (0 = 2) */
} ss_link_opts;

typedef struct ss_relay ss_relay;

typedef struct ss_relay_counts {
    long connections;        /* client connections relayed */
    uint64_t bytes_up, bytes_down; /* client->server, server->client */
    long aborted;            /* connections ended by a reset on either side */
} ss_relay_counts;

/* Does the link change anything (is a relay needed)? */
int ss_link_active(const ss_link_opts *l);

/* Listens on host (ephemeral port, returned in *relay_port) and forwards
 * every accepted connection to host:server_port. seed drives the jitter. */
ss_relay *ss_relay_start(const ss_link_opts *l, uint64_t seed, const char *host, int server_port,
                         int *relay_port, char *err, size_t n);
/* Stops the threads, closes every connection, frees the relay. */
void ss_relay_stop(ss_relay *r, ss_relay_counts *counts);

#endif
