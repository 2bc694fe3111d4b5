/* hist.h — a fixed-size log-linear histogram for latencies in ns: 32
 * sub-buckets per power of two, so a percentile is within ~3% of the true
 * value whatever the number of samples, in 16 KiB. */
#ifndef SS_HIST_H
#define SS_HIST_H

#include <stdint.h>

#define SS_HIST_SUB 32
#define SS_HIST_BUCKETS (64 * SS_HIST_SUB)

typedef struct ss_hist {
    uint64_t count, sum, min, max;
    uint64_t b[SS_HIST_BUCKETS];
} ss_hist;

void     ss_hist_init(ss_hist *h);
void     ss_hist_add(ss_hist *h, uint64_t v);
uint64_t ss_hist_pct(const ss_hist *h, double pct); /* 0 < pct <= 100; 0 if empty */
void     ss_hist_merge(ss_hist *into, const ss_hist *from);

#endif
