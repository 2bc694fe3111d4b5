/* median.h — the benchmarks' rounds and their one statistic, the median
 * (sorts v in place). */
#ifndef SS_BENCH_MEDIAN_H
#define SS_BENCH_MEDIAN_H

#include <stdlib.h>

/* --rounds at the most: many short alternating rounds make steadier
 * medians on a shared machine than a few long ones */
#define SS_BENCH_MAX_ROUNDS 64

static int ss_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, ss_cmp_double);
    return v[n / 2];
}

#endif
