#include <stdlib.h>
#include <string.h>

#include "sim/export.h"

void ss_names_run(ss_names *nm, const ss_run_meta *m)
{
    nm->run = m->id;
    snprintf(nm->model, sizeof nm->model, "%s", m->model);
    nm->n = 0;
}

void ss_names_thread(ss_names *nm, const ss_thread_meta *t)
{
    if (t->idx >= nm->cap) {
        uint32_t cap = nm->cap ? nm->cap : 16;
        while (cap <= t->idx)
            cap *= 2;
        ss_thread_meta *p = realloc(nm->t, cap * sizeof *p);
        if (!p)
            return;
        memset(p + nm->cap, 0, (cap - nm->cap) * sizeof *p);
        nm->t = p;
        nm->cap = cap;
    }
    nm->t[t->idx] = *t;
    if (t->idx >= nm->n)
        nm->n = t->idx + 1;
}

const ss_thread_meta *ss_names_get(const ss_names *nm, uint32_t idx)
{
    return idx < nm->n && nm->t[idx].name[0] ? &nm->t[idx] : NULL;
}

void ss_names_free(ss_names *nm)
{
    free(nm->t);
    memset(nm, 0, sizeof *nm);
}
