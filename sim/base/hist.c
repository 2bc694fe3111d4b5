#include "sim/base/hist.h"

#include <string.h>

void ss_hist_init(ss_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

static unsigned bucket_of(uint64_t v)
{
    if (v < SS_HIST_SUB)
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);          /* >= 5 */
    unsigned sub = (unsigned)(v >> (msb - 5)) & (SS_HIST_SUB - 1); /* next 5 bits */
    return (msb - 4) * SS_HIST_SUB + sub;
}

/* lowest value that falls in bucket i, and the bucket's width */
static uint64_t bucket_low(unsigned i, uint64_t *width)
{
    if (i < SS_HIST_SUB) {
        *width = 1;
        return i;
    }
    unsigned msb = i / SS_HIST_SUB + 4, sub = i % SS_HIST_SUB;
    *width = 1ull << (msb - 5);
    return (1ull << msb) + (uint64_t)sub * *width;
}

void ss_hist_add(ss_hist *h, uint64_t v)
{
    h->count++;
    h->sum += v;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->b[bucket_of(v)]++;
}

uint64_t ss_hist_pct(const ss_hist *h, double pct)
{
    if (!h->count)
        return 0;
    uint64_t rank = (uint64_t)((pct / 100.0) * (double)h->count + 0.5);
    if (rank < 1) rank = 1;
    if (rank > h->count) rank = h->count;
    uint64_t seen = 0;
    for (unsigned i = 0; i < SS_HIST_BUCKETS; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            uint64_t w, lo = bucket_low(i, &w);
            uint64_t mid = lo + w / 2;
            if (mid < h->min) mid = h->min;
            if (mid > h->max) mid = h->max;
            return mid;
        }
    }
    return h->max;
}

void ss_hist_merge(ss_hist *into, const ss_hist *from)
{
    if (!from->count)
        return;
    into->count += from->count;
    into->sum += from->sum;
    if (from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
    for (unsigned i = 0; i < SS_HIST_BUCKETS; i++)
        into->b[i] += from->b[i];
}
