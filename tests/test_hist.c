/* The latency histogram's percentiles stay within its bucket resolution. */
#include <stdlib.h>

#include "sim/base/hist.h"
#include "testutil.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void percentiles_close_to_exact(void **state)
{
    (void)state;
    enum { N = 100000 };
    static uint64_t v[N];
    ss_hist h;
    ss_hist_init(&h);
    srand(42);
    for (int i = 0; i < N; i++) {
        /* a long-tailed mix, like request latencies: 10 us .. 10 ms */
        v[i] = 10000 + (uint64_t)(rand() % 1000) * (uint64_t)(rand() % 10000);
        ss_hist_add(&h, v[i]);
    }
    qsort(v, N, sizeof v[0], cmp_u64);
    const double pcts[] = {50, 90, 99, 99.9};
    for (size_t i = 0; i < 4; i++) {
        uint64_t exact = v[(size_t)(pcts[i] / 100.0 * N) - 1], got = ss_hist_pct(&h, pcts[i]);
        double rel = (double)(got > exact ? got - exact : exact - got) / (double)exact;
        if (rel > 0.035)
            fail_msg("p%.1f: exact %llu, histogram %llu (%.1f%% off)", pcts[i], (unsigned long long)exact,
                     (unsigned long long)got, rel * 100);
    }
    assert_int_equal(h.count, N);
    assert_true(h.max == v[N - 1]);
    assert_true(h.min == v[0]);
}

static void small_and_empty(void **state)
{
    (void)state;
    ss_hist h;
    ss_hist_init(&h);
    assert_int_equal(ss_hist_pct(&h, 50), 0);
    for (uint64_t i = 1; i <= 10; i++)
        ss_hist_add(&h, i);
    assert_int_equal(ss_hist_pct(&h, 50), 5); /* exact below 32 */
    assert_int_equal(ss_hist_pct(&h, 100), 10);
    ss_hist g;
    ss_hist_init(&g);
    ss_hist_add(&g, 1000000);
    ss_hist_merge(&h, &g);
    assert_int_equal(h.count, 11);
    assert_int_equal(h.max, 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_close_to_exact),
        cmocka_unit_test(small_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
