/* Time <-> pixel mapping, zoom about the mouse, pan limits, tick steps. */
#include <math.h>
#include <string.h>

#include "render/timeline.h"
#include "testutil.h"

static void maps_both_ways(void **state)
{
    (void)state;
    vw_view v;
    vw_view_init(&v, 100, 1000, 1000000);
    assert_true(fabs(vw_view_px(&v, 0) - 100) < 1e-9);
    assert_true(fabs(vw_view_px(&v, 1000000) - 1100) < 1e-9);
    assert_true(fabs(vw_view_ns(&v, 600) - 500000) < 1e-6);
    assert_true(fabs(vw_view_ns_per_px(&v) - 1000) < 1e-9);
}

static void zoom_keeps_the_anchor(void **state)
{
    (void)state;
    vw_view v;
    vw_view_init(&v, 0, 1000, 1000000);
    double before = vw_view_ns(&v, 250);
    vw_view_zoom(&v, 8, 250);
    assert_true(fabs(vw_view_ns(&v, 250) - before) < 1e-6);
    assert_true(fabs((v.t1 - v.t0) - 125000) < 1e-6);
    for (int i = 0; i < 40; i++) /* down to single calls, no further */
        vw_view_zoom(&v, 10, 250);
    assert_true(v.t1 - v.t0 >= VW_MIN_SPAN_NS - 1e-9);
}

static void pan_stays_near_the_trace(void **state)
{
    (void)state;
    vw_view v;
    vw_view_init(&v, 0, 1000, 1000000);
    vw_view_zoom(&v, 10, 0);
    vw_view_pan_px(&v, 1e9); /* far to the left: clamps at a small margin */
    assert_true(v.t0 >= -0.05 * 1000000 - 1e-6);
    vw_view_pan_px(&v, -1e9);
    assert_true(v.t1 <= 1.05 * 1000000 + 1e-6);
    assert_true(fabs((v.t1 - v.t0) - 100000) < 1e-6); /* span unchanged */
}

static void ticks_and_labels(void **state)
{
    (void)state;
    vw_view v;
    vw_view_init(&v, 0, 1000, 1000000);
    double s = vw_tick_step(&v, 90);
    assert_true(s >= 90000 && s <= 250000);
    char buf[32];
    vw_fmt_ns(1500000, buf, sizeof buf);
    assert_string_equal(buf, "1.5 ms");
    vw_fmt_ns(250, buf, sizeof buf);
    assert_string_equal(buf, "250 ns");
    vw_fmt_ns(2500, buf, sizeof buf);
    assert_string_equal(buf, "2.5 μs");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(maps_both_ways), cmocka_unit_test(zoom_keeps_the_anchor),
                                       cmocka_unit_test(pan_stays_near_the_trace), cmocka_unit_test(ticks_and_labels)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
