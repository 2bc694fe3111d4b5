#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/recorder.h"
#include "sim/runner.h"
#include "sim/trace_reader.h"

static char *paths[256];
static int npaths;

static void cleanup(void)
{
    for (int i = 0; i < npaths; i++) {
        if (!getenv("SS_KEEP"))
            unlink(paths[i]);
        free(paths[i]);
    }
}

const char *tu_tmpfile(const char *suffix)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char buf[512];
    static int seq;
    snprintf(buf, sizeof buf, "%s/sockscope-test-%d-%d%s", dir, (int)getpid(), seq++, suffix);
    if (npaths == 0)
        atexit(cleanup);
    if (npaths < 256)
        paths[npaths++] = strdup(buf);
    return npaths <= 256 ? paths[npaths - 1] : strdup(buf);
}

ss_workload_opts tu_workload(int clients, int messages, int size)
{
    ss_workload_opts w = {.host = "127.0.0.1", .clients = clients, .messages = messages, .size = size,
                          .timeout_s = 20};
    return w;
}

const char *tu_record(const char *name, const ss_model_opts *mo, const ss_workload_opts *w,
                      ss_workload_result *res, ss_stats *st, int expect_ok)
{
    const ss_model *m = ss_model_find(name);
    assert_non_null(m);
    const char *path = tu_tmpfile(".sstrace");
    char err[512];
    ss_rec_opts ro = {0, 1};
    assert_int_equal(ss_rec_open(path, &ro, err, sizeof err), 0);
    ss_model_opts none = {0};
    int rc = ss_run_one(m, mo ? mo : &none, w, NULL, res, err, sizeof err);
    if (expect_ok && rc != 0)
        fail_msg("%s: %s", name, err);
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    if (st) {
        int lrc = ss_stats_load(path, st, err, sizeof err);
        if (lrc != 0)
            fail_msg("loading %s: %s", path, err);
    }
    return path;
}

typedef struct scan_ctx {
    int roles[65536];
    tu_event_fn fn;
    void *ud;
} scan_ctx;

static void on_thread(void *ud, const ss_thread_meta *t)
{
    scan_ctx *c = ud;
    if (t->idx < 65536)
        c->roles[t->idx] = t->role;
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    scan_ctx *c = ud;
    (void)run;
    c->fn(c->ud, thread < 65536 ? c->roles[thread] : SS_ROLE_SERVER, thread, ev);
}

void tu_scan(const char *path, tu_event_fn fn, void *ud)
{
    scan_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->fn = fn;
    c->ud = ud;
    ss_visitor v = {.ud = c, .thread = on_thread, .event = on_event};
    ss_scan_result res;
    char err[256];
    int rc = ss_trace_scan(path, 0, &v, &res, err, sizeof err);
    free(c);
    if (rc != 0)
        fail_msg("reading %s: %s", path, err);
}
