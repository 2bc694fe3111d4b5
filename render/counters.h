/* counters.h — the textbook's comparison as it unfolds: per panel, the
 * server side's numbers for everything that happened up to the playhead.
 * Definitions match sim/stats.h. Each call is O(lanes x (log n + block))
 * thanks to the per-lane block prefix sums. */
#ifndef VW_COUNTERS_H
#define VW_COUNTERS_H

#include <stdint.h>

#include "render/model.h"

typedef struct vw_counters {
    uint64_t calls;        /* socket calls (kernel entries + submissions) */
    uint64_t transitions;  /* user/kernel transitions */
    uint64_t blocked_ns;   /* time in calls that could block */
    uint64_t completions;  /* completion packets taken */
    uint64_t threads;      /* server threads started */
    uint64_t requests;     /* client requests finished */
    uint64_t p50_ns, p99_ns; /* latency of the requests finished so far */
    uint64_t inflight;     /* asynchronous operations in flight */
} vw_counters;

void vw_counters_at(const vw_run *r, double t, vw_counters *c);

#endif
