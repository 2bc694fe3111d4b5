/* workload.h — the built-in clients, written the way the textbook's client
 * is: connect, send a message, read back exactly that many bytes
 * (MSG_WAITALL), verify every byte, repeat. One thread per client. */
#ifndef SS_WORKLOAD_H
#define SS_WORKLOAD_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct ss_workload_opts {
    const char *host;
    int port;
    int clients;       /* concurrent connections */
    int messages;      /* per client */
    int size;          /* bytes per message */
    double think_ms;   /* pause between a reply and the next message */
    int rcvbuf;        /* client SO_RCVBUF (0 = default) */
    int timeout_s;     /* a client gives up on a reply after this long (0 = 30) */
} ss_workload_opts;

typedef struct ss_workload_result {
    long requests_ok, requests_failed, mismatches, connect_failures;
    uint64_t bytes;
    char first_error[200];
} ss_workload_result;

typedef void (*ss_progress_fn)(void *ud, long done, long total);

/* Runs every client to completion. progress (may be NULL) is called from the
 * calling thread about every 200 ms. Returns 0 when all requests succeeded. */
int ss_workload_run(const ss_workload_opts *o, ss_workload_result *res, ss_progress_fn progress, void *ud);

/* The byte a client sends at position i of message m: printable, ends lines,
 * different per client and message so a misrouted or reordered byte shows. */
static inline unsigned char ss_pattern_byte(int client, int msg, int i, int size)
{
    if (i == size - 1)
        return '\n';
    return (unsigned char)('a' + (unsigned)(client * 7 + msg * 3 + i) % 26);
}

#endif
