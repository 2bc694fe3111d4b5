/* The clients' connect patterns, the event-driven client mode, idle and
 * held-open connections, and the descriptor budget, checked in the trace;
 * the listening socket's options as its accepted sockets see them. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/base/util.h"
#include "sim/load/net.h"
#include "sim/run/runner.h"
#include "testutil.h"

#define MAX_T 64

typedef struct seen {
    long accepted, server_closes, requests;
    uint64_t first_connect[MAX_T]; /* per client thread: t0 of its first connect */
    uint64_t last_connect_end, first_request_start, last_request_end, first_server_close;
} seen;

static void watch(void *ud, int role, uint32_t thread, const ss_event *ev)
{
    seen *s = ud;
    if (role == SS_ROLE_SERVER && ev->api == SS_API_ACCEPT && ev->ret >= 0)
        s->accepted++;
    if (role == SS_ROLE_SERVER && ev->api == SS_API_CLOSE && (!s->first_server_close || ev->t0 < s->first_server_close))
        s->first_server_close = ev->t0;
    if (role != SS_ROLE_CLIENT)
        return;
    if (ev->api == SS_API_CONNECT) {
        if (thread < MAX_T && !s->first_connect[thread])
            s->first_connect[thread] = ev->t0;
        if (ev->t1 > s->last_connect_end)
            s->last_connect_end = ev->t1;
    }
    if (ev->api == SS_API_REQUEST) {
        s->requests++;
        if (!s->first_request_start || ev->t0 < s->first_request_start)
            s->first_request_start = ev->t0;
        if (ev->t1 > s->last_request_end)
            s->last_request_end = ev->t1;
    }
}

static void record(const char *model, const ss_workload_opts *w, ss_workload_result *res, ss_stats *st, seen *s)
{
    const char *path = tu_record(model, NULL, w, res, st, 1);
    memset(s, 0, sizeof *s);
    tu_scan(path, watch, s);
}

static void churn_opens_a_connection_per_n_messages(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(4, 6, 256);
    w.connect = SS_CONNECT_CHURN;
    w.churn_messages = 2;
    ss_workload_result res;
    ss_stats st;
    seen s;
    record("epoll", &w, &res, &st, &s);
    assert_int_equal(res.requests_ok, 24);
    assert_int_equal(res.connections, 12);
    assert_int_equal(s.accepted, 12);
    ss_stats_free(&st);
}

static void stagger_spaces_the_connects(void **state)
{
    (void)state;
    /* a busy machine can only stretch the gaps: "not shorter" holds on every
     * run, "not much longer" gets up to three runs */
    double ratio = 0;
    for (int attempt = 1; attempt <= 3 && !(ratio > 0.9 && ratio < 1.6); attempt++) {
        ss_workload_opts w = tu_workload(5, 1, 64);
        w.connect = SS_CONNECT_STAGGER;
        w.stagger_ms = 30;
        ss_workload_result res;
        ss_stats st;
        seen s;
        record("blocking-threads", &w, &res, &st, &s);
        uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < MAX_T; i++) {
            if (!s.first_connect[i])
                continue;
            lo = s.first_connect[i] < lo ? s.first_connect[i] : lo;
            hi = s.first_connect[i] > hi ? s.first_connect[i] : hi;
        }
        ratio = (double)(hi - lo) / (4 * 30e6); /* asked: 4 gaps of 30 ms */
        print_message("stagger: first-to-last connect / asked = %.3f (attempt %d)\n", ratio, attempt);
        assert_true(ratio > 0.9);
        ss_stats_free(&st);
    }
    assert_true(ratio < 1.6);
}

static void connect_all_connects_everyone_before_the_first_message(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(8, 5, 512);
    ss_workload_result res;
    ss_stats st;
    seen s;
    record("select", &w, &res, &st, &s);
    assert_int_equal(res.requests_ok, 40);
    assert_true(s.last_connect_end <= s.first_request_start);
    ss_stats_free(&st);
}

static void many_clients_use_a_few_event_driven_threads(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(300, 3, 512);
    w.special.slow = 1;
    w.special.slow_chunk = 128;
    w.special.halfclose = 1;
    ss_workload_result res;
    ss_stats st;
    seen s;
    assert_true(ss_workload_uses_events(&w));
    record("epoll", &w, &res, &st, &s);
    assert_int_equal(res.requests_ok, 900);
    assert_int_equal(s.requests, 900);
    assert_int_equal(s.accepted, 300);
    assert_int_equal(st.runs[0].client.threads, 4); /* 2 event-driven + the 2 special clients */
    ss_stats_free(&st);
}

static void idle_connections_stay_until_the_end(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(10, 20, 512);
    w.idle = 300;
    ss_workload_result res;
    ss_stats st;
    seen s;
    record("epoll", &w, &res, &st, &s);
    assert_int_equal(res.requests_ok, 200);
    assert_int_equal(res.connections, 310);
    assert_int_equal(s.accepted, 310);
    ss_stats_free(&st);
}

