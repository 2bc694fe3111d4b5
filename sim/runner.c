#include "sim/runner.h"

#include <stdio.h>
#include <string.h>

#include "sim/clock.h"
#include "sim/recorder.h"
#include "sim/server.h"
#include "sim/util.h"

static void progress(void *ud, long done, long total)
{
    ss_run_progress *pg = ud;
    if (pg->quiet || !pg->tty)
        return;
    fprintf(stderr, "\r[%d/%d] %-18s %ld/%ld requests (%3ld%%)", pg->index, pg->count, pg->model, done, total,
            total ? done * 100 / total : 100);
    fflush(stderr);
}

int ss_run_one(const ss_model *m, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
               ss_workload_result *res, char *err, size_t errlen)
{
    char v[6][48];
    snprintf(v[0], sizeof v[0], "%d", w->clients);
    snprintf(v[1], sizeof v[1], "%d", w->messages);
    snprintf(v[2], sizeof v[2], "%d", w->size);
    snprintf(v[3], sizeof v[3], "%g", w->think_ms);
    snprintf(v[4], sizeof v[4], "%u", mo->cpu_work_us);
    char ui[24] = "";
    if (mo->ui_rate)
        snprintf(ui, sizeof ui, "ui-rate=%d ", mo->ui_rate);
    snprintf(v[5], sizeof v[5], "%s%s%s%s", mo->edge_triggered ? "edge-triggered " : "",
             mo->sqpoll ? "sqpoll " : "", mo->fd_setsize ? "fd-setsize " : "", ui);
    ss_kv params[] = {{"clients", v[0]}, {"messages", v[1]}, {"size", v[2]},
                      {"think_ms", v[3]}, {"cpu_us", v[4]}, {"options", v[5]}};
    ss_run_info info = {m->name, m->mechanism, params, 6};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "main");

    if (pg && !pg->quiet && !pg->tty)
        fprintf(stderr, "[%d/%d] %s: %d clients x %d messages of %d bytes...\n", pg->index, pg->count, m->name,
                w->clients, w->messages, w->size);
    int port = 0;
    ss_server_handle *h = ss_server_start(m, mo, w->host, 0, &port, err, errlen);
    if (!h) {
        ss_run_end();
        return SS_EXIT_ENV;
    }
    ss_workload_opts wo = *w;
    wo.port = port;
    uint64_t t0 = ss_mono_ns();
    int wrc = ss_workload_run(&wo, res, pg ? progress : NULL, pg);
    double secs = (double)(ss_mono_ns() - t0) / 1e9;
    ss_server_request_stop(h);
    int src = ss_server_join(h);
    char note[64];
    snprintf(note, sizeof note, "%ld ok, %ld failed, %ld mismatched", res->requests_ok, res->requests_failed,
             res->mismatches);
    ss_run_note("client verification", note);
    ss_run_end();
    if (pg && !pg->quiet) {
        if (pg->tty)
            fputc('\r', stderr);
        fprintf(stderr, "[%d/%d] %-18s %ld/%ld requests in %.2f s%s\n", pg->index, pg->count, m->name,
                res->requests_ok, (long)w->clients * w->messages, secs, wrc ? "  FAILED" : "");
    }
    if (src != 0) {
        snprintf(err, errlen, "the %s server failed (see above)", m->name);
        return SS_EXIT_FAIL;
    }
    if (wrc != 0) {
        snprintf(err, errlen, "%s: %ld of %ld requests failed (%s)", m->name, res->requests_failed,
                 (long)w->clients * w->messages, res->first_error);
        return SS_EXIT_FAIL;
    }
    return SS_EXIT_OK;
}
