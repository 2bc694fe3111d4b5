/* event-select: WSAEventSelect on Linux (models/event_select.c) — the
 * re-enabling rule, event objects that are set once and reset by
 * WSAEnumNetworkEvents, and a second waiting thread past 64 event objects.
 * (The echo rules: the matrix, test_echo.c.) */
#include <string.h>

#include "echocheck.h"
#include "sim/probe/probe.h"

static void es_reenabling_rule(void **state)
{
    (void)state;
    ec_reenabling_rule("event-select", SS_API_EVENT_SIGNAL); /* the notifier signals event objects */
}

/* A manual-reset event: set (a real eventfd write by the notifier, which
 * plays Winsock's kernel side) only when not set, reset only by
 * WSAEnumNetworkEvents, which never finds it unset. Every event object is
 * created and closed by the program (WSACreateEvent / WSACloseEvent). */
static void es_event_objects_set_and_reset(void **state)
{
    (void)state;
    const char *path = ec_many_clients("event-select", NULL, 8, 10, 512);
    tu_trace t;
    tu_trace_load(path, &t);
    static unsigned char set[65536];
    memset(set, 0, sizeof set);
    long writes = 0, enums = 0, creates = 0, closes = 0;
    for (size_t i = 0; i < t.n; i++) {
        const ss_event *ev = &t.ev[i].ev;
        int role = tu_thread_of(&t, &t.ev[i])->role;
        if (role == SS_ROLE_SERVER && (ev->flags & SS_EV_STANDIN)) { /* the program's calls */
            creates += ev->api == SS_API_WSA_CREATE_EVENT && ev->ret >= 0;
            closes += ev->api == SS_API_WSA_CLOSE_EVENT && ev->ret == 0;
        }
        if (ev->sock < 0 || ev->sock >= 65536 || (role != SS_ROLE_SERVER && role != SS_ROLE_EMUL))
            continue;
        if (ev->api == SS_API_EVENT_SIGNAL && role == SS_ROLE_EMUL && (ev->flags & SS_EV_KERNEL)) {
            assert_int_equal(set[ev->sock], 0);
            set[ev->sock] = 1;
            writes++;
        } else if (ev->api == SS_API_EVENT_SIGNAL && role == SS_ROLE_EMUL) {
            assert_int_equal(set[ev->sock], 1); /* recorded only: the object was already set */
        } else if (ev->api == SS_API_WSA_ENUM_EVENTS && (ev->flags & SS_EV_STANDIN)) {
            assert_int_equal(set[ev->sock], 1);
            set[ev->sock] = 0;
            enums++;
        } else if (ev->api == SS_API_ACCEPT && ev->ret >= 0 && ev->ret < 65536) {
            set[ev->ret] = 0;
        }
    }
    assert_true(writes > 0);
    assert_true(enums > 0);
    /* one event object per client socket, one for the listener, one for
     * the waiting thread's control event */
    assert_int_equal(creates, 8 + 1 + 1);
    assert_int_equal(closes, creates);
    tu_trace_free(&t);
}

/* 100 clients held at once: 101 sockets need two waiting threads
 * (63 event objects each, besides the control event). */
static void es_more_than_64_sockets(void **state)
{
    (void)state;
    enum { N = 100 };
    tu_server srv;
    tu_server_start(&srv, "event-select", NULL);
    int fds[N];
    for (int i = 0; i < N; i++)
        fds[i] = tu_connect(srv.port);
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < N; i++)
            tu_echo_round(fds[i], i, m, 300);
    for (int i = 0; i < N; i++)
        ss_close(fds[i]);
    ss_stats st;
    tu_server_stop(&srv, &st);
    tu_trace t;
    tu_trace_load(srv.path, &t);
    int waiters = tu_threads_calling(&t, SS_ROLE_SERVER, SS_API_WSA_WAIT);
    print_message("event-select: %d waiting threads for %d clients, %llu model threads, %llu emulation\n",
                  waiters, N, (unsigned long long)st.runs[0].server.threads,
                  (unsigned long long)st.runs[0].emul.threads);
    assert_int_equal(waiters, 2);
    assert_int_equal(st.runs[0].server.threads, 2); /* the two waiters */
    assert_int_equal(st.runs[0].emul.threads, 1);   /* the notifier */
    assert_int_equal(st.runs[0].refused, 0);
    tu_trace_free(&t);
    ss_stats_free(&st);
}

/* The same with the built-in clients, which overlap thanks to think time. */
static void es_100_builtin_clients(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(100, 3, 512);
    w.think_ms = 20;
    ss_workload_result res;
    ss_stats st;
    tu_record("event-select", NULL, &w, &res, &st, 1);
    assert_int_equal(res.requests_ok, 300);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(st.runs[0].server.bytes_out, 300 * 512);
    ss_stats_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(es_reenabling_rule),
        cmocka_unit_test(es_event_objects_set_and_reset),
        cmocka_unit_test(es_more_than_64_sockets),
        cmocka_unit_test(es_100_builtin_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
