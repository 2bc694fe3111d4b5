/* sortutil.h — sorting arrays that are almost sorted already (events of a
 * thread arrive in exit order, so only enclosing spans are out of place):
 * insertion sort while it stays cheap, qsort when it does not; and the one
 * binary search over records sorted by start time. */
#ifndef VW_SORTUTIL_H
#define VW_SORTUTIL_H

#include <stddef.h>
#include <stdint.h>

typedef int (*vw_cmp_fn)(const void *, const void *);

void vw_sort_nearly(void *base, size_t n, size_t size, vw_cmp_fn cmp);
void vw_sort_u64(uint64_t *a, size_t n);

/* First index in [lo, hi) whose record starts at or after t, in an array of
 * records sorted by a leading uint64_t t0 (vw_ev, vw_op), stride bytes apart. */
size_t vw_lower_t0(const void *base, size_t stride, size_t lo, size_t hi, uint64_t t);

#endif
