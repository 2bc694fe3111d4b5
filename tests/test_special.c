/* Each special client leaves its mark in the trace, and byte-exact
 * verification stays honest: expected resets and refusals are counted apart
 * from failures; a non-reading client's requests finish once it reads. */
#include <string.h>

#include "testutil.h"

typedef struct marks {
    long small_recvs;          /* server recv returning 1..chunk bytes */
    long server_waited_sends, server_wouldblock_sends, server_resets, server_eofs;
    long client_shutdowns, refused_notes;
    uint64_t longest_waited_send_ns;
    int chunk;
    /* latency of the ordinary (not slow) clients, for the iterative test */
    uint64_t others[1024];
    int nothers;
} marks;

static void mark(void *ud, int role, uint32_t thread, const ss_event *ev)
{
    marks *m = ud;
    (void)thread;
    if (role == SS_ROLE_CLIENT) {
        m->client_shutdowns += ev->api == SS_API_SHUTDOWN;
        if (ev->api == SS_API_REQUEST && !(ev->flags & SS_EV_FAILED) && (ev->id >> 32) != 0 && m->nothers < 1024)
            m->others[m->nothers++] = ev->t1 - ev->t0;
        return;
    }
    if (role != SS_ROLE_SERVER)
        return;
    m->refused_notes += ev->api == SS_API_REFUSED;
    if (ev->api == SS_API_RECV) {
        m->small_recvs += ev->ret > 0 && ev->ret <= m->chunk;
        m->server_eofs += ev->ret == 0;
    }
    if (ev->err == SS_E_CONNRESET || ev->err == SS_E_PIPE)
        m->server_resets++;
    if (ev->api == SS_API_SEND && ev->err == SS_E_WOULDBLOCK)
        m->server_wouldblock_sends++;
    if (ev->api == SS_API_SEND && (ev->flags & SS_EV_WAITED)) {
        m->server_waited_sends++;
        if (ev->t1 - ev->t0 > m->longest_waited_send_ns)
            m->longest_waited_send_ns = ev->t1 - ev->t0;
    }
}

static const char *run(const char *model, const ss_model_opts *mo, const ss_workload_opts *w,
                       ss_workload_result *res, marks *m, int expect_ok)
{
    int chunk = m->chunk;
    memset(m, 0, sizeof *m);
    m->chunk = chunk;
    const char *path = tu_record(model, mo, w, res, NULL, expect_ok);
    tu_scan(path, mark, m);
    return path;
}

static ss_workload_opts slow_workload(int clients, int messages, int chunk, double delay_ms)
{
    ss_workload_opts w = tu_workload(clients, messages, 512);
    w.special.slow = 1;
    w.special.slow_chunk = chunk;
    w.special.slow_delay_ms = delay_ms;
    return w;
}

static void slow_client_trickles_into_the_servers_recvs(void **state)
{
    (void)state;
    ss_workload_opts w = slow_workload(3, 5, 32, 2);
    ss_workload_result res;
    marks m = {.chunk = 32};
    run("blocking-threads", NULL, &w, &res, &m, 1);
    assert_int_equal(res.requests_ok, 15);
    long trickles = 5 * 512 / 32;
    print_message("slow client: %ld small server recvs for %ld trickles\n", m.small_recvs, trickles);
    assert_true(m.small_recvs >= trickles / 2);
}

/* the mean, not the median: behind an iterative server each other client
 * waits once, on its first request, for the whole slow session */
static double mean(const uint64_t *v, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += (double)v[i];
    return n ? sum / n : 0;
}

static void slow_client_makes_the_iterative_servers_clients_wait(void **state)
{
    (void)state;
    if (!ss_model_find("blocking-iterative")) {
        print_message("skipped: blocking-iterative is not in this build yet\n");
        skip();
    }
    ss_workload_opts w = slow_workload(4, 5, 32, 3);
    w.connect = SS_CONNECT_STAGGER; /* the slow client (client 0) connects first */
    w.stagger_ms = 20;
    ss_workload_result res;
    marks it = {.chunk = 32}, th = {.chunk = 32};
    run("blocking-iterative", NULL, &w, &res, &it, 1);
    run("blocking-threads", NULL, &w, &res, &th, 1);
    double ratio = mean(it.others, it.nothers) / mean(th.others, th.nothers);
    print_message("other clients' mean latency, iterative / threads = %.1f\n", ratio);
    assert_true(ratio > 5);
}

