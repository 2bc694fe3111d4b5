/* runner.h — one model, one workload, one run of the trace: start the
 * server, run the clients against it, stop the server, close the run. */
#ifndef SS_RUNNER_H
#define SS_RUNNER_H

#include "models/model.h"
#include "sim/load/workload.h"
#include "sim/trace/recorder.h"

typedef struct ss_run_progress {
    const char *model;
    int index, count;   /* this is model index+1 of count */
    int tty;            /* redraw one line in place */
    int quiet;
} ss_run_progress;

/* What a run drives: a built-in model (ss_run_one), or a server sockscope
 * did not write (an outside program: sim/run/program.h). start makes
 * it listen on host and gives its port; stop ends it (0 if it stopped
 * cleanly, else -1 with err). Both return or take SS_EXIT_* codes. */
typedef struct ss_run_target {
    const char *name, *mechanism; /* the run's model and mechanism */
    const ss_model *model;        /* NULL for an outside program */
    const ss_kv *params;          /* recorded after the workload's (may be NULL) */
    int nparams;
    void *ud;
    int (*start)(void *ud, const char *host, int *port, char *err, size_t errlen);
    int (*stop)(void *ud, char *err, size_t errlen);
} ss_run_target;

int ss_run_target_one(const ss_run_target *t, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
                      ss_workload_result *res, char *err, size_t errlen);

/* Writing to a connection the peer has closed must return an error, not
 * end the process: call once before running (a no-op where there is no
 * SIGPIPE, as with Winsock). */
void ss_run_ignore_sigpipe(void);

/* Runs model m with the workload (w->port is ignored: the server listens on
 * an ephemeral loopback port). Records a run when a trace is open. Returns
 * an SS_EXIT_* code; err explains a failure. */
int ss_run_one(const ss_model *m, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
               ss_workload_result *res, char *err, size_t errlen);

/* `sockscope load`: the built-in clients against a server that runs
 * elsewhere (w->host:w->port; target names it for the record), recorded as
 * a run of its own (model "load", parameter mode = load) when a trace is
 * open. Returns SS_EXIT_ENV when no connection could be made,
 * SS_EXIT_FAIL when requests failed or echoes differed; err says which. */
int ss_run_load(const ss_workload_opts *w, const char *target, ss_run_progress *pg, ss_workload_result *res, char *err,
                size_t errlen);

#endif
