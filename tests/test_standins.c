/* Honest stand-ins: on a real run of each Windows model on Linux, every
 * recorded call has its role (docs/architecture.md). The model's threads make the
 * Windows calls, named as Windows names them, and no Linux machinery;
 * the machinery is emulation, on emulation threads or flagged; the counts
 * of Windows calls are those the Windows program makes; and the lecture
 * captions at 40 moments of the run explain the model, never the
 * machinery. */
#include <stdlib.h>
#include <string.h>

#include "render/caption.h"
#include "render/session.h"
#include "testutil.h"

typedef struct standin_case {
    const char *model;
    ss_model_opts mo;
    int windows_calls[8]; /* the stand-in's Windows calls that must be recorded (0-terminated) */
    int emul_threads;     /* threads that exist only for the stand-in */
} standin_case;

/* clang-format off */
static const standin_case CASES[] = {
    {"iocp", {0}, {SS_API_IOCP_CREATE, SS_API_IOCP_GET, SS_API_IOCP_POST, SS_API_OP_SUBMIT}, 1},
    {"event-select", {0},
     {SS_API_WSA_CREATE_EVENT, SS_API_WSA_EVENT_SELECT, SS_API_WSA_WAIT, SS_API_WSA_ENUM_EVENTS,
      SS_API_WSA_CLOSE_EVENT}, 1},
    {"async-select", {0}, {SS_API_WSA_ASYNC_SELECT, SS_API_GET_MESSAGE}, 1},
    {"overlapped-event", {0},
     {SS_API_WSA_WAIT, SS_API_WSA_RESET_EVENT, SS_API_WSA_GET_OVERLAPPED, SS_API_OP_SUBMIT, SS_API_EVENT_SIGNAL}, 0},
    {"overlapped", {0}, {SS_API_SLEEP_EX, SS_API_OP_SUBMIT}, 0},
};
/* clang-format on */

/* Linux calls that only a stand-in's machinery makes: never the model's. */
static int linux_machinery(int api)
{
    switch (api) {
    case SS_API_FUTEX_WAIT: case SS_API_FUTEX_WAKE: case SS_API_EPOLL_CREATE: case SS_API_EPOLL_CTL:
    case SS_API_EPOLL_WAIT: case SS_API_URING_ENTER: case SS_API_URING_SETUP: case SS_API_EVENT_CREATE:
    case SS_API_EVENT_SET: case SS_API_EVENT_RESET: case SS_API_EVENT_CLOSE: case SS_API_POLL:
    case SS_API_PACKET_POST: case SS_API_WAKEUP: case SS_API_ENUM_EVENTS:
        return 1;
    default:
        return 0;
    }
}

typedef struct tally {
    long standin[SS_API_COUNT], model_machinery, emul_unflagged, emul_events, bad_impl;
    long gqcs_with_packet, completions, submits, getmessage, dispatches;
    unsigned dispatched_codes;
} tally;

static void count(const tu_trace *t, tally *y)
{
    memset(y, 0, sizeof *y);
    for (size_t i = 0; i < t->n; i++) {
        const ss_event *ev = &t->ev[i].ev;
        int role = tu_thread_of(t, &t->ev[i])->role;
        if (role == SS_ROLE_EMUL) {
            y->emul_events++;
            y->emul_unflagged += !(ev->flags & SS_EV_EMUL);
            continue;
        }
        if (role != SS_ROLE_SERVER)
            continue;
        if (ev->flags & SS_EV_EMUL) {
            y->emul_events++;
            continue;
        }
        /* the model's own events */
        y->model_machinery += linux_machinery(ev->api);
        if (ev->flags & SS_EV_STANDIN) {
            y->standin[ev->api]++;
            y->bad_impl += ev->impl && !ss_api_is_kernel(ev->impl);
        }
        y->gqcs_with_packet += ev->api == SS_API_IOCP_GET && ev->sock >= 0;
        y->completions += ev->api == SS_API_OP_COMPLETE;
        y->submits += ev->api == SS_API_OP_SUBMIT && (ev->flags & SS_EV_STANDIN);
        y->getmessage += ev->api == SS_API_GET_MESSAGE && ev->ret > 0;
        if (ev->api == SS_API_MSG_DISPATCH) {
            y->dispatches++;
            y->dispatched_codes |= ev->aux <= 0x3f ? ev->aux : 0;
        }
    }
}

