/* "Did the blocking call really wait?" — the method (a voluntary context
 * switch of the calling thread during the call, from getrusage) against
 * known cases: data that arrives 50 ms later, and data already queued. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sim/probe/probe.h"
#include "sim/run/runner.h"
#include "sim/trace/recorder.h"
#include "sim/trace/switchcount.h"
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
            ss_rec_opts ro = {0, 2, 0};
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

/* The BPF switch counter (where the process may load BPF) counts what
 * getrusage's ru_nvcsw counts: voluntary switches of this thread — sleeps,
 * waits on a pipe — and not preemption by a busy sibling. */
typedef struct spinner {
    _Atomic int stop;
} spinner;

static void *spin(void *arg)
{
    spinner *s = arg;
    while (!atomic_load(&s->stop))
        ;
    return NULL;
}

static void switch_counter_agrees_with_getrusage(void **state)
{
    (void)state;
    if (!ss_sw_attach()) {
        print_message("switch counter: BPF not allowed here (not root?): getrusage is the only source\n");
        skip();
    }
    assert_string_equal(ss_sw_source(), "bpf sched_switch");
    long b0 = ss_sw_read(), r0 = ss_sw_read_rusage();
    for (int i = 0; i < 50; i++) { /* voluntary: sleeps */
        struct timespec t = {0, 200 * 1000};
        nanosleep(&t, NULL);
    }
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    spinner sp = {0};
    pthread_t th[64];
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nspin = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_THREAD, &ru0);
    for (int i = 0; i < nspin; i++) /* a busy thread per core, and us: we get preempted */
        assert_int_equal(pthread_create(&th[i], NULL, spin, &sp), 0);
    for (volatile long i = 0; i < 100 * 1000 * 1000; i++)
        ;
    atomic_store(&sp.stop, 1);
    for (int i = 0; i < nspin; i++)
        pthread_join(th[i], NULL);
    getrusage(RUSAGE_THREAD, &ru1);
    char c = 1;
    assert_int_equal(write(fds[1], &c, 1), 1);
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    close(fds[1]);
    long b = ss_sw_read() - b0, r = ss_sw_read_rusage() - r0;
    long preempted = ru1.ru_nivcsw - ru0.ru_nivcsw;
    print_message("switch counter: bpf %ld, getrusage %ld voluntary switches (%ld preemptions not counted)\n", b, r,
                  preempted);
    assert_true(r >= 50);
    assert_true(preempted > 0);
    assert_int_equal(b, r);
    ss_sw_detach();
    assert_string_equal(ss_sw_source(), "getrusage");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waits_are_measured),
        cmocka_unit_test(lazy_rule_agrees_with_exact_readings),
        cmocka_unit_test(switch_counter_agrees_with_getrusage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
