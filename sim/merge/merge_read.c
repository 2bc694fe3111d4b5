/* merge_read.c — an input trace, whole, into memory: its runs, threads,
 * events, clock anchors and end records, as the reader delivers them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/merge/merge_int.h"

typedef struct rd {
    mg_set *set;
    int input;
    mg_run *cur; /* the open run: every chunk after RUNB is its (reader.h) */
} rd;

static void on_run(void *ud, const ss_run_meta *m)
{
    rd *r = ud;
    r->cur = NULL;
    if (r->set->nruns == r->set->cap) {
        mg_run *p = ss_grow(r->set->runs, &r->set->cap, sizeof *p, 8);
        if (!p) {
            r->set->oom = 1;
            return;
        }
        r->set->runs = p;
    }
    mg_run *run = &r->set->runs[r->set->nruns++];
    memset(run, 0, sizeof *run);
    run->input = r->input;
    run->meta = *m;
    r->cur = run;
}

static mg_thread *thread_of(rd *r, uint32_t idx)
{
    if (!r->cur)
        return NULL;
    int64_t slot = ss_idmap_get(&r->cur->ix, idx);
    return slot < 0 ? NULL : &r->cur->th[slot];
}

static void on_thread(void *ud, const ss_thread_meta *t)
{
    rd *r = ud;
    mg_run *run = r->cur;
    if (!run || thread_of(r, t->idx))
        return;
    if (run->nth == run->capth) {
        mg_thread *p = ss_grow(run->th, &run->capth, sizeof *p, 16);
        if (!p) {
            r->set->oom = 1;
            return;
        }
        run->th = p;
    }
    if (ss_idmap_put(&run->ix, t->idx, (uint32_t)run->nth) != 0) {
        r->set->oom = 1;
        return;
    }
    mg_thread *th = &run->th[run->nth++];
    memset(th, 0, sizeof *th);
    th->meta = *t;
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    rd *r = ud;
    (void)run;
    mg_thread *th = thread_of(r, thread);
    if (!th) /* an event of a thread never announced: nothing to file it under */
        return;
    if (th->n == th->cap) {
        ss_event *p = ss_grow(th->ev, &th->cap, sizeof *p, 4); /* many threads hold few events */
        if (!p) {
            r->set->oom = 1;
            return;
        }
        th->ev = p;
    }
    th->ev[th->n++] = *ev;
}

static void on_thread_end(void *ud, const ss_thread_end_info *t)
{
    mg_thread *th = thread_of(ud, t->idx);
    if (th) {
        th->has_end = 1;
        th->end = *t;
    }
}

static void on_run_end(void *ud, const ss_run_end_info *e)
{
    rd *r = ud;
    if (!r->cur)
        return;
    r->cur->end = *e;
    r->cur->has_end = 1;
}

static void on_anchor(void *ud, const ss_clock_anchor *a)
{
    rd *r = ud;
    if (!r->cur)
        return;
    r->cur->anchor[r->cur->nanchors ? 1 : 0] = *a; /* the first, and the latest after it */
    r->cur->nanchors = r->cur->nanchors ? 2 : 1;
}

int mg_read(mg_set *set, const char *path, int input, ss_merge_result *out, char *err, size_t errlen)
{
    rd r = {set, input, NULL};
    ss_visitor v = {.ud = &r,
                    .run_begin = on_run,
                    .thread = on_thread,
                    .event = on_event,
                    .thread_end = on_thread_end,
                    .run_end = on_run_end,
                    .anchor = on_anchor};
    ss_scan_result res;
    size_t before = set->nruns;
    if (ss_trace_scan(path, 0, &v, &res, err, errlen) != 0)
        return SS_EXIT_BADINPUT;
    if (set->oom) {
        snprintf(err, errlen, "out of memory reading '%s'", path);
        return SS_EXIT_FAIL;
    }
    if (res.warning[0] && !out->warning[0])
        snprintf(out->warning, sizeof out->warning, "%s", res.warning);
    out->damaged |= res.corrupt || res.truncated;
    if (set->nruns == before) {
        snprintf(err, errlen, "'%s' holds no run", path);
        return SS_EXIT_BADINPUT;
    }
    return SS_EXIT_OK;
}

void mg_set_free(mg_set *set)
{
    for (size_t i = 0; i < set->nruns; i++) {
        mg_run *r = &set->runs[i];
        for (size_t k = 0; k < r->nth; k++)
            free(r->th[k].ev);
        free(r->th);
        ss_idmap_free(&r->ix);
    }
    free(set->runs);
    memset(set, 0, sizeof *set);
}
