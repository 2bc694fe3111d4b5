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

/* Calls fn for every event of the trace (in file order), with the role of
 * the thread that recorded it (SS_ROLE_*). Fails the test if unreadable. */
typedef void (*tu_event_fn)(void *ud, int role, uint32_t thread, const ss_event *ev);
void tu_scan(const char *path, tu_event_fn fn, void *ud);

#endif
