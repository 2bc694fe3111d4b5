#include "render/sortutil.h"

#include <stdlib.h>
#include <string.h>

/* Insertion sort that gives up after `budget` element moves: returns 0 when
 * done, -1 when the data was too far from sorted (then it is only partly
 * sorted, which qsort does not mind). */
static int insertion_bounded(unsigned char *a, size_t n, size_t size, vw_cmp_fn cmp, size_t budget)
{
    unsigned char tmp[256];
    if (size > sizeof tmp)
        return -1;
    for (size_t i = 1; i < n; i++) {
        if (cmp(a + (i - 1) * size, a + i * size) <= 0)
            continue;
        memcpy(tmp, a + i * size, size);
        size_t j = i;
        while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0) {
            if (budget-- == 0) {
                memcpy(a + j * size, tmp, size);
                return -1;
            }
            memcpy(a + j * size, a + (j - 1) * size, size);
            j--;
        }
        memcpy(a + j * size, tmp, size);
    }
    return 0;
}

void vw_sort_nearly(void *base, size_t n, size_t size, vw_cmp_fn cmp)
{
    if (n < 2)
        return;
    if (insertion_bounded(base, n, size, cmp, 16 * n + 1024) != 0)
        qsort(base, n, size, cmp);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void vw_sort_u64(uint64_t *a, size_t n) { vw_sort_nearly(a, n, sizeof *a, cmp_u64); }

size_t vw_lower_t0(const void *base, size_t stride, size_t lo, size_t hi, uint64_t t)
{
    const char *b = base;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (*(const uint64_t *)(b + mid * stride) < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
