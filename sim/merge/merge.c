/* merge.c — read, align, write; and the placement table. */
#include "sim/merge/merge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/merge/merge_int.h"
#include "sim/report/jsonw.h"
#include "sim/trace/tracein.h"

int ss_merge(const char *const *inputs, int ninputs, const char *out, ss_merge_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    mg_set set = {0};
    int rc = SS_EXIT_OK;
    for (int i = 0; i < ninputs && rc == SS_EXIT_OK; i++)
        rc = mg_read(&set, inputs[i], i, res, err, errlen);
    if (rc == SS_EXIT_OK && !(res->runs = calloc(set.nruns, sizeof *res->runs))) {
        snprintf(err, errlen, "out of memory");
        rc = SS_EXIT_FAIL;
    }
    if (rc == SS_EXIT_OK) {
        res->nruns = (int)set.nruns;
        mg_align(&set, res);
        rc = mg_write(&set, res->runs, inputs, out, &res->events, err, errlen);
    }
    mg_set_free(&set);
    if (rc != SS_EXIT_OK)
        ss_merge_result_free(res);
    return rc;
}

void ss_merge_result_free(ss_merge_result *res)
{
    free(res->runs);
    res->runs = NULL;
    res->nruns = 0;
}

static const char *how(const ss_merge_run *r)
{
    if (r->against < 0)
        return r->uncertainty_ns == 0 ? "reference" : "anchors only";
    return r->inconsistent ? "requests (bounds disagree)" : "requests";
}

void ss_merge_print(FILE *f, const char *const *inputs, const ss_merge_result *res)
{
    fprintf(f, "%-4s %-24s %-10s %14s %10s %14s %14s %8s %12s  %s\n", "run", "input", "model", "anchors ms", "rate ppm",
            "requests us", "+- us", "pairs", "best +- us", "placed by");
    for (int i = 0; i < res->nruns; i++) {
        const ss_merge_run *r = &res->runs[i];
        const char *in = ss_trace_input_name(inputs[r->input]), *slash = strrchr(in, '/');
        char unc[32] = "?", best[32] = "-";
        if (r->uncertainty_ns >= 0)
            snprintf(unc, sizeof unc, "%.1f", r->uncertainty_ns / 1e3);
        if (r->pairs)
            snprintf(best, sizeof best, "%.1f", r->best_half_rtt_ns / 1e3);
        fprintf(f, "%-4d %-24.24s %-10.10s %14.3f %10.2f %14.1f %14s %8ld %12s  %s", i + 1, slash ? slash + 1 : in,
                r->model, r->anchor_offset_ns / 1e6, r->rate_ppm, r->correction_ns / 1e3, unc, r->pairs, best, how(r));
        if (r->against >= 0)
            fprintf(f, " against run %d", r->against + 1);
        fputc('\n', f);
    }
}

void ss_merge_print_json(FILE *f, const char *const *inputs, const ss_merge_result *res)
{
    ss_jw w;
    ss_jw_init(&w, f, 1);
    ss_jw_obj(&w);
    ss_jw_kuint(&w, "events", res->events);
    ss_jw_key(&w, "runs");
    ss_jw_arr(&w);
    for (int i = 0; i < res->nruns; i++) {
        const ss_merge_run *r = &res->runs[i];
        ss_jw_obj(&w);
        ss_jw_kint(&w, "run", i + 1);
        ss_jw_kstr(&w, "input", ss_trace_input_name(inputs[r->input]));
        ss_jw_kint(&w, "input_run", r->run);
        ss_jw_kstr(&w, "model", r->model);
        ss_jw_kint(&w, "anchors", r->anchors);
        ss_jw_knum(&w, "anchor_err_ns", r->anchor_err_ns, 0);
        ss_jw_knum(&w, "rate_ppm", r->rate_ppm, 3);
        ss_jw_knum(&w, "anchor_offset_ns", r->anchor_offset_ns, 0);
        ss_jw_knum(&w, "correction_ns", r->correction_ns, 0);
        ss_jw_knum(&w, "uncertainty_ns", r->uncertainty_ns, 0);
        ss_jw_knum(&w, "best_half_rtt_ns", r->pairs ? r->best_half_rtt_ns : 0, 0);
        ss_jw_kint(&w, "pairs", r->pairs);
        ss_jw_kint(&w, "against", r->against + 1);
        ss_jw_kstr(&w, "placed_by", how(r));
        ss_jw_end_obj(&w);
    }
    ss_jw_end_arr(&w);
    ss_jw_end_obj(&w);
    fputc('\n', f);
}
