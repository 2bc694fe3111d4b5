#include "sim/trace/ring.h"

#include <stdlib.h>
#include <string.h>

int ss_ring_init(ss_ring *r, size_t cap)
{
    memset(r, 0, sizeof *r);
    if (cap < 2 || (cap & (cap - 1)))
        return -1;
    /* calloc of a large block is mmap'd: pages a quiet thread never touches
     * cost no memory, so many client threads can each own a full ring. */
    r->slots = calloc(cap, sizeof *r->slots);
    if (!r->slots)
        return -1;
    r->mask = cap - 1;
    return 0;
}

void ss_ring_free(ss_ring *r)
{
    free(r->slots);
    r->slots = NULL;
}

size_t ss_ring_pop(ss_ring *r, ss_event *out, size_t max)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t n = (size_t)(t - h);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = r->slots[(h + i) & r->mask];
    atomic_store_explicit(&r->head, h + n, memory_order_release);
    return n;
}
