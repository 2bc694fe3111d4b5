#include "sim/base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    if (!elem || (*cap && *cap > SIZE_MAX / 2 / elem) || (!*cap && first > SIZE_MAX / elem))
        return NULL; /* the doubled size would wrap: a realloc of a few bytes would "succeed" */
    size_t n = *cap ? *cap * 2 : first ? first : 1;
    void *p = realloc(arr, n * elem);
    if (p)
        *cap = n;
    return p;
}

/* --- id map -------------------------------------------------------------- */
struct ss_idmap_ent {
    uint32_t id;
    uint32_t value1; /* value + 1; 0 = empty slot */
};

static size_t id_home(const ss_idmap *m, uint32_t id)
{
    return (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 32) & (m->cap - 1);
}

static struct ss_idmap_ent *id_slot(const ss_idmap *m, uint32_t id)
{
    size_t i = id_home(m, id);
    while (m->e[i].value1 && m->e[i].id != id)
        i = (i + 1) & (m->cap - 1);
    return &m->e[i];
}

int64_t ss_idmap_get(const ss_idmap *m, uint32_t id)
{
    if (!m->cap)
        return -1;
    const struct ss_idmap_ent *s = id_slot(m, id);
    return s->value1 ? (int64_t)s->value1 - 1 : -1;
}

static int id_rehash(ss_idmap *m)
{
    if (m->cap > SIZE_MAX / 2 / sizeof *m->e)
        return -1;
    size_t cap = m->cap ? m->cap * 2 : 32;
    ss_idmap g = {calloc(cap, sizeof *m->e), cap, m->n};
    if (!g.e)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].value1)
            *id_slot(&g, m->e[i].id) = m->e[i];
    free(m->e);
    *m = g;
    return 0;
}

int ss_idmap_put(ss_idmap *m, uint32_t id, uint32_t value)
{
    if (value == UINT32_MAX)
        return -1; /* stored as value + 1 */
    if ((m->n + 1) * 2 > m->cap && id_rehash(m) != 0)
        return -1;
    struct ss_idmap_ent *s = id_slot(m, id);
    if (!s->value1)
        m->n++;
    s->id = id;
    s->value1 = value + 1;
    return 0;
}

void ss_idmap_clear(ss_idmap *m)
{
    if (m->e)
        memset(m->e, 0, m->cap * sizeof *m->e);
    m->n = 0;
}

void ss_idmap_free(ss_idmap *m)
{
    free(m->e);
    memset(m, 0, sizeof *m);
}
