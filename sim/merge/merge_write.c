/* merge_write.c — the merged trace: every input run a run of its own, its
 * times moved onto the common axis, in the format the recorder writes
 * (docs/trace-format.md); through sim/base/outfile.h, so a failed merge
 * leaves no half file and "-" is standard output. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/outfile.h"
#include "sim/merge/merge_int.h"
#include "sim/trace/codec.h"
#include "sim/trace/tracein.h"

#define EVENTS_PER_CHUNK 4096

typedef struct wr {
    FILE *f;
    ss_buf b;
    int failed;
    double t0; /* the axis time that becomes 0 in the output */
    uint64_t events;
} wr;

static void begin(wr *w, uint32_t type) { ss_chunk_begin(&w->b, type); }

static void end(wr *w)
{
    if (w->b.oom) {
        w->failed = 1;
        return;
    }
    ss_chunk_seal(&w->b);
    if (!w->failed && fwrite(w->b.p, 1, w->b.len, w->f) != w->b.len)
        w->failed = 1;
}

/* a run time on the output's axis: never below 0, never past the limit */
static uint64_t out_ns(const wr *w, const mg_run *r, uint64_t t)
{
    double v = mg_axis(r, t) - w->t0;
    if (v <= 0)
        return 0;
    return v >= (double)SS_TRACE_MAX_NS ? SS_TRACE_MAX_NS : (uint64_t)llround(v);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
#ifdef _WIN32
    const char *bs = strrchr(path, '\\');
    if (bs && (!s || bs > s))
        s = bs;
#endif
    return s ? s + 1 : path;
}

static void write_anchor(wr *w, uint32_t id, uint64_t t, uint64_t real, double unc)
{
    begin(w, SS_CHUNK_CLOCK_ANCHOR);
    ss_put_uv(&w->b, id);
    ss_put_uv(&w->b, t);
    ss_put_uv(&w->b, real);
    ss_put_uv(&w->b, unc > 0 ? (uint64_t)llround(unc) : 1);
    end(w);
}

static void write_run_begin(wr *w, const mg_set *set, const mg_run *r, uint32_t id, const char *input)
{
    begin(w, SS_CHUNK_RUN_BEGIN);
    ss_put_uv(&w->b, id);
    ss_put_str(&w->b, r->meta.model);
    ss_put_str(&w->b, r->meta.mechanism);
    ss_put_str(&w->b, r->meta.clock);
    ss_put_uv(&w->b, set->t_ref + (uint64_t)llround(w->t0)); /* every run starts at the axis' 0 */
    ss_put_uv(&w->b, r->meta.pid);
    int n = r->meta.nparams < SS_MAX_PARAMS ? r->meta.nparams : SS_MAX_PARAMS - 1;
    ss_put_uv(&w->b, (uint64_t)n + 1);
    for (int i = 0; i < n; i++) {
        ss_put_str(&w->b, r->meta.params[i][0]);
        ss_put_str(&w->b, r->meta.params[i][1]);
    }
    char host[96];
    snprintf(host, sizeof host, "%s", base_name(ss_trace_input_name(input)));
    ss_put_str(&w->b, "host"); /* the trace it came from: one per machine */
    ss_put_str(&w->b, host);
    end(w);
}

static void write_thread(wr *w, const mg_run *r, const mg_thread *th, uint32_t id)
{
    begin(w, SS_CHUNK_THREAD);
    ss_put_uv(&w->b, id);
    ss_put_uv(&w->b, th->meta.idx);
    ss_put_uv(&w->b, (uint64_t)th->meta.role);
    ss_put_uv(&w->b, th->meta.os_tid);
    ss_put_str(&w->b, th->meta.name);
    end(w);
    for (size_t i = 0; i < th->n; i += EVENTS_PER_CHUNK) {
        size_t k = th->n - i < EVENTS_PER_CHUNK ? th->n - i : EVENTS_PER_CHUNK;
        begin(w, SS_CHUNK_EVENTS);
        ss_put_uv(&w->b, id);
        ss_put_uv(&w->b, th->meta.idx);
        ss_put_uv(&w->b, k);
        uint64_t prev = 0;
        for (size_t j = i; j < i + k; j++) {
            ss_event ev = th->ev[j];
            ev.t0 = out_ns(w, r, ev.t0);
            ev.t1 = out_ns(w, r, ev.t1);
            if (ev.t1 < ev.t0)
                ev.t1 = ev.t0;
            ss_encode_event(&w->b, &ev, &prev);
        }
        end(w);
        w->events += k;
    }
}

