/* export.h — trace exporters. Both stream: memory holds per-thread names and
 * the ordering window of the reader, never the whole trace. */
#ifndef SS_EXPORT_H
#define SS_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sim/base/util.h"
#include "sim/trace/reader.h"

/* Both return 0, or -1 when the trace cannot be read (err says why); a
 * failed write shows in ferror(out). gzip: compress on the way (the CLI's
 * choice for an output named *.gz). */
/* Chrome Trace Event JSON, as Perfetto, DevTools and speedscope load it
 * (docs/chrome-export.md). */
int ss_export_chrome(const char *trace, FILE *out, int gzip, ss_scan_result *res, char *err, size_t errlen);
/* The Chrome export's tid of a run's kernel lane (operations in flight):
 * past every thread's tid (thread index + 1), so no thread shares it. */
#define SS_CHROME_KERNEL_TID ((long long)SS_MAX_THREAD_INDEX + 2)
/* One row per event; columns in docs/csv.md. */
int ss_export_csv(const char *trace, FILE *out, int gzip, ss_scan_result *res, char *err, size_t errlen);

/* thread names per run, shared by exporters: one entry per thread the
 * run names (an index map, not an array as long as the largest index) */
typedef struct ss_names {
    uint32_t run;
    char model[64];
    ss_idmap ix;       /* thread index -> entry of t */
    ss_thread_meta *t;
    size_t n, cap;
} ss_names;
void ss_names_run(ss_names *nm, const ss_run_meta *m);
void ss_names_thread(ss_names *nm, const ss_thread_meta *t);
const ss_thread_meta *ss_names_get(const ss_names *nm, uint32_t idx); /* NULL if unknown */
void ss_names_free(ss_names *nm);

#endif
