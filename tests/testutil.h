/* testutil.h — shared helpers for the cmocka tests: temporary paths, and a
 * one-call "record a run of model M with this workload" fixture. */
#ifndef SS_TESTUTIL_H
#define SS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/model.h"
#include "sim/event.h"
#include "sim/stats.h"
#include "sim/workload.h"

/* a fresh path under $TMPDIR (or /tmp) that is removed at exit */
const char *tu_tmpfile(const char *suffix);

/* Record one run of model `name` under workload w into a new trace file and
 * load its stats. Fails the test if the model is missing or the workload
 * fails (unless expect_ok is 0). Returns the trace path. */
const char *tu_record(const char *name, const ss_model_opts *mo, const ss_workload_opts *w,
                      ss_workload_result *res, ss_stats *st, int expect_ok);

/* default workload: 127.0.0.1, given clients/messages/size */
ss_workload_opts tu_workload(int clients, int messages, int size);

/* --- a model's server driven by the test's own sockets ---------------------- */
/* Opens a trace and a run, starts model `name` on an ephemeral loopback port.
 * The calling thread records as a client ("test client"). */
typedef struct tu_server {
    struct ss_server_handle *h;
    int port;
    const char *path;
} tu_server;

void tu_server_start(tu_server *t, const char *name, const ss_model_opts *mo);
/* Stops the server (its serve() must return 0), ends the run, closes the
 * trace and loads its stats into st (may be NULL). */
void tu_server_stop(tu_server *t, ss_stats *st);

/* Raw blocking client sockets with 10-second timeouts; failures fail the test. */
int  tu_connect(int port);
int  tu_connect_rcvbuf(int port, int rcvbuf); /* SO_RCVBUF set before connecting */
void tu_send_all(int fd, const void *p, size_t n);
size_t tu_recv_upto(int fd, void *p, size_t n); /* bytes read before n, EOF or an error */
void tu_reset(int fd);                          /* close with SO_LINGER {1,0}: the peer gets RST */
/* Send message `msg` of client `client` (ss_pattern_byte) and check the
 * echo byte for byte. */
void tu_echo_round(int fd, int client, int msg, int size);

/* --- every event of a trace's first run, in exit-time order ------------------ */
typedef struct tu_thread {
    int role, seen;
    char name[48];
    uint64_t user_ns, sys_ns, first_ns, last_ns;
} tu_thread;

typedef struct tu_event {
    ss_event ev;
    uint32_t thread;
} tu_event;

typedef struct tu_trace {
    tu_event *ev;
    size_t n, cap;
    tu_thread th[512];
    uint32_t nthreads, run;
    int threads_only;
} tu_trace;

void tu_trace_load(const char *path, tu_trace *t); /* fails the test on a bad trace */
void tu_trace_load_threads(const char *path, tu_trace *t); /* threads only: for huge traces */
void tu_trace_free(tu_trace *t);
static inline const tu_thread *tu_thread_of(const tu_trace *t, const tu_event *e) { return &t->th[e->thread]; }
/* how many threads of a role recorded api at least once */
int tu_threads_calling(const tu_trace *t, int role, int api);

#endif
