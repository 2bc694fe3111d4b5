#include "sim/run/runner.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/base/util.h"
#include "sim/load/net.h"
#include "sim/load/relay.h"
#include "sim/run/server.h"
#include "sim/trace/clock.h"
#include "sim/trace/recorder.h"

#define MAX_PARAMS 28

static void progress(void *ud, long done, long total)
{
    ss_run_progress *pg = ud;
    if (pg->quiet || !pg->tty)
        return;
    fprintf(stderr, "\r[%d/%d] %-18s %ld/%ld requests (%3ld%%)", pg->index, pg->count, pg->model, done, total,
            total ? done * 100 / total : 100);
    fflush(stderr);
}

typedef struct params {
    ss_kv kv[MAX_PARAMS];
    char v[MAX_PARAMS][64];
    int n;
} params;

static void param(params *p, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void param(params *p, const char *key, const char *fmt, ...)
{
    if (p->n == MAX_PARAMS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->v[p->n], sizeof p->v[p->n], fmt, ap);
    va_end(ap);
    p->kv[p->n] = (ss_kv){key, p->v[p->n]};
    p->n++;
}

/* the server's options, when the server runs here (m: NULL for an outside program) */
static void describe_model(params *p, const ss_model *m, const ss_model_opts *mo)
{
    param(p, "cpu_us", "%u", mo->cpu_work_us);
    if (m) /* the echo buffer (model.h): messages above it are echoed in pieces */
        param(p, "buffer", "%d", SS_BUFSIZE);
    char workers[24] = "", ui[48] = "", setsize[24] = "";
    if (mo->fd_setsize)
        snprintf(setsize, sizeof setsize, "fd-setsize=%d", mo->fd_setsize);
    if (mo->workers)
        snprintf(workers, sizeof workers, "workers=%d ", mo->workers);
    if (mo->ui_rate)
        snprintf(ui, sizeof ui, "ui-rate=%d ui-cost-us=%u ", mo->ui_rate,
                 mo->ui_cost_us ? mo->ui_cost_us : SS_UI_COST_US);
    param(p, "options", "%s%s%s%s%s%s", mo->edge_triggered ? "edge-triggered " : "", mo->sqpoll ? "sqpoll " : "",
          mo->nodelay ? "nodelay " : "", workers, ui, setsize);
    if (m && strcmp(m->name, "select") == 0) /* the limit in force, for the panel and the captions */
        param(p, "fd_setsize", "%d", mo->fd_setsize > 0 && mo->fd_setsize < FD_SETSIZE ? mo->fd_setsize : FD_SETSIZE);
}

/* Where the run is recorded first (server.h), then the classic six
 * parameters always; the scenario's only when they differ from the classic
 * workload, so a plain run records what it always did. */
static void describe(params *p, const ss_run_target *t, const ss_model_opts *mo, const ss_workload_opts *w)
{
    static const ss_model outside = {.name = ""}; /* a program of its own: no Winsock stand-in */
    const ss_model *m = t->model ? t->model : &outside;
    ss_origin o;
    ss_server_origin(m, &o);
    param(p, "platform", "%s", o.platform);
    param(p, "winsock", "%s", o.winsock);
    param(p, "waits", "%s", o.waits);
    param(p, "clients", "%d", w->clients);
    param(p, "messages", "%d", w->messages);
    if (w->sizes.nlist > 0 || w->sizes.max > 0)
        param(p, "size", "%d-%d%s", w->sizes.nlist ? 0 : w->sizes.min, ss_msg_size_max(w),
              w->sizes.nlist ? " (list)" : "");
    else
        param(p, "size", "%d", w->size);
    param(p, "think_ms", "%g", w->think_ms);
    if (mo) /* the server's options: not under `load`, whose server runs elsewhere */
        describe_model(p, t->model, mo);
    static const char *const connect[] = {"all", "stagger", "churn"};
    if (w->connect != SS_CONNECT_ALL)
        param(p, "connect", "%s %g", connect[w->connect], w->connect == SS_CONNECT_STAGGER ? w->stagger_ms : (double)w->churn_messages);
    if (w->seed)
        param(p, "seed", "%llu", (unsigned long long)w->seed);
    if (w->idle)
        param(p, "idle", "%d", w->idle);
    const ss_special_opts *s = &w->special;
    if (s->slow || s->nonreading || s->reset || s->halfclose)
        param(p, "special", "slow %d, non-reading %d, reset %d, half-close %d", s->slow, s->nonreading, s->reset,
              s->halfclose);
    if (ss_link_active(&w->link))
        param(p, "link", "latency %g ms, jitter %g ms, bandwidth %g bit/s", w->link.latency_ms, w->link.jitter_ms,
              w->link.bandwidth_bps);
    if (ss_workload_uses_events(w))
        param(p, "client_mode", "events");
    for (int i = 0; i < w->nfacts && p->n < MAX_PARAMS; i++)
        p->kv[p->n++] = w->facts[i];
    for (int i = 0; i < t->nparams && p->n < MAX_PARAMS; i++)
        p->kv[p->n++] = t->params[i];
}

static void note_results(const ss_workload_result *res, const ss_relay_counts *rc)
{
    char note[160];
    snprintf(note, sizeof note, "%ld ok, %ld failed, %ld mismatched", res->requests_ok, res->requests_failed,
             res->mismatches);
    ss_run_note("client verification", note);
    if (res->expected_resets || res->refused || res->skipped) {
        snprintf(note, sizeof note, "%ld expected resets, %ld refused by the server, %ld requests not made",
                 res->expected_resets, res->refused, res->skipped);
        ss_run_note("special clients", note);
    }
    if (rc) {
        snprintf(note, sizeof note, "%ld connections, %llu bytes up, %llu bytes down, %ld aborted", rc->connections,
                 (unsigned long long)rc->bytes_up, (unsigned long long)rc->bytes_down, rc->aborted);
        ss_run_note("relay", note);
    }
}

/* descriptors this run keeps open at once: clients, server, relay (both sides) */
static int check_fds(const ss_workload_opts *w, char *err, size_t errlen)
{
    long conns = (long)w->clients + w->idle;
    long need = ss_workload_fds(w) + conns + 64 + (ss_link_active(&w->link) ? 2 * conns : 0);
    return ss_nofile_ensure(need, NULL, err, errlen);
}

static void print_done(const ss_run_progress *pg, const ss_workload_opts *w, const ss_workload_result *res,
                       double secs, int failed)
{
    if (!pg || pg->quiet)
        return;
    if (pg->tty)
        fputc('\r', stderr);
    fprintf(stderr, "[%d/%d] %-18s %ld/%ld requests in %.2f s", pg->index, pg->count, pg->model, res->requests_ok,
            (long)w->clients * w->messages, secs);
    if (res->expected_resets || res->refused)
        fprintf(stderr, " (%ld expected resets, %ld refused)", res->expected_resets, res->refused);
    fprintf(stderr, "%s\n", failed ? "  FAILED" : "");
}

/* a built-in model as a run's target: its server thread */
static int model_start(void *ud, const char *host, int *port, char *err, size_t errlen)
{
    void **slot = ud;
    ss_server_handle *h = ss_server_start(slot[0], slot[1], host, 0, port, err, errlen);
    slot[2] = h;
    return h ? SS_EXIT_OK : SS_EXIT_ENV;
}

static int model_stop(void *ud, char *err, size_t errlen)
{
    void **slot = ud;
    const ss_model *m = slot[0];
    ss_server_request_stop(slot[2]);
    if (ss_server_join(slot[2]) == 0)
        return 0;
    snprintf(err, errlen, "the %s server failed (see above)", m->name);
    return -1;
}

int ss_run_one(const ss_model *m, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
               ss_workload_result *res, char *err, size_t errlen)
{
    void *slot[3] = {(void *)m, (void *)mo, NULL};
    ss_run_target t = {m->name, m->mechanism, m, NULL, 0, slot, model_start, model_stop};
    return ss_run_target_one(&t, mo, w, pg, res, err, errlen);
}

int ss_run_target_one(const ss_run_target *t, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
                      ss_workload_result *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (check_fds(w, err, errlen) != 0)
        return SS_EXIT_ENV;
    params p = {.n = 0};
    describe(&p, t, mo, w);
    ss_run_info info = {t->name, t->mechanism, p.kv, p.n};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_CONTROL, "runner"); /* sockscope's: starts, drives and stops the run */

    if (pg && !pg->quiet && !pg->tty)
        fprintf(stderr, "[%d/%d] %s: %d clients x %d messages of %d bytes...\n", pg->index, pg->count, t->name,
                w->clients, w->messages, ss_msg_size_max(w));
    int port = 0;
    int src = t->start(t->ud, w->host, &port, err, errlen);
    if (src != SS_EXIT_OK) {
        ss_run_end();
        return src;
    }
    ss_workload_opts wo = *w;
    wo.port = port;
    ss_relay *relay = NULL;
    char serr[256] = "";
    if (ss_link_active(&w->link) &&
        !(relay = ss_relay_start(&w->link, w->seed, w->host, port, &wo.port, err, errlen))) {
        t->stop(t->ud, serr, sizeof serr);
        ss_run_end();
        return SS_EXIT_ENV;
    }
    uint64_t t0 = ss_mono_ns();
    int wrc = ss_workload_run(&wo, res, pg ? progress : NULL, pg);
    double secs = (double)(ss_mono_ns() - t0) / 1e9;
    char end[32]; /* where the work ends and the teardown begins: the viewer fits to it */
    snprintf(end, sizeof end, "%llu", (unsigned long long)ss_rec_run_ns());
    ss_run_note("workload_end_ns", end);
    ss_relay_counts rc;
    if (relay)
        ss_relay_stop(relay, &rc); /* before the server: its connections close like clients' */
    src = t->stop(t->ud, serr, sizeof serr);
    note_results(res, relay ? &rc : NULL);
    ss_run_end();
    print_done(pg, w, res, secs, wrc != 0);
    if (src != 0) {
        snprintf(err, errlen, "%s", serr);
        return SS_EXIT_FAIL;
    }
    if (wrc != 0) {
        snprintf(err, errlen, "%s: %ld of %ld requests failed (%s)", t->name, res->requests_failed,
                 (long)w->clients * w->messages, res->first_error);
        return SS_EXIT_FAIL;
    }
    return SS_EXIT_OK;
}

