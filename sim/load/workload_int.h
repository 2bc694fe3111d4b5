/* workload_int.h — state shared by the client threads of one workload run
 * (sim/load/workload.c: threads and special clients; sim/load/workload_ev.c: the
 * event-driven client mode). Not a public header. */
#ifndef SS_WORKLOAD_INT_H
#define SS_WORKLOAD_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sim/load/net.h"
#include "sim/load/workload.h"

typedef enum wl_kind { WL_ORDINARY = 0, WL_SLOW, WL_NONREADING, WL_RESET, WL_HALFCLOSE, WL_IDLE } wl_kind;

typedef struct wl {
    const ss_workload_opts *o;
    ss_addr addr;
    _Atomic long ok, failed, mismatches, connect_failures, resets, refused, skipped, connections;
    _Atomic uint64_t bytes;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    char first_error[200];
    ss_hist latency;        /* merged from each thread's own histogram under lock */
    double ns_per_tick;
    uint64_t t_begin_ns;    /* workload start (CLOCK_MONOTONIC) */
    /* connect = all: messages start once every connection has settled */
    int barrier;
    long barrier_need, barrier_in;
    int released;
    int release_fd;         /* eventfd, readable once released (event threads watch it) */
    _Atomic uint64_t t_first_ns, t_last_ns; /* first message sent, last reply read */
    /* idle connections close once no active client is left */
    _Atomic long active_left;
    int done_fd;            /* eventfd, readable once active_left reaches 0 */
} wl;

/* the first error wins; later ones are only counted */
void wl_fail(wl *sh, int id, const char *what, int e);
/* n connections settled (connected or failed); the last one releases everyone */
void wl_arrive(wl *sh, long n);
void wl_barrier_wait(wl *sh);
/* a client with no more requests to make */
void wl_client_done(wl *sh);
/* one request finished: records the REQUEST event and counts it */
void wl_request(wl *sh, ss_hist *h, int id, int m, int fd, int size, uint64_t t0, int ok);
/* a connection is made: with o->endpoints, record its own address (getsockname) */
void wl_note_endpoint(const wl *sh, int fd);
/* first message about to be sent (for the run's message phase) */
void wl_mark_first(wl *sh);
wl_kind wl_kind_of(const ss_workload_opts *o, int id);
int wl_specials(const ss_workload_opts *o); /* how many clients are special (capped at clients) */
int wl_timeout_s(const ss_workload_opts *o);
int wl_per_conn(const ss_workload_opts *o); /* messages per connection (churn: churn_messages) */
void wl_merge_hist(wl *sh, const ss_hist *h);
/* clients that will never run: count them failed, let the barrier and the
 * idle connections go on without them */
void wl_give_up(wl *sh, int id, long clients, long idle, const char *why);

/* the event-driven client mode (workload_ev.c): ids [first, clients) are
 * ordinary clients, then o->idle idle connections; spread over threads */
typedef struct wl_evgroup wl_evgroup;
wl_evgroup *wl_ev_start(wl *sh, int first, int nthreads, char *err, size_t n);
/* 1 while some thread still runs (non-blocking); 0 once all are joined */
int wl_ev_busy(wl_evgroup *g);
void wl_ev_join(wl_evgroup *g);

#endif
