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

/* --- a server driven by the test's own clients (no recording needed) ----- */
struct ss_server_handle;
/* Starts model `name` on an ephemeral 127.0.0.1 port; fails the test if it cannot. */
struct ss_server_handle *tu_server_start(const char *name, const ss_model_opts *mo, int *port);
int  tu_server_stop(struct ss_server_handle *h); /* serve()'s result */
/* A blocking client socket connected to 127.0.0.1:port, with a 10 s receive
 * timeout so a broken server fails the test instead of hanging it. */
int  tu_connect(int port);
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

#endif
