/* workload.h — the built-in clients, written the way the textbook's client
 * is: connect, send a message, read back exactly that many bytes
 * (MSG_WAITALL), verify every byte, repeat.
 *
 * Up to SS_EVENT_CLIENTS_AUTO clients each get a thread (the textbook's way);
 * above that, a few client threads drive all the ordinary clients with
 * epoll (the event-driven client mode), so 10,000 connections need neither
 * 10,000 threads nor 10,000 stacks. Special clients (slow, non-reading,
 * resetting, half-closing) always run on their own threads: they are few,
 * and their behaviour reads best as straight-line code. */
#ifndef SS_WORKLOAD_H
#define SS_WORKLOAD_H

#include <stdatomic.h>
#include <stdint.h>

#include "sim/base/hist.h"
#include "sim/load/relay.h"
#include "sim/trace/recorder.h"

#define SS_EVENT_CLIENTS_AUTO 256 /* client_mode auto: threads up to this many clients */
#define SS_SIZE_LIST_MAX 16

typedef enum ss_connect_kind {
    SS_CONNECT_ALL = 0, /* every client connects at once; messages start when all are connected */
    SS_CONNECT_STAGGER, /* client i connects stagger_ms * i after the start */
    SS_CONNECT_CHURN,   /* short-lived connections: a new one every churn_messages messages */
} ss_connect_kind;

typedef enum ss_client_mode { SS_CLIENTS_AUTO = 0, SS_CLIENTS_THREADS, SS_CLIENTS_EVENTS } ss_client_mode;

/* Message sizes: `size` when max is 0; else uniform in [min, max]; or, when
 * nlist > 0, one of list[] chosen uniformly. Draws depend only on the seed. */
typedef struct ss_size_spec {
    int min, max;
    int list[SS_SIZE_LIST_MAX];
    int nlist;
} ss_size_spec;

/* Special clients take the lowest client ids, in this order: slow,
 * non-reading, resetting, half-closing. The rest are ordinary. */
typedef struct ss_special_opts {
    int slow, nonreading, reset, halfclose; /* how many clients of each kind */
    int slow_chunk;          /* slow: bytes per trickle (0 = 1) */
    double slow_delay_ms;    /* slow: pause between trickles */
    double hold_ms;          /* non-reading: how long it stops reading */
    int nonreading_rcvbuf;   /* non-reading: its SO_RCVBUF (0 = 4096), small so the server's sends fill up */
    int reset_after;         /* reset: aborts halfway through this message (0 = messages / 2) */
} ss_special_opts;

typedef struct ss_workload_opts {
    const char *host;
    int port;
    int clients;       /* concurrent connections */
    int messages;      /* per client */
    int size;          /* bytes per message (see sizes) */
    double think_ms;   /* pause between a reply and the next message */
    int rcvbuf;        /* client SO_RCVBUF (0 = default) */
    int timeout_s;     /* a client gives up on a reply after this long (0 = 30) */
    /* --- scenario extensions: all zero is the classic workload ------------ */
    ss_size_spec sizes;
    ss_connect_kind connect;
    double stagger_ms;        /* SS_CONNECT_STAGGER */
    int churn_messages;       /* SS_CONNECT_CHURN: messages per connection (0 = 1) */
    int idle;                 /* extra connections that stay idle until the others finish (C10K) */
    uint64_t seed;            /* sizes and link jitter; the same seed repeats the workload */
    ss_special_opts special;
    ss_client_mode mode;
    int event_threads;        /* event-driven client mode threads (0 = 2) */
    int expect_refusals;      /* a connection the server closes before the first reply is "refused", not failed */
    int hold_open;            /* a finished client keeps its connection until every client has finished */
    ss_link_opts link;        /* network conditions; all zero = no relay */
    int endpoints;            /* each connection's getsockname is called (and recorded) after its
                                 connect: `merge` pairs it with the server's accept (load sets it) */
    const ss_kv *facts;       /* extra facts recorded with the run's parameters (scenario name...) */
    int nfacts;
} ss_workload_opts;

typedef struct ss_workload_result {
    long requests_ok, requests_failed, mismatches, connect_failures;
    long expected_resets;  /* connections reset on purpose by reset clients (not failures) */
    long refused;          /* clients turned away by the server (only with expect_refusals) */
    long skipped;          /* requests never made: after an expected reset or refusal */
    long connections;      /* connections opened (churn opens many) */
    uint64_t bytes;
    double seconds;        /* from the first message to the last reply */
    ss_hist latency;       /* every verified request's round trip, ns */
    char first_error[200];
} ss_workload_result;

typedef void (*ss_progress_fn)(void *ud, long done, long total);

/* Runs every client to completion. progress (may be NULL) is called from the
 * calling thread about every 10 ms. Returns 0 when all requests succeeded. */
int ss_workload_run(const ss_workload_opts *o, ss_workload_result *res, ss_progress_fn progress, void *ud);

/* Size of message m of client c: a pure function of the options and seed. */
int ss_msg_size(const ss_workload_opts *o, int client, int msg);
int ss_msg_size_max(const ss_workload_opts *o);
/* Does this workload use the event-driven client mode for its ordinary clients? */
int ss_workload_uses_events(const ss_workload_opts *o);
/* File descriptors the workload keeps open at once in this process. */
long ss_workload_fds(const ss_workload_opts *o);

/* The byte a client sends at position i of message m: printable, ends lines,
 * different per client and message so a misrouted or reordered byte shows. */
static inline unsigned char ss_pattern_byte(int client, int msg, int i, int size)
{
    if (i == size - 1)
        return '\n';
    return (unsigned char)('a' + (unsigned)(client * 7 + msg * 3 + i) % 26);
}

#endif