static ss_workload_opts nonreading_workload(ss_model_opts *mo)
{
    ss_workload_opts w = tu_workload(3, 100, 512);
    w.special.nonreading = 1;
    w.special.hold_ms = 300;
    w.special.nonreading_rcvbuf = 4096;
    *mo = (ss_model_opts){.sndbuf = 4096};
    return w;
}

static void nonreading_client_blocks_the_servers_send(void **state)
{
    (void)state;
    ss_model_opts mo;
    ss_workload_opts w = nonreading_workload(&mo);
    ss_workload_result res;
    marks m = {0};
    run("blocking-threads", &mo, &w, &res, &m, 1);
    assert_int_equal(res.requests_ok, 300); /* its requests finish once it reads */
    double ratio = (double)m.longest_waited_send_ns / (w.special.hold_ms * 1e6);
    print_message("longest blocked server send / hold time = %.2f (%ld sends waited)\n", ratio, m.server_waited_sends);
    assert_true(ratio > 0.5 && ratio < 2);
}

static void nonreading_client_makes_the_servers_sends_would_block(void **state)
{
    (void)state;
    ss_model_opts mo;
    ss_workload_opts w = nonreading_workload(&mo);
    ss_workload_result res;
    marks m = {0};
    run("epoll", &mo, &w, &res, &m, 1);
    assert_int_equal(res.requests_ok, 300);
    print_message("epoll: %ld server sends would block\n", m.server_wouldblock_sends);
    assert_true(m.server_wouldblock_sends >= 1);
}

static void reset_client_is_expected_not_failed(void **state)
{
    (void)state;
    static const char *const models[] = {"blocking-threads", "select", "epoll"};
    for (int i = 0; i < 3; i++) {
        ss_workload_opts w = tu_workload(3, 10, 512);
        w.special.reset = 1;
        w.special.reset_after = 4;
        ss_workload_result res;
        marks m = {0};
        run(models[i], NULL, &w, &res, &m, 1);
        assert_int_equal(res.expected_resets, 1);
        assert_int_equal(res.requests_failed, 0);
        assert_int_equal(res.requests_ok, 24);
        assert_int_equal(res.skipped, 6);
        print_message("%s: %ld server calls saw the reset\n", models[i], m.server_resets);
        assert_true(m.server_resets >= 1);
    }
}

static void halfclose_client_gets_every_byte_then_the_close(void **state)
{
    (void)state;
    static const char *const models[] = {"blocking-threads", "select", "epoll"};
    for (int i = 0; i < 3; i++) {
        ss_workload_opts w = tu_workload(3, 10, 512);
        w.special.halfclose = 1;
        ss_workload_result res;
        marks m = {0};
        run(models[i], NULL, &w, &res, &m, 1);
        assert_int_equal(res.requests_ok, 30);
        assert_int_equal(m.client_shutdowns, 1);
        assert_true(m.server_eofs >= 1);
    }
}

static void refused_clients_are_counted_apart(void **state)
{
    (void)state;
    ss_model_opts mo = {.fd_setsize = 8};
    ss_workload_opts w = tu_workload(12, 5, 256);
    w.expect_refusals = 1;
    ss_workload_result res;
    marks m = {0};
    run("select", &mo, &w, &res, &m, 1);
    assert_int_equal(res.requests_failed, 0);
    assert_true(res.refused >= 1);
    assert_int_equal(res.refused, m.refused_notes);
    assert_int_equal(res.requests_ok + res.skipped, 60);
    /* without the expectation, the same refusals are failures */
    w.expect_refusals = 0;
    run("select", &mo, &w, &res, &m, 0);
    assert_true(res.requests_failed > 0);
    assert_int_equal(res.refused, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slow_client_trickles_into_the_servers_recvs),
        cmocka_unit_test(slow_client_makes_the_iterative_servers_clients_wait),
        cmocka_unit_test(nonreading_client_blocks_the_servers_send),
        cmocka_unit_test(nonreading_client_makes_the_servers_sends_would_block),
        cmocka_unit_test(reset_client_is_expected_not_failed),
        cmocka_unit_test(halfclose_client_gets_every_byte_then_the_close),
        cmocka_unit_test(refused_clients_are_counted_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
