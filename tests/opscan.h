/* opscan.h — what a trace says about each asynchronous operation of the
 * server: who submitted it and who took its completion, how often each
 * happened, and counts of the completion models' signals, routines and
 * packets. For the completion models' checks (echocheck.c, test_models_async.c). */
#ifndef SS_OPSCAN_H
#define SS_OPSCAN_H

#include "testutil.h"

#define OPS_MAX_THREADS 512

typedef struct opinfo {
    uint32_t submits, completes, posts;
    int32_t sub_thread, comp_thread;
    uint32_t api;
    uint64_t len;
    int64_t res;
} opinfo;

typedef struct opscan {
    opinfo *ops; /* by operation id */
    size_t cap;
    char names[OPS_MAX_THREADS][48];
    int roles[OPS_MAX_THREADS];
    uint64_t signals, routines, partial_sends, completions, zero_depth;
} opscan;

/* Reads the operations of the server's threads (and of a stand-in's
 * emulation threads); fails the test on an unreadable trace. */
void ops_scan(const char *path, opscan *s);
void ops_free(opscan *s);

/* Every recv/send submitted completed exactly once; other operations (an
 * accept still pending at stop) at most once. */
void ops_assert_each_once(const opscan *s);

#endif
