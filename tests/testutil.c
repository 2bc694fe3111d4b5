#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/recorder.h"
#include "sim/runner.h"

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
    char cerr[256];
    int crc = ss_rec_close(cerr, sizeof cerr); /* close first: a failure must not leave it open */
    if (expect_ok && rc != 0)
        fail_msg("%s: %s", name, err);
    if (crc != 0)
        fail_msg("closing %s: %s", path, cerr);
    if (st) {
        int lrc = ss_stats_load(path, st, err, sizeof err);
        if (lrc != 0)
            fail_msg("loading %s: %s", path, err);
    }
    return path;
}
