/* "Did the blocking call really wait?" — the method (a voluntary context
 * switch of the calling thread during the call, from getrusage) against
 * known cases: data that arrives 50 ms later, and data already queued. */
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sim/probe.h"
#include "sim/recorder.h"
#include "sim/runner.h"
#include "testutil.h"

static int pair[2];

static void tcp_pair(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a, &len);
    pair[0] = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(pair[0], (struct sockaddr *)&a, sizeof a), 0);
    pair[1] = accept(l, NULL, NULL);
    close(l);
}

static void *late_sender(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    send(pair[1], "x", 1, 0);
    return NULL;
}

typedef struct seen {
    ss_event ev[8];
    int n;
} seen;

static void keep(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    (void)thread;
    seen *s = ud;
    if (ev->api == SS_API_RECV && s->n < 8)
        s->ev[s->n++] = *ev;
}

static void waits_are_measured(void **state)
{
    (void)state;
    tcp_pair();
    const char *path = tu_tmpfile(".sstrace");
    char err[256], b;
    assert_int_equal(ss_rec_open(path, NULL, err, sizeof err), 0);
    ss_run_info info = {"waits", "test", NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "t");
    /* 1: data arrives 50 ms after the call starts */
    pthread_t t;
    pthread_create(&t, NULL, late_sender, NULL);
    assert_int_equal(ss_recv(pair[0], &b, 1, 0), 1);
    pthread_join(t, NULL);
    /* 2: data already queued */
    send(pair[1], "y", 1, 0);
    usleep(20 * 1000);
    assert_int_equal(ss_recv(pair[0], &b, 1, 0), 1);
    /* 3: a non-blocking socket with nothing queued cannot block at all */
    ss_set_nonblocking(pair[0], 1);
    assert_int_equal(ss_recv(pair[0], &b, 1, 0), -1);
    ss_run_end();
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    seen s = {.n = 0};
    ss_visitor v = {.ud = &s, .event = keep};
    ss_scan_result res;
    assert_int_equal(ss_trace_scan(path, 0, &v, &res, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    uint64_t d0 = s.ev[0].t1 - s.ev[0].t0, d1 = s.ev[1].t1 - s.ev[1].t0;
    print_message("late data: held %.2f ms, waited=%d; queued data: held %.1f us, waited=%d\n", d0 / 1e6,
                  !!(s.ev[0].flags & SS_EV_WAITED), d1 / 1e3, !!(s.ev[1].flags & SS_EV_WAITED));
    assert_true(s.ev[0].flags & SS_EV_MAYBLOCK);
    assert_true(s.ev[0].flags & SS_EV_WAITED);
    assert_true(d0 >= 45 * 1000 * 1000ull); /* the sender slept 50 ms first: physically at least that */
    assert_true(s.ev[1].flags & SS_EV_MAYBLOCK);
    assert_false(s.ev[1].flags & SS_EV_WAITED);
    assert_false(s.ev[2].flags & SS_EV_MAYBLOCK);
    assert_int_equal(s.ev[2].err, SS_E_WOULDBLOCK);
    close(pair[0]);
    close(pair[1]);
}

typedef struct verdicts {
    uint64_t may_block, waited, missed;
} verdicts;

static void tally(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    (void)thread;
    verdicts *v = ud;
    v->may_block += !!(ev->flags & SS_EV_MAYBLOCK);
    v->waited += !!(ev->flags & SS_EV_WAITED);
    v->missed += !!(ev->flags & SS_EV_WAIT_MISSED);
}

/* The lazy rule (skip getrusage around calls and gaps shorter than the wait
 * floor) against readings taken around every call, on real workloads with
 * think time (unprobed sleeps between calls) and without. */
static void lazy_rule_agrees_with_exact_readings(void **state)
{
    (void)state;
    const char *models[] = {"blocking-threads", "select", "epoll"};
    for (int i = 0; i < 3; i++) {
        for (int think = 0; think <= 1; think++) {
            const char *path = tu_tmpfile(".sstrace");
            char err[256];
            ss_rec_opts ro = {0, 2};
            assert_int_equal(ss_rec_open(path, &ro, err, sizeof err), 0);
            ss_workload_opts w = tu_workload(8, think ? 20 : 150, 512);
            w.think_ms = think ? 1 : 0;
            ss_model_opts mo = {0};
            ss_workload_result res;
            assert_int_equal(ss_run_one(ss_model_find(models[i]), &mo, &w, NULL, &res, err, sizeof err), 0);
            assert_int_equal(ss_rec_close(err, sizeof err), 0);
            verdicts v = {0};
            ss_visitor vis = {.ud = &v, .event = tally};
            ss_scan_result sr;
            assert_int_equal(ss_trace_scan(path, 0, &vis, &sr, err, sizeof err), 0);
            print_message("%s think=%d: %llu blocking calls, %llu waited, %llu lazy misses\n", models[i], think,
                          (unsigned long long)v.may_block, (unsigned long long)v.waited,
                          (unsigned long long)v.missed);
            assert_true(v.may_block > 100);
            assert_true(v.waited > 0);
            assert_int_equal(v.missed, 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waits_are_measured),
        cmocka_unit_test(lazy_rule_agrees_with_exact_readings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
