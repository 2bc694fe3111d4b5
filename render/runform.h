/* runform.h — the in-viewer run form: pick models and a workload, or a
 * lecture preset (assets/scenarios/) whose network conditions, connect
 * pattern and special clients come along, run them in the background (a
 * thread calls ss_run_one, recording into a temporary trace), and hand the
 * finished trace back to be loaded as new panels. */
#ifndef VW_RUNFORM_H
#define VW_RUNFORM_H

#include <pthread.h>
#include <stdatomic.h>

#include "render/caption.h"
#include "sim/run/scenario.h"

#define VW_FORM_MODELS 16
#define VW_FORM_PRESETS 32

typedef enum vw_field {
    VW_F_CLIENTS, VW_F_MESSAGES, VW_F_SIZE, VW_F_THINK, VW_F_CPU, VW_F_LATENCY, VW_NFIELDS
} vw_field;

typedef struct vw_runform {
    int open;
    int nmodels;
    char model[VW_FORM_MODELS][32];
    int on[VW_FORM_MODELS];
    long value[VW_NFIELDS];
    /* presets: the .ini files of assets/scenarios, by name; -1 = none */
    int npresets, preset;
    char presets[VW_FORM_PRESETS][64];
    ss_scenario *sc;       /* the chosen preset, or the defaults; the fields override it */
    ss_scenario *run_sc;   /* what the background run uses (a copy taken at start) */
    /* background run */
    pthread_t thread;
    int started;           /* a thread exists (joined when done) */
    _Atomic int running, done, progress_model, progress_count;
    pthread_mutex_t lock;
    /* under lock: what the form says, as a ui_text key and its arguments,
     * worded when shown (in the language of the moment) */
    const char *status_key;
    char status_arg[512];
    int status_a, status_b;
    char result_path[256]; /* the trace to load when done */
    char tmpdir[256];      /* a private directory (mkdtemp) for the runs' traces: removed with the form */
    int nresults;          /* traces written in it: sockscope-view-1.sstrace ... */
    int failed;
} vw_runform;

void vw_form_init(vw_runform *f);       /* lists the models available here */
void vw_form_free(vw_runform *f);       /* waits for a running background run */
const char *vw_field_name(vw_field k);
void vw_form_step(vw_runform *f, vw_field k, int dir); /* +/- a field, within bounds */
/* The next (dir > 0) or previous preset, "none" between the last and the
 * first: loads it and sets the models and fields from it. 0, or -1 when
 * the file did not load (status says why). */
int  vw_form_preset(vw_runform *f, int dir);
int  vw_form_start(vw_runform *f);      /* 0 started, -1 (status says why) */
/* When a run has finished: returns 1 (or -1 when a run failed) and the
 * trace path to load, once; status says how it went, in lang. */
int  vw_form_poll(vw_runform *f, vw_lang lang, char *path, size_t n, char *status, size_t sn);
void vw_form_status(vw_runform *f, vw_lang lang, char *out, size_t n);

#endif