/* Lecture captions at 40 moments: how many explain an emulation call (0:
 * captions come from the model's lanes only), how many name Linux
 * machinery at all, and what they are about. */
static void caption_moments(const vw_run *r, const char *model, const char *how, const double *at)
{
    int picked = 0, emul = 0, linux_named = 0, by_api[SS_API_COUNT] = {0};
    static const char *const machinery[] = {"futex", "epoll", "io_uring", "eventfd", "poll()"};
    for (int k = 0; k < 40; k++) {
        int lane;
        size_t idx;
        if (vw_caption_pick(r, at[k], &lane, &idx) != 0)
            continue;
        picked++;
        const vw_ev *e = &r->lanes[lane].ev[idx];
        emul += !vw_lane_is_model(&r->lanes[lane]) || (e->flags & SS_EV_EMUL);
        by_api[e->api < SS_API_COUNT ? e->api : 0]++;
        for (int lang = 0; lang < 2; lang++) {
            char text[2048];
            vw_caption_explain(r, lane, idx, (vw_lang)lang, text, sizeof text);
            for (size_t m = 0; m < sizeof machinery / sizeof machinery[0]; m++)
                linux_named += strstr(text, machinery[m]) != NULL;
        }
    }
    char topics[512] = "";
    for (int a = 0; a < SS_API_COUNT; a++)
        if (by_api[a])
            snprintf(topics + strlen(topics), sizeof topics - strlen(topics), " %s %d", vw_ev_name(&(vw_ev){.api = (uint8_t)a}), by_api[a]);
    print_message("%-12s 40 %s: %d captioned, %d explain an emulation call, %d name Linux machinery; about:%s\n",
                  model, how, picked, emul, linux_named, topics);
    assert_true(picked >= 30);
    assert_int_equal(emul, 0);
    assert_int_equal(linux_named, 0);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* 40 instants evenly over the run's work, and 40 steps evenly over the
 * model's events (what a lecturer sees stepping through with the arrows). */
static void sample_captions(const char *path, const char *model)
{
    vw_session s = {0};
    char err[256];
    assert_int_equal(vw_session_load(&s, path, err, sizeof err), 0);
    const vw_run *r = &s.runs[0];
    uint64_t end = r->work_end ? r->work_end : r->duration;
    double at[40];
    for (int k = 0; k < 40; k++)
        at[k] = (double)end * (k + 0.5) / 40;
    caption_moments(r, model, "instants", at);
    size_t n = 0;
    for (int i = 0; i < r->nserver; i++)
        n += vw_lane_is_model(&r->lanes[i]) ? r->lanes[i].n : 0;
    uint64_t *t0 = malloc(n * sizeof *t0);
    assert_non_null(t0);
    n = 0;
    for (int i = 0; i < r->nserver; i++)
        for (size_t k = 0; vw_lane_is_model(&r->lanes[i]) && k < r->lanes[i].n; k++)
            t0[n++] = r->lanes[i].ev[k].t0;
    qsort(t0, n, sizeof *t0, cmp_u64);
    for (int k = 0; k < 40; k++)
        at[k] = (double)t0[(size_t)((k + 0.5) / 40 * (double)n)];
    caption_moments(r, model, "steps   ", at);
    free(t0);
    vw_session_free(&s);
}

static void check_case(const standin_case *c)
{
    ss_workload_opts w = tu_workload(6, 60, 700);
    ss_workload_result res;
    ss_stats st;
    const char *path = tu_record(c->model, &c->mo, &w, &res, &st, 1);
    assert_int_equal(res.mismatches, 0);
    tu_trace t;
    tu_trace_load(path, &t);
    tally y;
    count(&t, &y);
    print_message("%-12s standins: %ld GQCS with a packet, %ld completions, %ld WSARecv/WSASend, %ld GetMessage, "
                  "%ld dispatches; %ld emulation events\n",
                  c->model, y.gqcs_with_packet, y.completions, y.submits, y.getmessage, y.dispatches, y.emul_events);
    for (int i = 0; i < 8 && c->windows_calls[i]; i++)
        if (!y.standin[c->windows_calls[i]])
            fail_msg("%s: no %s recorded as the model's Windows call", c->model,
                     ss_event_name(c->windows_calls[i], SS_API_RECV, SS_EV_STANDIN));
    assert_int_equal(y.model_machinery, 0); /* the Linux machinery is never the model's */
    assert_int_equal(y.emul_unflagged, 0);
    assert_int_equal(y.bad_impl, 0);
    assert_true(y.emul_events > 0);
    /* the Windows program's counts */
    if (strcmp(c->model, "iocp") == 0) {
        assert_int_equal(y.gqcs_with_packet, y.completions); /* one GetQueuedCompletionStatus per packet */
        assert_int_equal(y.submits, y.completions);          /* one WSARecv/WSASend per completion */
    }
    if (strcmp(c->model, "async-select") == 0) {
        assert_int_equal(y.getmessage, y.dispatches);        /* GetMessage, then DispatchMessage */
        assert_int_equal(y.dispatched_codes & (SS_NE_ACCEPT | SS_NE_READ), SS_NE_ACCEPT | SS_NE_READ);
    }
    if (strncmp(c->model, "overlapped", 10) == 0)
        assert_int_equal(y.submits, y.completions);
    /* stats: the model's side holds no emulation, the emulation side has its threads */
    const ss_run_stats *r = &st.runs[0];
    assert_int_equal(r->emul.threads, (uint64_t)c->emul_threads);
    assert_true(r->emul.transitions > 0);
    for (int a = 1; a < SS_API_COUNT; a++)
        if (linux_machinery(a) && r->server.calls[a])
            fail_msg("%s: stats charge %llu %s calls to the model", c->model, (unsigned long long)r->server.calls[a],
                     ss_api_name(a));
    sample_captions(path, c->model);
    tu_trace_free(&t);
    ss_stats_free(&st);
}

static void roles_iocp(void **state) { (void)state; check_case(&CASES[0]); }
static void roles_event_select(void **state) { (void)state; check_case(&CASES[1]); }
static void roles_async_select(void **state) { (void)state; check_case(&CASES[2]); }
static void roles_overlapped_events(void **state) { (void)state; check_case(&CASES[3]); }
static void roles_overlapped_routines(void **state) { (void)state; check_case(&CASES[4]); }

/* The models that are not stand-ins record no roles at all. */
static void plain_models_have_no_emulation(void **state)
{
    (void)state;
    static const char *const plain[] = {"select", "epoll", "io_uring"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        ss_workload_opts w = tu_workload(3, 20, 512);
        ss_workload_result res;
        ss_stats st;
        tu_record(plain[i], NULL, &w, &res, &st, 1);
        assert_int_equal(st.runs[0].emul.events, 0);
        assert_int_equal(st.runs[0].emul.threads, 0);
        assert_false(ss_run_has_emul(&st.runs[0]));
        ss_stats_free(&st);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles_iocp),
        cmocka_unit_test(roles_event_select),
        cmocka_unit_test(roles_async_select),
        cmocka_unit_test(roles_overlapped_events),
        cmocka_unit_test(roles_overlapped_routines),
        cmocka_unit_test(plain_models_have_no_emulation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
