/* synth.h — synthetic traces written through the real recorder API
 * (ss_rec_open, ss_run_begin, ss_thread_begin, ss_note), for the viewer's
 * benchmark and tests: server threads in a readiness loop or an
 * asynchronous submit/complete loop, plus clients with requests. Times are
 * made up (deterministic), so a trace of any size takes seconds to write. */
#ifndef VW_SYNTH_H
#define VW_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct vw_synth {
    uint64_t events;   /* about this many events in total */
    int server_threads;
    int clients;
    int async;         /* completion model (submit/complete) instead of readiness */
    int messages;      /* window messages (post, then a dispatch enclosing recv/send) */
    const char *model; /* run name */
} vw_synth;

/* Appends one run to an open recording session (ss_rec_open). */
void vw_synth_run(const vw_synth *s);
/* Opens path, writes the runs, closes. 0 or -1 (err says why). */
int  vw_synth_file(const char *path, const vw_synth *runs, int nruns, char *err, size_t errlen);

#endif