static void write_thread_end(wr *w, const mg_thread *th, uint32_t id)
{
    begin(w, SS_CHUNK_THREAD_END);
    ss_put_uv(&w->b, id);
    ss_put_uv(&w->b, th->meta.idx);
    ss_put_uv(&w->b, th->end.user_ns);
    ss_put_uv(&w->b, th->end.sys_ns);
    ss_put_uv(&w->b, th->end.events);
    ss_put_uv(&w->b, th->end.dropped);
    end(w);
}

/* RUNE: the notes, with the times in them moved too, and how the run was placed */
static void write_run_end(wr *w, const mg_run *r, uint32_t id, const ss_merge_run *placed)
{
    begin(w, SS_CHUNK_RUN_END);
    ss_put_uv(&w->b, id);
    ss_put_uv(&w->b, out_ns(w, r, r->end.duration_ns));
    ss_put_uv(&w->b, r->end.user_ns);
    ss_put_uv(&w->b, r->end.sys_ns);
    int n = r->end.nnotes < SS_MAX_PARAMS ? r->end.nnotes : SS_MAX_PARAMS - 1;
    ss_put_uv(&w->b, (uint64_t)n + 1);
    for (int i = 0; i < n; i++) {
        char v[96];
        const char *key = r->end.notes[i][0], *val = r->end.notes[i][1];
        if (strcmp(key, "workload_end_ns") == 0) {
            snprintf(v, sizeof v, "%llu", (unsigned long long)out_ns(w, r, strtoull(val, NULL, 10)));
            val = v;
        }
        ss_put_str(&w->b, key);
        ss_put_str(&w->b, val);
    }
    char note[96];
    if (placed->uncertainty_ns >= 0 && placed->against >= 0)
        snprintf(note, sizeof note, "requests: %+.0f ns +- %.0f ns (%ld pairs with run %d)", placed->correction_ns,
                 placed->uncertainty_ns, placed->pairs, placed->against + 1);
    else
        snprintf(note, sizeof note, "%s",
                 placed->against < 0 && placed->uncertainty_ns == 0 ? "the reference" : "clock anchors only");
    ss_put_str(&w->b, "merge clock");
    ss_put_str(&w->b, note);
    end(w);
}

static void write_run(wr *w, const mg_set *set, const mg_run *r, uint32_t id, const char *input,
                      const ss_merge_run *placed)
{
    write_run_begin(w, set, r, id, input);
    uint64_t real0 = set->t_ref + (uint64_t)llround(w->t0);
    write_anchor(w, id, 0, real0, placed->uncertainty_ns);
    for (size_t t = 0; t < r->nth; t++)
        write_thread(w, r, &r->th[t], id);
    for (size_t t = 0; t < r->nth; t++)
        if (r->th[t].has_end)
            write_thread_end(w, &r->th[t], id);
    if (!r->has_end)
        return; /* it was interrupted where it was recorded: so it stays */
    uint64_t end_ns = out_ns(w, r, r->end.duration_ns);
    write_anchor(w, id, end_ns, real0 + end_ns, placed->uncertainty_ns);
    write_run_end(w, r, id, placed);
}

int mg_write(const mg_set *set, const ss_merge_run *placed, const char *const *inputs, const char *out,
             uint64_t *events, char *err, size_t errlen)
{
    wr w = {0};
    w.t0 = INFINITY;
    for (size_t i = 0; i < set->nruns; i++)
        w.t0 = fmin(w.t0, mg_axis(&set->runs[i], 0));
    ss_outfile o; /* a fresh file renamed into place at the end (sim/base/outfile.h) */
    if (ss_out_is_stdout(out))
        ss_stdout_binary();
    if (ss_out_open(&o, out, err, errlen) != 0)
        return SS_EXIT_FAIL;
    w.f = o.f;
    uint8_t hdr[SS_FILE_HEADER_SIZE] = {0};
    memcpy(hdr, SS_TRACE_MAGIC, 8);
    hdr[8] = SS_TRACE_VERSION;
    hdr[10] = SS_FILE_HEADER_SIZE;
    w.failed = fwrite(hdr, 1, sizeof hdr, w.f) != sizeof hdr;
    for (size_t i = 0; i < set->nruns && !w.failed; i++)
        write_run(&w, set, &set->runs[i], (uint32_t)i + 1, inputs[set->runs[i].input], &placed[i]);
    ss_buf_free(&w.b);
    int e = errno;
    err[0] = 0;
    if (ss_out_close(&o, !w.failed, err, errlen) != 0) {
        if (w.failed && !err[0])
            snprintf(err, errlen, "cannot write '%s': %s", out, strerror(e));
        return SS_EXIT_FAIL;
    }
    *events = w.events;
    return SS_EXIT_OK;
}
