#include "sim/report/chrome_time.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the reader's arithmetic is IEEE double, each operation rounded once */
#if FLT_EVAL_METHOD != 0
#error "chrome_time.c needs double arithmetic without excess precision (SSE2, not x87)"
#endif

size_t ss_us_text(char *out, uint64_t ns)
{
    unsigned frac = (unsigned)(ns % 1000);
    int n = snprintf(out, SS_US_MAX, "%llu", (unsigned long long)(ns / 1000));
    if (frac) { /* three decimals, trailing zeros dropped */
        out[n++] = '.';
        out[n++] = (char)('0' + frac / 100);
        if (frac % 100) {
            out[n++] = (char)('0' + frac / 10 % 10);
            if (frac % 10)
                out[n++] = (char)('0' + frac % 10);
        }
        out[n] = 0;
    }
    return (size_t)n;
}

/* strtod and %f read and write '.' here: sockscope never calls setlocale,
 * so the C locale holds */
size_t ss_dur_text(char *out, uint64_t t0, uint64_t t1)
{
    char a[SS_US_MAX], b[SS_US_MAX];
    size_t n = ss_us_text(out, t1 - t0);
    ss_us_text(a, t0);
    ss_us_text(b, t1);
    double ts = strtod(a, NULL), end = strtod(b, NULL);
    if (ts + strtod(out, NULL) == end)
        return n;
    /* the exact dur misses in doubles (an overshoot overlaps the neighbour, an
     * undershoot lets a child that ends with its parent outgrow it): more decimals, as few as do */
    double want = end - ts;
    for (int decimals = 4; decimals <= 20; decimals++) {
        int m = snprintf(out, SS_US_MAX, "%.*f", decimals, want);
        if (ts + strtod(out, NULL) == end)
            return (size_t)m;
    }
    return (size_t)snprintf(out, SS_US_MAX, "%.17g", want);
}
