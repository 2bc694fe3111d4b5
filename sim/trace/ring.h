/* ring.h — a single-producer / single-consumer ring of events.
 *
 * One per recording thread: the producer (the thread itself) never takes a
 * lock and never blocks here; when the consumer (the trace writer) falls
 * behind, try_push fails (the recorder then waits for room: ss_rec_full)
 * and push counts the event as dropped, never silently lost. */
#ifndef SS_RING_H
#define SS_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"

typedef struct ss_ring {
    _Alignas(64) _Atomic uint64_t head;  /* next slot the consumer reads */
    _Alignas(64) _Atomic uint64_t tail;  /* next slot the producer writes */
    uint64_t head_seen;                  /* producer's cached copy of head */
    _Atomic uint64_t dropped;            /* events refused because the ring was full */
    _Atomic uint64_t pushed;             /* events accepted */
    uint64_t mask;
    ss_event *slots;
} ss_ring;

int    ss_ring_init(ss_ring *r, size_t capacity_pow2); /* 0, or -1 (bad size / no memory) */
void   ss_ring_free(ss_ring *r);
size_t ss_ring_pop(ss_ring *r, ss_event *out, size_t max); /* consumer side */

/* producer side: 1 if stored, 0 if the ring is full (nothing counted) */
static inline int ss_ring_try_push(ss_ring *r, const ss_event *ev)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - r->head_seen > r->mask) {
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_seen > r->mask)
            return 0;
    }
    r->slots[t & r->mask] = *ev;
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    atomic_store_explicit(&r->pushed, atomic_load_explicit(&r->pushed, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    return 1;
}

/* producer side: 1 if stored, 0 if dropped (and counted) */
static inline int ss_ring_push(ss_ring *r, const ss_event *ev)
{
    if (ss_ring_try_push(r, ev))
        return 1;
    atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
    return 0;
}

#endif
