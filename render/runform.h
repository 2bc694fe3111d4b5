/* runform.h — the in-viewer run form: pick models and a workload, run them
 * in the background (a thread calls ss_run_one, recording into a temporary
 * trace), and hand the finished trace back to be loaded as new panels. */
#ifndef VW_RUNFORM_H
#define VW_RUNFORM_H

#include <pthread.h>
#include <stdatomic.h>

#define VW_FORM_MODELS 16

typedef enum vw_field { VW_F_CLIENTS, VW_F_MESSAGES, VW_F_SIZE, VW_F_THINK, VW_NFIELDS } vw_field;

typedef struct vw_runform {
    int open;
    int nmodels;
    char model[VW_FORM_MODELS][32];
    int on[VW_FORM_MODELS];
    long value[VW_NFIELDS];
    /* background run */
    pthread_t thread;
    int started;           /* a thread exists (joined when done) */
    _Atomic int running, done, progress_model, progress_count;
    pthread_mutex_t lock;
    char status[256];      /* under lock */
    char result_path[256]; /* the trace to load when done */
    int failed;
} vw_runform;

void vw_form_init(vw_runform *f);       /* lists the models available here */
void vw_form_free(vw_runform *f);       /* waits for a running background run */
const char *vw_field_name(vw_field k);
void vw_form_step(vw_runform *f, vw_field k, int dir); /* +/- a field, within bounds */
int  vw_form_start(vw_runform *f);      /* 0 started, -1 (status says why) */
/* When a run has finished: returns 1 and the trace path to load, once. */
int  vw_form_poll(vw_runform *f, char *path, size_t n, char *status, size_t sn);
void vw_form_status(vw_runform *f, char *out, size_t n);

#endif
