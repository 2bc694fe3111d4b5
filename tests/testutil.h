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
#include "sim/load/workload.h"
#include "sim/report/stats.h"
#include "sim/trace/event.h"

/* a fresh path under $TMPDIR (or /tmp) that is removed at exit */
const char *tu_tmpfile(const char *suffix);

/* Record one run of model `name` under workload w into a new trace file and
 * load its stats. Fails the test if the model is missing or the workload
 * fails (unless expect_ok is 0). Returns the trace path. */
const char *tu_record(const char *name, const ss_model_opts *mo, const ss_workload_opts *w,
                      ss_workload_result *res, ss_stats *st, int expect_ok);

/* default workload: 127.0.0.1, given clients/messages/size */
ss_workload_opts tu_workload(int clients, int messages, int size);

/* --- a server driven by the test's own clients (no recording needed) ----- */
struct ss_server_handle;
/* Starts model `name` on an ephemeral 127.0.0.1 port; fails the test if it cannot. */
struct ss_server_handle *tu_plain_server_start(const char *name, const ss_model_opts *mo, int *port);
int  tu_plain_server_stop(struct ss_server_handle *h); /* serve()'s result */
/* Sends the first half of a size-byte message, then closes with SO_LINGER
 * {1, 0}: the server sees a reset in the middle of a message. 0 on success. */
int  tu_reset_mid_message(int port, int size);
/* Sends a size-byte message, shuts its sending side down (SHUT_WR), then
 * expects exactly the same bytes back and then end of file. 0 when so. */
int  tu_half_close_echo(int port, int size);
/* Calls fn for every event of the trace (in file order), with the role of
 * the thread that recorded it (SS_ROLE_*). Fails the test if unreadable. */
typedef void (*tu_event_fn)(void *ud, int role, uint32_t thread, const ss_event *ev);
void tu_scan(const char *path, tu_event_fn fn, void *ud);

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

/* An offset in the middle of the payload of the first EVTS chunk at or
 * after `from` in a trace file: a byte whose flip fails that chunk's CRC
 * (a flip in a chunk header could read as a cut-off file instead). */
long tu_events_payload_byte(const char *path, long from);

#endif
