/* async-select: WSAAsyncSelect with an SDL2 event queue as the message
 * queue (models/async_select.c) — the re-enabling rule, the deferred
 * FD_READ the procedure re-posts, messages that are posted and dispatched
 * in order, and UI messages that make socket messages wait. (The echo
 * rules: the matrix, test_echo.c.) */
#include <stdlib.h>
#include <string.h>

#include "echocheck.h"
#include "sim/probe/probe.h"

/* --- messages in a trace ------------------------------------------------------ */
typedef struct msgs {
    uint64_t *post_t, *disp_t; /* by message id; 0 = none */
    unsigned *code;
    uint64_t *ui_disp, *ui_end; /* when the procedure took each UI message and was done, in order */
    size_t max_id, nui;
    long by_procedure_reads;   /* FD_READ posted by the window procedure itself */
} msgs;

static void msgs_load(const char *path, msgs *m)
{
    tu_trace t;
    tu_trace_load(path, &t);
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < t.n; i++)
        if (t.ev[i].ev.api == SS_API_MSG_POST && t.ev[i].ev.id > m->max_id)
            m->max_id = t.ev[i].ev.id;
    m->post_t = calloc(m->max_id + 1, sizeof *m->post_t);
    m->disp_t = calloc(m->max_id + 1, sizeof *m->disp_t);
    m->code = calloc(m->max_id + 1, sizeof *m->code);
    m->ui_disp = calloc(m->max_id + 1, sizeof *m->ui_disp);
    m->ui_end = calloc(m->max_id + 1, sizeof *m->ui_end);
    assert_true(m->post_t && m->disp_t && m->code && m->ui_disp && m->ui_end);
    for (size_t i = 0; i < t.n; i++) {
        const ss_event *ev = &t.ev[i].ev;
        if (ev->api == SS_API_MSG_POST) {
            m->post_t[ev->id] = ev->t0 + 1; /* +1: time 0 is a valid time */
            m->code[ev->id] = ev->aux;
            m->by_procedure_reads += ev->aux == SS_NE_READ && strcmp(tu_thread_of(&t, &t.ev[i])->name, "async-select") == 0;
        } else if (ev->api == SS_API_MSG_DISPATCH) {
            if (ev->id > m->max_id || !m->post_t[ev->id])
                fail_msg("message %llu dispatched but never posted", (unsigned long long)ev->id);
            assert_true(ev->t0 + 1 >= m->post_t[ev->id]);
            m->disp_t[ev->id] = ev->t0 + 1;
            if (ev->aux == SS_MSG_UI) {
                m->ui_disp[m->nui] = ev->t0 + 1;
                m->ui_end[m->nui++] = ev->t1 + 1;
            }
        }
    }
    tu_trace_free(&t);
}

static void msgs_free(msgs *m)
{
    free(m->post_t);
    free(m->disp_t);
    free(m->code);
    free(m->ui_disp);
    free(m->ui_end);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* First index of a sorted array whose value is > x. */
static size_t first_after(const uint64_t *a, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Post-to-dispatch delay of socket messages: mean and p99 (ns); and how
 * many of them waited while the procedure was handling a UI message. */
static void socket_delays(const msgs *m, double *mean, uint64_t *p99, long *behind_ui, long *count)
{
    uint64_t *d = calloc(m->max_id + 1, sizeof *d);
    assert_non_null(d);
    size_t n = 0;
    double sum = 0;
    *behind_ui = 0;
    for (size_t id = 1; id <= m->max_id; id++) {
        if (!m->disp_t[id] || m->code[id] > 0x3f)
            continue;
        d[n] = m->disp_t[id] - m->post_t[id];
        sum += (double)d[n++];
        /* one procedure thread: UI handlings are in time order, ends too;
         * the first to end after the post overlaps the wait if it began
         * before the dispatch */
        size_t u = first_after(m->ui_end, m->nui, m->post_t[id]);
        *behind_ui += u < m->nui && m->ui_disp[u] < m->disp_t[id];
    }
    qsort(d, n, sizeof *d, cmp_u64);
    *count = (long)n;
    *mean = n ? sum / (double)n : 0;
    *p99 = n ? d[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0;
    free(d);
}

/* --- semantics ------------------------------------------------------------------ */
static void as_reenabling_rule(void **state)
{
    (void)state;
    ec_reenabling_rule("async-select", SS_API_MSG_POST); /* the notifier posts window messages */
}

/* AsyncSelectTCPServer's recvdelayed: an FD_READ taken while bytes were
 * unsent is posted again by the procedure once they are out, and every
 * message dispatched was posted first. */
static void as_deferred_read_is_reposted(void **state)
{
    (void)state;
    msgs m;
    msgs_load(ec_partial_sends("async-select", NULL), &m);
    print_message("async-select: %ld FD_READ re-posted by the window procedure\n", m.by_procedure_reads);
    assert_true(m.by_procedure_reads > 0);
    msgs_free(&m);
}

/* The textbook's weakness: one window procedure handles UI messages and
 * socket messages, so socket messages wait behind UI work. */
static void as_ui_messages_delay_socket_messages(void **state)
{
    (void)state;
    ss_workload_opts w = tu_workload(8, 30, 512);
    ss_workload_result res;
    ss_model_opts quiet = {0}, busy = {.ui_rate = 2000, .ui_cost_us = 300};
    msgs m0, m1;
    ss_stats st;
    msgs_load(tu_record("async-select", &quiet, &w, &res, NULL, 1), &m0);
    msgs_load(tu_record("async-select", &busy, &w, &res, &st, 1), &m1);
    double mean0, mean1;
    uint64_t p99_0, p99_1;
    long behind0, behind1, n0, n1;
    socket_delays(&m0, &mean0, &p99_0, &behind0, &n0);
    socket_delays(&m1, &mean1, &p99_1, &behind1, &n1);
    print_message("async-select socket-message queueing delay: no UI: mean %.1f us, p99 %.1f us (%ld msgs); "
                  "--ui-rate 2000 --ui-cost-us 300: mean %.1f us, p99 %.1f us (%ld msgs, %ld behind UI work, "
                  "%zu UI msgs)\n", mean0 / 1e3, p99_0 / 1e3, n0, mean1 / 1e3, p99_1 / 1e3, n1, behind1, m1.nui);
    assert_int_equal(m0.nui, 0);
    assert_int_equal(behind0, 0);
    assert_true(m1.nui > 0);
    assert_true(behind1 > 0); /* structural: UI work ran while socket messages waited */
    /* `stats` matches posts to dispatches while streaming: the same numbers */
    const ss_msg_stats *sm = &st.runs[0].msgs;
    assert_int_equal(sm->ui, m1.nui);
    assert_int_equal(ss_hist_count_of(sm->socket_delay), n1);
    assert_int_equal(sm->behind_ui, behind1);
    assert_int_equal(sm->n, sm->posted - sm->dispatched); /* unmatched: only posts still queued at the end */
    ss_stats_free(&st);
    msgs_free(&m0);
    msgs_free(&m1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(as_reenabling_rule),
        cmocka_unit_test(as_deferred_read_is_reposted),
        cmocka_unit_test(as_ui_messages_delay_socket_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
