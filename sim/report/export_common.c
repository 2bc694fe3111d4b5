#include <stdlib.h>
#include <string.h>

#include "sim/report/export.h"

void ss_names_run(ss_names *nm, const ss_run_meta *m)
{
    nm->run = m->id;
    snprintf(nm->model, sizeof nm->model, "%s", m->model);
    ss_idmap_clear(&nm->ix);
    nm->n = 0;
}

void ss_names_thread(ss_names *nm, const ss_thread_meta *t)
{
    int64_t k = ss_idmap_get(&nm->ix, t->idx);
    if (k < 0) { /* a thread not named before in this run: a new entry */
        if (nm->n == nm->cap) {
            ss_thread_meta *p = ss_grow(nm->t, &nm->cap, sizeof *p, 16);
            if (!p)
                return; /* out of memory: the thread goes unnamed */
            nm->t = p;
        }
        if (nm->n >= UINT32_MAX || ss_idmap_put(&nm->ix, t->idx, (uint32_t)nm->n) != 0)
            return;
        k = (int64_t)nm->n++;
    }
    nm->t[k] = *t;
}

const ss_thread_meta *ss_names_get(const ss_names *nm, uint32_t idx)
{
    int64_t k = ss_idmap_get(&nm->ix, idx);
    return k >= 0 && nm->t[k].name[0] ? &nm->t[k] : NULL;
}

void ss_names_free(ss_names *nm)
{
    ss_idmap_free(&nm->ix);
    free(nm->t);
    memset(nm, 0, sizeof *nm);
}
