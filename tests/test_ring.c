/* The per-thread ring under a real concurrent producer and consumer: every
 * event arrives exactly once and in order, or is counted as dropped. */
#include <pthread.h>
#include <stdlib.h>

#include "sim/trace/ring.h"
#include "testutil.h"

#define N_EVENTS 2000000

static void *producer(void *arg)
{
    ss_ring *r = arg;
    for (uint64_t i = 1; i <= N_EVENTS; i++) {
        ss_event ev = {.t0 = i, .t1 = i, .id = i};
        ss_ring_push(r, &ev);
    }
    return NULL;
}

static void concurrent_exact_counts(void **state)
{
    (void)state;
    ss_ring r;
    assert_int_equal(ss_ring_init(&r, 1024), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    ss_event buf[256];
    uint64_t got = 0, last = 0, out_of_order = 0;
    int done = 0;
    while (!done) {
        done = atomic_load(&r.pushed) + atomic_load(&r.dropped) == N_EVENTS;
        size_t n = ss_ring_pop(&r, buf, 256);
        for (size_t i = 0; i < n; i++) {
            if (buf[i].id <= last)
                out_of_order++;
            last = buf[i].id;
        }
        got += n;
    }
    got += ss_ring_pop(&r, buf, 256);
    pthread_join(t, NULL);
    while (1) {
        size_t n = ss_ring_pop(&r, buf, 256);
        if (!n)
            break;
        got += n;
    }
    assert_int_equal(out_of_order, 0);
    assert_int_equal(got, atomic_load(&r.pushed));
    assert_int_equal(got + atomic_load(&r.dropped), N_EVENTS);
    ss_ring_free(&r);
}

static void full_ring_counts_drops(void **state)
{
    (void)state;
    ss_ring r;
    assert_int_equal(ss_ring_init(&r, 8), 0);
    ss_event ev = {0};
    int stored = 0;
    for (int i = 0; i < 20; i++)
        stored += ss_ring_push(&r, &ev);
    assert_int_equal(stored, 8);
    assert_int_equal(atomic_load(&r.dropped), 12);
    ss_event out[16];
    assert_int_equal(ss_ring_pop(&r, out, 16), 8);
    assert_int_equal(ss_ring_push(&r, &ev), 1); /* room again after the consumer ran */
    ss_ring_free(&r);
}

static void rejects_bad_sizes(void **state)
{
    (void)state;
    ss_ring r;
    assert_int_equal(ss_ring_init(&r, 1000), -1);
    assert_int_equal(ss_ring_init(&r, 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_exact_counts),
        cmocka_unit_test(full_ring_counts_drops),
        cmocka_unit_test(rejects_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