static void hold_open_keeps_every_connection_to_the_last_reply(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(40, 10, 512);
    w.mode = SS_CLIENTS_EVENTS;
    w.hold_open = 1;
    ss_workload_result res;
    ss_stats st;
    seen s;
    record("epoll", &w, &res, &st, &s);
    assert_int_equal(res.requests_ok, 400);
    assert_true(s.first_server_close > s.last_request_end);
    ss_stats_free(&st);
}

/* every request's (client, message, size), from REQUEST events, in a table */
typedef struct sizes_seen {
    int size[8][20];
} sizes_seen;

static void note_size(void *ud, int role, uint32_t thread, const ss_event *ev)
{
    sizes_seen *s = ud;
    (void)thread;
    uint64_t client = ev->id >> 32, msg = (uint32_t)ev->id;
    if (role == SS_ROLE_CLIENT && ev->api == SS_API_REQUEST && client < 8 && msg < 20)
        s->size[client][msg] = (int)ev->arg;
}

static void the_same_seed_repeats_the_workload(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(8, 20, 512);
    w.sizes = (ss_size_spec){.min = 1, .max = 512}; /* larger echoes meet Nagle + delayed ACK (docs) */
    ss_workload_result res;
    sizes_seen a = {0}, b = {0}, c = {0};
    w.seed = 99;
    tu_scan(tu_record("epoll", NULL, &w, &res, NULL, 1), note_size, &a);
    tu_scan(tu_record("select", NULL, &w, &res, NULL, 1), note_size, &b);
    w.seed = 100;
    tu_scan(tu_record("epoll", NULL, &w, &res, NULL, 1), note_size, &c);
    assert_memory_equal(&a, &b, sizeof a); /* another model, the same bytes */
    assert_memory_not_equal(&a, &c, sizeof a);
    for (int i = 0; i < 8; i++)
        for (int m = 0; m < 20; m++)
            assert_true(a.size[i][m] >= 1 && a.size[i][m] <= 512);
}

static void descriptor_budget_is_checked_and_explained(void **state)
{
    (void)state;
    long limit = 0;
    char err[512];
    assert_int_equal(ss_nofile_ensure(16, &limit, err, sizeof err), 0);
    assert_true(limit >= 16 || limit == -1);
    if (limit == -1)
        skip(); /* unlimited descriptors: nothing to refuse */
    assert_int_equal(ss_nofile_ensure(1L << 30, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "open descriptors"));
    assert_non_null(strstr(err, "sockscope-scale-bench"));
    /* the runner refuses up front instead of failing half-way */
    ss_workload_opts w = tu_workload(100000, 1, 64);
    w.idle = 100000;
    ss_workload_result res;
    const ss_model *m = ss_model_find("epoll");
    ss_model_opts mo = {0};
    assert_int_equal(ss_run_one(m, &mo, &w, NULL, &res, err, sizeof err), SS_EXIT_ENV);
    assert_non_null(strstr(err, "open descriptors"));
}

/* What the listener gets (net.h), each accepted socket has: the server
 * sets TCP_NODELAY and the buffer sizes once, on the listener. */
static int accepted_option(const ss_listen_opts *o, int level, int name)
{
    char err[256];
    int port = 0, lfd = ss_listen_on("127.0.0.1", 0, o, &port, err, sizeof err);
    assert_true(lfd >= 0);
    int cfd = tu_connect(port), afd = accept(lfd, NULL, NULL);
    assert_true(cfd >= 0 && afd >= 0);
    int v = -1;
    socklen_t len = sizeof v;
    assert_int_equal(getsockopt(afd, level, name, &v, &len), 0);
    close(afd);
    close(cfd);
    close(lfd);
    return v;
}

static void listener_options_reach_accepted_sockets(void **state)
{
    (void)state;
    assert_int_equal(accepted_option(&(ss_listen_opts){.backlog = 8}, IPPROTO_TCP, TCP_NODELAY), 0);
    assert_int_not_equal(accepted_option(&(ss_listen_opts){.backlog = 8, .nodelay = 1}, IPPROTO_TCP, TCP_NODELAY), 0);
    int small = accepted_option(&(ss_listen_opts){.backlog = 8, .rcvbuf = 8192}, SOL_SOCKET, SO_RCVBUF);
    int dflt = accepted_option(&(ss_listen_opts){.backlog = 8}, SOL_SOCKET, SO_RCVBUF);
    assert_true(small > 0 && small < dflt); /* Linux doubles what it is given, still below its default */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(churn_opens_a_connection_per_n_messages),
        cmocka_unit_test(stagger_spaces_the_connects),
        cmocka_unit_test(connect_all_connects_everyone_before_the_first_message),
        cmocka_unit_test(many_clients_use_a_few_event_driven_threads),
        cmocka_unit_test(idle_connections_stay_until_the_end),
        cmocka_unit_test(hold_open_keeps_every_connection_to_the_last_reply),
        cmocka_unit_test(the_same_seed_repeats_the_workload),
        cmocka_unit_test(descriptor_budget_is_checked_and_explained),
        cmocka_unit_test(listener_options_reach_accepted_sockets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
