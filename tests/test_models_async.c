/* The completion-based models (overlapped with routines, overlapped-event,
 * iocp, io_uring): what their traces must show — every operation completed
 * exactly once, by the issuing thread (overlapped) or by one of several
 * workers (iocp), a second issuing thread past 63 sockets with events, and
 * SQPOLL cutting kernel entries. (The echo rules, each checked with every
 * operation completed once: the matrix, test_echo.c.) */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "opscan.h"
#include "sim/run/server.h"
#include "sim/trace/reader.h"
#include "testutil.h"

typedef struct variant {
    const char *model;
    int sqpoll;
} variant;

static const variant ov_events = {"overlapped-event", 0};
static const variant ov_routines = {"overlapped", 0};
static const variant iocp = {"iocp", 0};
static const variant uring = {"io_uring", 0};

static ss_model_opts opts_of(const variant *v)
{
    ss_model_opts mo = {.sqpoll = v->sqpoll};
    return mo;
}

static void record(const variant *v, const ss_model_opts *mo, const ss_workload_opts *w, ss_stats *st,
                   opscan *ops)
{
    ss_workload_result res;
    const char *path = tu_record(v->model, mo, w, &res, st, 1);
    assert_int_equal(res.requests_ok, (long)w->clients * w->messages);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(st->runs[0].server.dropped + st->runs[0].client.dropped, 0);
    if (ops)
        ops_scan(path, ops);
}

/* overlapped-event: one issuing thread waits on at most 64 events (63
 * sockets and its new-socket event), so 70 clients take a second one; every
 * operation still completes once. (The echo rules: the matrix, test_echo.c.) */
static void overlapped_event_second_issuer_past_63(void **state)
{
    (void)state;
    ss_model_opts mo = opts_of(&ov_events);
    ss_workload_opts w = tu_workload(70, 15, 1000);
    ss_stats st;
    opscan ops;
    record(&ov_events, &mo, &w, &st, &ops);
    ops_assert_each_once(&ops);
    int issuers = 0;
    for (int i = 0; i < OPS_MAX_THREADS; i++)
        issuers += strncmp(ops.names[i], "issuer ", 7) == 0;
    assert_int_equal(issuers, 2);
    ops_free(&ops);
    ss_stats_free(&st);
}

/* The textbook's step on a short send: send the rest from where it stopped,
 * then go back to receiving. */
static void echo_step_resumes_short_sends(void **state)
{
    (void)state;
    ss_server srv = {0};
    ss_echo e = {0};
    char *buf;
    unsigned len;
    assert_int_equal(ss_echo_step(&srv, -1, &e, SS_API_RECV, 300), SS_API_SEND);
    ss_echo_span(&e, SS_API_SEND, &buf, &len);
    assert_ptr_equal(buf, e.buf);
    assert_int_equal(len, 300);
    assert_int_equal(ss_echo_step(&srv, -1, &e, SS_API_SEND, 120), SS_API_SEND); /* short */
    ss_echo_span(&e, SS_API_SEND, &buf, &len);
    assert_ptr_equal(buf, e.buf + 120);
    assert_int_equal(len, 180);
    assert_int_equal(ss_echo_step(&srv, -1, &e, SS_API_SEND, 180), SS_API_RECV);
    ss_echo_span(&e, SS_API_RECV, &buf, &len);
    assert_ptr_equal(buf, e.buf);
    assert_int_equal(len, SS_BUFSIZE);
    assert_int_equal(ss_echo_step(&srv, -1, &e, SS_API_RECV, 0), 0);          /* EOF */
    assert_int_equal(ss_echo_step(&srv, -1, &e, SS_API_SEND, -ECONNRESET), 0); /* reset */
}

/* --- semantics from the trace ----------------------------------------------------- */
/* iocp: packets are completed operations, each posted once by the port
 * thread and dequeued once by a worker; more than one worker takes them. */
static void iocp_packets_once_by_workers(void **state)
{
    (void)state;
    ss_model_opts mo = {.workers = 4};
    ss_workload_opts w = tu_workload(8, 100, 512);
    ss_stats st;
    opscan ops;
    record(&iocp, &mo, &w, &st, &ops);
    ops_assert_each_once(&ops);
    int took[OPS_MAX_THREADS] = {0}, workers = 0;
    for (size_t id = 1; id < ops.cap; id++) {
        const opinfo *o = &ops.ops[id];
        if (!o->submits)
            continue;
        assert_int_equal(o->posts, 1);
        assert_true(strncmp(ops.names[o->comp_thread], "worker ", 7) == 0);
        workers += !took[o->comp_thread]++;
    }
    print_message("iocp: %llu packets taken by %d of 4 workers\n", (unsigned long long)ops.completions, workers);
    assert_true(workers >= 2);
    assert_int_equal(ops.zero_depth, 0);
    assert_int_equal(st.runs[0].server.completions, ops.completions);
    ops_free(&ops);
    ss_stats_free(&st);
}

/* overlapped: the thread that issued an operation handles its completion;
 * events show as signals, routines as routine runs. */
static void overlapped_issuer_completes(void **state)
{
    const variant *v = *state;
    ss_model_opts mo = opts_of(v);
    ss_workload_opts w = tu_workload(6, 50, 512);
    ss_stats st;
    opscan ops;
    record(v, &mo, &w, &st, &ops);
    ops_assert_each_once(&ops);
    uint64_t io_ops = 0;
    for (size_t id = 1; id < ops.cap; id++) {
        const opinfo *o = &ops.ops[id];
        if (!o->submits)
            continue;
        assert_int_equal(o->comp_thread, o->sub_thread);
        assert_true(strncmp(ops.names[o->sub_thread], "issuer ", 7) == 0);
        io_ops += o->api == SS_API_RECV || o->api == SS_API_SEND;
    }
    if (v == &ov_routines)
        assert_int_equal(ops.routines, io_ops);
    else
        assert_true(ops.signals >= io_ops); /* one per operation, plus the new-socket event */
    ops_free(&ops);
    ss_stats_free(&st);
}

static double transitions_per_request(const variant *v, const ss_model_opts *mo, const ss_workload_opts *w)
{
    ss_stats st;
    record(v, mo, w, &st, NULL);
    double r = ss_per_request(&st.runs[0], st.runs[0].server.transitions);
    ss_stats_free(&st);
    return r;
}

/* SQPOLL: submitting needs no kernel entry while the SQ thread is awake,
 * and the server spins briefly on the CQ before it sleeps in the kernel. */
static void sqpoll_fewer_transitions(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(2, 300, 512);
    ss_model_opts plain = {0}, sq = {.sqpoll = 1};
    double p = transitions_per_request(&uring, &plain, &w);
    double s = transitions_per_request(&uring, &sq, &w);
    double i = transitions_per_request(&iocp, &plain, &w);
    double oe = transitions_per_request(&ov_events, &plain, &w);
    double orr = transitions_per_request(&ov_routines, &plain, &w);
    print_message("transitions/request: io_uring %.3f, io_uring --sqpoll %.3f, iocp %.3f, "
                  "overlapped events %.3f, overlapped routines %.3f\n", p, s, i, oe, orr);
    assert_true(p > 0);
    assert_true(s < 0.5 * p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlapped_event_second_issuer_past_63),
        cmocka_unit_test(echo_step_resumes_short_sends),
        cmocka_unit_test(iocp_packets_once_by_workers),
        cmocka_unit_test_prestate(overlapped_issuer_completes, (void *)&ov_events),
        cmocka_unit_test_prestate(overlapped_issuer_completes, (void *)&ov_routines),
        cmocka_unit_test(sqpoll_fewer_transitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
