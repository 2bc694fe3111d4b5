/* merge_int.h — what the merge's files share: the inputs held in memory
 * (merge_read.c), their placement on the common axis (merge_align.c) and
 * the output (merge_write.c). Not a public header. */
#ifndef SS_MERGE_INT_H
#define SS_MERGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/base/util.h"
#include "sim/merge/merge.h"
#include "sim/trace/reader.h"

typedef struct mg_thread {
    ss_thread_meta meta;
    ss_event *ev;
    size_t n, cap;
    int has_end;
    ss_thread_end_info end;
} mg_thread;

/* One input run and where it goes: a time t of the run (ns since its start)
 * lands at start + t * (1 + rate) + corr on the axis (ns after the
 * reference's real time, mg_set.t_ref). */
typedef struct mg_run {
    int input;
    ss_run_meta meta;
    ss_run_end_info end;
    int has_end;
    ss_clock_anchor anchor[2]; /* the first and the last reading */
    int nanchors;
    mg_thread *th;
    size_t nth, capth;
    ss_idmap ix; /* thread index -> slot in th */
    double start, rate, corr, unc;
    int placed;
} mg_run;

typedef struct mg_set {
    mg_run *runs;
    size_t nruns, cap;
    uint64_t t_ref; /* real time (ns since the epoch) at the axis' 0, before the output's own shift */
    int oom;
} mg_set;

static inline double mg_axis(const mg_run *r, uint64_t t) { return r->start + (double)t * (1 + r->rate) + r->corr; }

/* merge_read.c: appends the runs of one input; SS_EXIT_* */
int mg_read(mg_set *set, const char *path, int input, ss_merge_result *res, char *err, size_t errlen);
void mg_set_free(mg_set *set);
/* merge_align.c: anchors first, then request pairs; fills res->runs */
void mg_align(mg_set *set, ss_merge_result *res);
/* merge_write.c: SS_EXIT_* */
int mg_write(const mg_set *set, const ss_merge_run *placed, const char *const *inputs, const char *out,
             uint64_t *events, char *err, size_t errlen);

#endif
