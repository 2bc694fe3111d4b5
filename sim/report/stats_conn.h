/* stats_conn.h — a `serve` run's connections: no built-in client records
 * requests there (nc, or any client, talks to the server), so what the run
 * did is read from the server's side: per connection, the bytes it received
 * and the bytes it echoed back, in how many calls. */
#ifndef SS_STATS_CONN_H
#define SS_STATS_CONN_H

#include <stdint.h>
#include <stdio.h>

#include "sim/base/util.h"
#include "sim/report/jsonw.h"
#include "sim/trace/event.h"

#define SS_CONN_KEPT 65536 /* connections listed one by one; the totals count every one */

typedef struct ss_conn {
    int32_t sock;
    uint64_t first_ns, last_ns; /* its first and last recorded call */
    uint64_t recvs, sends;      /* calls (or completions) that moved bytes */
    uint64_t bytes_in, bytes_out;
    int closed; /* the server closed it */
} ss_conn;

typedef struct ss_conn_stats {
    ss_conn *c; /* the first SS_CONN_KEPT connections */
    size_t n, cap;
    uint64_t total, recvs, sends, bytes_in, bytes_out;
    ss_idmap open; /* socket -> slot of its open connection */
} ss_conn_stats;

/* One of the model's own server events (not emulation, not a client's):
 * an accept opens a connection on the socket it returns; a recv or send
 * (or their completion) that moved bytes counts on its socket's connection,
 * opening one if none is open there; a close ends it (the number may be
 * reused). */
void ss_conn_event(ss_conn_stats *cs, const ss_event *ev);
void ss_conn_free(ss_conn_stats *cs);

/* the summary and up to `list` connections, one a line */
void ss_conn_print(FILE *f, const ss_conn_stats *cs, double seconds, size_t list);
void ss_conn_json(ss_jw *w, const ss_conn_stats *cs);

#endif
