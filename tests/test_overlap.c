/* The CPU/I-O overlap figure of sockscope stats, on traces with made-up
 * times: which CPU work counts (request work on the model's threads, not UI
 * work), which operations count as I/O in flight (the model's own recv and
 * send, across threads; not an accept, not emulation), runs without CPU
 * work (no figure) and synchronous runs (0 %), and the bounded history. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/probe/probe.h"
#include "sim/report/stats.h"
#include "sim/trace/clock.h"
#include "sim/trace/recorder.h"
#include "testutil.h"

typedef struct clockw {
    uint64_t base;
    double tick;
} clockw;

static uint64_t at(const clockw *c, double us) { return c->base + (uint64_t)(us * 1000.0 / c->tick); }

static void note(const clockw *c, int api, uint32_t aux, int flags, uint64_t id, double t0, double t1)
{
    ss_note(api, 7, 512, 0, id, aux, flags, at(c, t0), at(c, t1));
}

static void sleep_until(const clockw *c, double us)
{
    struct timespec ts = {0, 200 * 1000};
    while (ss_ticks() < at(c, us))
        nanosleep(&ts, NULL);
}

typedef struct thread_arg {
    const clockw *c;
    int which, many;
} thread_arg;

/* Thread 0 submits and takes completions; thread 1 computes. */
static void *server_thread(void *p)
{
    const thread_arg *a = p;
    const clockw *c = a->c;
    ss_thread_begin(SS_ROLE_SERVER, a->which ? "worker" : "io");
    if (a->which == 0 && !a->many) {
        note(c, SS_API_OP_SUBMIT, SS_API_RECV, SS_EV_ASYNC, 1, 100, 100);
        note(c, SS_API_OP_COMPLETE, SS_API_RECV, SS_EV_ASYNC, 1, 300, 300);
        note(c, SS_API_OP_SUBMIT, SS_API_ACCEPT, SS_EV_ASYNC, 2, 400, 400);  /* not data I/O */
        note(c, SS_API_OP_SUBMIT, SS_API_RECV, SS_EV_ASYNC | SS_EV_EMUL, 3, 450, 450); /* emulation */
        note(c, SS_API_OP_COMPLETE, SS_API_ACCEPT, SS_EV_ASYNC, 2, 650, 650);
        note(c, SS_API_OP_SUBMIT, SS_API_SEND, SS_EV_ASYNC, 4, 700, 700);
        note(c, SS_API_OP_COMPLETE, SS_API_SEND, SS_EV_ASYNC, 4, 900, 900);
    } else if (a->which == 0) { /* 300 short operations, 300 short idle stretches */
        for (int i = 0; i < 300; i++) {
            note(c, SS_API_OP_SUBMIT, SS_API_RECV, SS_EV_ASYNC, 10 + (uint64_t)i, 1000 + 2 * i, 1000 + 2 * i);
            note(c, SS_API_OP_COMPLETE, SS_API_RECV, SS_EV_ASYNC, 10 + (uint64_t)i, 1001 + 2 * i, 1001 + 2 * i);
        }
    } else if (!a->many) {
        note(c, SS_API_CPU_WORK, SS_MSG_UI, 0, 0, 0, 1000); /* UI work: not the request's */
        note(c, SS_API_CPU_WORK, 0, 0, 0, 200, 400);        /* half of it with a recv in flight */
        note(c, SS_API_CPU_WORK, 0, 0, 0, 500, 600);        /* only an accept and emulation in flight */
        note(c, SS_API_CPU_WORK, 0, 0, 0, 750, 850);        /* all of it with a send in flight */
    } else {
        note(c, SS_API_CPU_WORK, 0, 0, 0, 1000, 1700);
    }
    ss_thread_end();
    return NULL;
}