/* The workload's verdict as an exit code: no connection at all is the
 * system refusing (nothing listens there), anything else the work failing. */
static int load_verdict(const ss_workload_opts *w, const char *target, const ss_workload_result *res, int wrc,
                        char *err, size_t errlen)
{
    if (wrc == 0)
        return SS_EXIT_OK;
    if (res->connections == 0 && res->connect_failures > 0) {
        snprintf(err, errlen, "cannot connect to %s: %s", target, res->first_error);
        return SS_EXIT_ENV;
    }
    snprintf(err, errlen, "%s: %ld of %ld requests failed, %ld echoes differed (%s)", target, res->requests_failed,
             (long)w->clients * w->messages, res->mismatches, res->first_error);
    return SS_EXIT_FAIL;
}

int ss_run_load(const ss_workload_opts *w, const char *target, ss_run_progress *pg, ss_workload_result *res, char *err,
                size_t errlen)
{
    memset(res, 0, sizeof *res);
    if (check_fds(w, err, errlen) != 0)
        return SS_EXIT_ENV;
    params p = {.n = 0};
    ss_run_target clients_only = {.name = "load"}; /* no server here: no model, no server options */
    describe(&p, &clients_only, NULL, w);
    param(&p, "mode", "load");
    param(&p, "target", "%s", target);
    char mech[160];
    snprintf(mech, sizeof mech, "the built-in clients against %.90s (the server is not recorded here)", target);
    ss_run_info info = {"load", mech, p.kv, p.n};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_CONTROL, "runner");
    if (pg && !pg->quiet)
        fprintf(stderr, "sockscope: load: %d clients x %d messages of %d bytes against %s...\n", w->clients,
                w->messages, ss_msg_size_max(w), target);
    uint64_t t0 = ss_mono_ns();
    int wrc = ss_workload_run(w, res, pg ? progress : NULL, pg);
    double secs = (double)(ss_mono_ns() - t0) / 1e9;
    char end[32];
    snprintf(end, sizeof end, "%llu", (unsigned long long)ss_rec_run_ns());
    ss_run_note("workload_end_ns", end);
    note_results(res, NULL);
    ss_run_end();
    print_done(pg, w, res, secs, wrc != 0);
    return load_verdict(w, target, res, wrc, err, errlen);
}

void ss_run_ignore_sigpipe(void)
{
#ifdef SIGPIPE
    signal(SIGPIPE, SIG_IGN);
#endif
}
