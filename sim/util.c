#include "sim/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int ss_parse_long(const char *s, long min, long max, long *out, const char *opt, char *err, size_t n)
{
    char *end;
    errno = 0;
    long v = s && *s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < min || v > max) {
        snprintf(err, n, "%s expects a whole number from %ld to %ld, got '%s'", opt, min, max, s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

int ss_parse_double(const char *s, double min, double max, double *out, const char *opt, char *err, size_t n)
{
    char *end;
    errno = 0;
    double v = s && *s ? strtod(s, &end) : 0;
    if (!s || !*s || *end || errno || !(v >= min && v <= max)) {
        snprintf(err, n, "%s expects a number from %g to %g, got '%s'", opt, min, max, s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

void *ss_grow(void *arr, size_t *cap, size_t elem, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    void *p = realloc(arr, n * elem);
    if (p)
        *cap = n;
    return p;
}