static void run(const char *model, const clockw *base, int threads, int many)
{
    ss_run_info info = {model, "made-up times", NULL, 0};
    ss_run_begin(&info);
    clockw c = {ss_ticks(), base->tick};
    pthread_t th[2];
    thread_arg a[2] = {{&c, 0, many}, {&c, 1, many}};
    for (int i = 2 - threads; i < 2; i++)
        pthread_create(&th[i], NULL, server_thread, &a[i]);
    for (int i = 2 - threads; i < 2; i++)
        pthread_join(th[i], NULL);
    sleep_until(&c, 2000);
    ss_run_end();
}

static void no_cpu_work_run(void)
{
    ss_run_info info = {"no-work", "made-up times", NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "io");
    uint64_t t = ss_ticks();
    ss_note(SS_API_OP_SUBMIT, 7, 512, 0, 1, SS_API_RECV, SS_EV_ASYNC, t, t);
    ss_thread_end();
    ss_run_end();
}

static void overlap_of_made_up_runs(void **state)
{
    (void)state;
    ss_clock_init();
    const char *path = tu_tmpfile(".sstrace");
    char err[256];
    ss_rec_opts ro = {0, 0, 0};
    assert_int_equal(ss_rec_open(path, &ro, err, sizeof err), 0);
    clockw c = {0, ss_clock_ns_per_tick()};
    run("async", &c, 2, 0);    /* both threads */
    run("sync", &c, 1, 0);     /* the computing thread only: no I/O of its own */
    no_cpu_work_run();
    run("many-gaps", &c, 2, 1);
    assert_int_equal(ss_rec_close(err, sizeof err), 0);

    ss_stats st;
    if (ss_stats_load(path, &st, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(st.nruns, 4);
    const ss_run_stats *a = &st.runs[0], *s = &st.runs[1], *n = &st.runs[2], *g = &st.runs[3];
    /* 400 µs of request work, 100 + 0 + 100 of it with a recv or send in flight */
    print_message("async: work %.1f µs, overlap %.1f µs (%.1f %%)\n", a->overlap_work_ns / 1e3, a->overlap_ns / 1e3,
                  ss_run_overlap_pct(a));
    assert_true(a->overlap_work_ns > 399000 && a->overlap_work_ns < 401000);
    assert_true(a->overlap_ns > 199000 && a->overlap_ns < 201000);
    assert_true(ss_run_overlap_pct(a) > 49.5 && ss_run_overlap_pct(a) < 50.5);
    assert_int_equal(a->overlap_unsure_ns, 0);
    assert_true(ss_run_overlap_pct(s) == 0 && s->overlap_work_ns > 0); /* synchronous: 0 % */
    assert_true(ss_run_overlap_pct(n) < 0);                             /* no CPU work: no figure */
    /* 300 idle stretches in one piece of work: the oldest are beyond the kept
     * history, and the figure says how much work that touches */
    print_message("many gaps: overlap %.1f %%, unsure %.1f µs\n", ss_run_overlap_pct(g), g->overlap_unsure_ns / 1e3);
    assert_true(g->overlap_unsure_ns > 0);
    assert_true(ss_run_overlap_pct(g) > 40 && ss_run_overlap_pct(g) < 100);

    /* text, table and JSON show it where there was CPU work only */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ss_stats_print(f, &st);
    ss_stats_print_table(f, &st);
    ss_stats_print_json(f, &st);
    fclose(f);
    assert_non_null(strstr(buf, "CPU/I-O overlap: 50.0 %"));
    assert_non_null(strstr(buf, "CPU/I-O overlap: 0.0 % of the model's 0.40 ms of request CPU work ran while one of its "
                                "own asynchronous recv/send operations was in flight (it has none: synchronous I/O)"));
    assert_non_null(strstr(buf, "began before the history kept"));
    assert_non_null(strstr(buf, "overlap%"));
    assert_non_null(strstr(buf, "\"overlap_pct\":50.00"));
    int in_json = 0;
    for (const char *p = buf; (p = strstr(p, "\"overlap_pct\"")); p++)
        in_json++;
    assert_int_equal(in_json, 3); /* not for the run without CPU work */
    free(buf);
    ss_stats_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlap_of_made_up_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
