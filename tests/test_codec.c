/* Byte-level pieces of the trace format: varints, zigzag, strings, events. */
#include <string.h>

#include "sim/trace/codec.h"
#include "testutil.h"

static void varints_round_trip(void **state)
{
    (void)state;
    const uint64_t u[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX};
    const int64_t s[] = {0, -1, 1, -64, 64, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX};
    ss_buf b = {0};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) ss_put_uv(&b, u[i]);
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) ss_put_sv(&b, s[i]);
    ss_put_str(&b, "epoll");
    ss_cur c = {b.p, b.p + b.len, 0};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) assert_true(ss_get_uv(&c) == u[i]);
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) assert_true(ss_get_sv(&c) == s[i]);
    char str[8];
    ss_get_str(&c, str, sizeof str);
    assert_string_equal(str, "epoll");
    assert_false(c.bad);
    assert_ptr_equal(c.p, c.end);
    ss_get_u8(&c); /* reading past the end is flagged, not a crash */
    assert_true(c.bad);
    ss_buf_free(&b);
}

static void small_values_are_small(void **state)
{
    (void)state;
    ss_buf b = {0};
    ss_put_uv(&b, 127);
    assert_int_equal(b.len, 1);
    ss_put_sv(&b, -1);
    assert_int_equal(b.len, 2);
    ss_buf_free(&b);
}

static void events_round_trip(void **state)
{
    (void)state;
    ss_event in[3] = {
        {.t0 = 1000, .t1 = 1500, .ret = 512, .arg = 512, .sock = 7, .api = SS_API_RECV, .flags = SS_EV_KERNEL},
        {.t0 = 900, .t1 = 2500, .ret = -1, .sock = -1, .api = SS_API_REQUEST, .err = SS_E_CONNRESET,
         .flags = SS_EV_FAILED, .id = (uint64_t)3 << 32 | 9},
        {.t0 = 2600, .t1 = 2600, .ret = 100, .arg = 4, .id = 77, .aux = SS_API_SEND, .sock = 12,
         .api = SS_API_OP_COMPLETE, .flags = SS_EV_ASYNC},
    };
    ss_buf b = {0};
    uint64_t prev = 0;
    for (int i = 0; i < 3; i++) ss_encode_event(&b, &in[i], &prev);
    ss_cur c = {b.p, b.p + b.len, 0};
    prev = 0;
    for (int i = 0; i < 3; i++) {
        ss_event out;
        assert_int_equal(ss_decode_event(&c, &out, &prev), 0);
        assert_memory_equal(&out, &in[i], sizeof out);
    }
    assert_ptr_equal(c.p, c.end);
    ss_buf_free(&b);
}

static void garbage_is_rejected(void **state)
{
    (void)state;
    uint8_t junk[] = {0x00, 0xff, 0xff};
    ss_cur c = {junk, junk + sizeof junk, 0};
    ss_event ev;
    uint64_t prev = 0;
    assert_int_equal(ss_decode_event(&c, &ev, &prev), -1);
    uint8_t endless[12];
    memset(endless, 0x80, sizeof endless); /* a varint that never ends */
    ss_cur d = {endless, endless + sizeof endless, 0};
    ss_get_uv(&d);
    assert_true(d.bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(varints_round_trip),
        cmocka_unit_test(small_values_are_small),
        cmocka_unit_test(events_round_trip),
        cmocka_unit_test(garbage_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
