/* Folding: wide events stay themselves, dense columns become shares, and
 * the work per frame follows pixels, not events. */
#include <stdlib.h>

#include "render/fold.h"
#include "testutil.h"
#include "vw_fixture.h"

static void wide_events_are_segments(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_simple(&s);
    vw_view v;
    vw_view_init(&v, 0, 1000, 10000); /* 10 ns per pixel */
    vw_seg seg[64];
    int n = vw_fold_lane(&r->lanes[0], &v, 0, seg, 64);
    assert_int_equal(n, 4);
    assert_int_equal(seg[0].folded, 0);
    assert_int_equal(seg[0].x0, 0);
    assert_int_equal(seg[0].x1, 400);
    assert_int_equal(seg[1].idx, 1);
    assert_int_equal(seg[1].x0, 400);
    assert_int_equal(seg[3].x1, 800);
    vw_session_free(&s);
}

static void dense_columns_fold_to_shares(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_dense(&s, 100000); /* 10 ms of calls, 10% busy */
    vw_view v;
    vw_view_init(&v, 0, 1000, 100000 * 100); /* 10 µs per pixel: 100 calls per column */
    vw_seg *seg = malloc(4000 * sizeof *seg);
    int n = vw_fold_lane(&r->lanes[0], &v, 0, seg, 4000);
    assert_true(n >= 990 && n <= 1000);
    for (int i = 10; i < n - 10; i++) {
        assert_int_equal(seg[i].folded, 1);
        /* 25 of 100 calls slept (2.5%), 75 in kernel (7.5%) */
        assert_in_range(seg[i].frac[VW_CAT_WAIT], 20, 30);
        assert_in_range(seg[i].frac[VW_CAT_KERNEL], 70, 80);
        assert_int_equal(seg[i].frac[VW_CAT_USER], 0);
    }
    free(seg);
    vw_session_free(&s);
}

static void zoomed_in_view_walks_only_what_it_shows(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_dense(&s, 1000000);
    vw_view v;
    vw_view_init(&v, 0, 1000, 100000000);
    vw_view_set(&v, 50000000, 50001000); /* 1 µs in the middle: 10 calls */
    vw_seg seg[64];
    int n = vw_fold_lane(&r->lanes[0], &v, 0, seg, 64);
    assert_int_equal(n, 10);
    assert_int_equal(seg[0].idx, 500000);
    for (int i = 0; i < n; i++)
        assert_int_equal(seg[i].folded, 0);
    vw_session_free(&s);
}

static void covering_search_finds_enclosing_spans(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = vw_session_add_run(&s, "m");
    vw_lane *l = vw_run_lane(r, 0, SS_ROLE_SERVER, "w");
    ss_event big = fx_ev(SS_API_ACCEPT, 0, 1000000, 3, 9, FX_WAIT);
    vw_lane_push(l, &big);
    for (int i = 0; i < 500; i++) {
        ss_event e = fx_ev(SS_API_RECV, 1000000 + i * 10, 1000000 + i * 10 + 5, 4, 1, SS_EV_KERNEL);
        vw_lane_push(l, &e);
    }
    vw_run_finish(r);
    assert_int_equal(vw_lane_first_covering(&r->lanes[0], 500000), 0);
    assert_int_equal(vw_lane_first_covering(&r->lanes[0], 1000000 + 250 * 10 + 2), 251); /* recv 250 is event 251: the accept is 0 */
    vw_session_free(&s);
}

static void ops_in_flight(void **state)
{
    (void)state;
    vw_oplane o = {0};
    vw_op ops[3] = {{.t0 = 0, .dur = 100}, {.t0 = 50, .dur = 100}, {.t0 = 120, .dur = 10}};
    uint64_t ends[3] = {100, 130, 150};
    o.op = ops, o.n = 3, o.t_end = ends;
    assert_int_equal(vw_ops_inflight(&o, 60), 2);
    assert_int_equal(vw_ops_inflight(&o, 125), 2);
    assert_int_equal(vw_ops_inflight(&o, 200), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(wide_events_are_segments), cmocka_unit_test(dense_columns_fold_to_shares),
                                       cmocka_unit_test(zoomed_in_view_walks_only_what_it_shows),
                                       cmocka_unit_test(covering_search_finds_enclosing_spans), cmocka_unit_test(ops_in_flight)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
