/* The completion port's queue on its own: every packet dequeued exactly
 * once under concurrent posters and workers, the most recent waiter woken
 * first, the concurrency limit, timeouts and close. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "models/completion_port.h"
#include "testutil.h"

#define POSTERS 2
#define WORKERS 4
#define PER_POSTER 20000

typedef struct ctx {
    ss_port port;
    _Atomic uint32_t seen[POSTERS * PER_POSTER];
} ctx;

typedef struct worker {
    ctx *c;
    ss_port_waiter w;
    pthread_t t;
    long taken;
    int rc;
    ss_packet pk;
    int timeout_ms;
} worker;

static void *poster(void *arg)
{
    ctx *c = ((void **)arg)[0];
    int base = (int)(intptr_t)((void **)arg)[1];
    for (int i = 0; i < PER_POSTER; i++) {
        ss_packet pk = {.key = c, .op = (uint64_t)(base + i), .api = SS_API_RECV, .sock = -1, .bytes = i};
        assert_int_equal(ss_port_post(&c->port, &pk), 0);
    }
    return NULL;
}

static void *drain_worker(void *arg)
{
    worker *w = arg;
    ss_packet pk;
    int r;
    while ((r = ss_port_get(&w->c->port, &w->w, &pk, 1000)) >= 0)
        if (r == 1) {
            atomic_fetch_add(&w->c->seen[pk.op], 1);
            w->taken++;
        }
    return NULL;
}

static void each_packet_once(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_int_equal(ss_port_init(&c->port, 0), 0);
    worker ws[WORKERS] = {0};
    for (int i = 0; i < WORKERS; i++) {
        ws[i].c = c;
        assert_int_equal(pthread_create(&ws[i].t, NULL, drain_worker, &ws[i]), 0);
    }
    pthread_t ps[POSTERS];
    void *args[POSTERS][2];
    for (int i = 0; i < POSTERS; i++) {
        args[i][0] = c;
        args[i][1] = (void *)(intptr_t)(i * PER_POSTER);
        assert_int_equal(pthread_create(&ps[i], NULL, poster, args[i]), 0);
    }
    for (int i = 0; i < POSTERS; i++)
        pthread_join(ps[i], NULL);
    /* close only once the queue is empty: workers stop when closed AND empty */
    ss_port_close(&c->port);
    long total = 0;
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(ws[i].t, NULL);
        total += ws[i].taken;
    }
    assert_int_equal(total, POSTERS * PER_POSTER);
    for (int i = 0; i < POSTERS * PER_POSTER; i++)
        if (atomic_load(&c->seen[i]) != 1)
            fail_msg("packet %d dequeued %u times", i, atomic_load(&c->seen[i]));
    ss_port_free(&c->port);
    free(c);
}

static void *one_get(void *arg)
{
    worker *w = arg;
    w->rc = ss_port_get(&w->c->port, &w->w, &w->pk, w->timeout_ms);
    return NULL;
}

static int waiters(ss_port *p)
{
    ss_lock_acquire(&p->lock);
    int n = 0;
    for (ss_port_waiter *w = p->waiting; w; w = w->next)
        n++;
    ss_lock_release(&p->lock);
    return n;
}

/* Bounded in count, not in time: each step polls at most this often. */
static void wait_for_waiters(ss_port *p, int n)
{
    for (int i = 0; i < 2000000 && waiters(p) < n; i++)
        sched_yield();
    assert_int_equal(waiters(p), n);
}

/* Two workers asleep, A first, then B: one packet wakes B (LIFO); closing
 * the port releases A with -1. */
static void lifo_wakeup_and_close(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_int_equal(ss_port_init(&c->port, 0), 0);
    worker a = {.c = c, .timeout_ms = 60000}, b = {.c = c, .timeout_ms = 60000};
    assert_int_equal(pthread_create(&a.t, NULL, one_get, &a), 0);
    wait_for_waiters(&c->port, 1);
    assert_int_equal(pthread_create(&b.t, NULL, one_get, &b), 0);
    wait_for_waiters(&c->port, 2);
    ss_packet pk = {.op = 42, .bytes = 5, .sock = -1, .api = SS_API_SEND};
    assert_int_equal(ss_port_post(&c->port, &pk), 0);
    pthread_join(b.t, NULL);
    assert_int_equal(b.rc, 1);
    assert_int_equal(b.pk.op, 42);
    assert_int_equal(b.pk.bytes, 5);
    assert_int_equal(waiters(&c->port), 1); /* A still asleep */
    ss_port_close(&c->port);
    pthread_join(a.t, NULL);
    assert_int_equal(a.rc, -1);
    ss_port_free(&c->port);
    free(c);
}

/* Concurrency 1: while one worker runs, a post wakes nobody; the running
 * worker takes the packet when it asks again. Once it has asked and found
 * nothing, the next post wakes the sleeper. */
static void concurrency_limit(void **state)
{
    (void)state;
    ctx *c = calloc(1, sizeof *c);
    assert_int_equal(ss_port_init(&c->port, 1), 0);
    ss_port_waiter a = {0};
    ss_packet pk = {.op = 1, .sock = -1, .api = SS_API_RECV}, got;
    assert_int_equal(ss_port_post(&c->port, &pk), 0);
    assert_int_equal(ss_port_get(&c->port, &a, &got, 0), 1); /* A runs */
    worker b = {.c = c, .timeout_ms = 60000};
    assert_int_equal(pthread_create(&b.t, NULL, one_get, &b), 0);
    wait_for_waiters(&c->port, 1);
    pk.op = 2;
    assert_int_equal(ss_port_post(&c->port, &pk), 0);
    assert_int_equal(waiters(&c->port), 1);                   /* B not woken */
    assert_int_equal(ss_port_get(&c->port, &a, &got, 0), 1); /* A takes it */
    assert_int_equal(got.op, 2);
    assert_int_equal(ss_port_get(&c->port, &a, &got, 0), 0); /* A idle now */
    pk.op = 3;
    assert_int_equal(ss_port_post(&c->port, &pk), 0);
    pthread_join(b.t, NULL);
    assert_int_equal(b.rc, 1);
    assert_int_equal(b.pk.op, 3);
    ss_port_close(&c->port);
    ss_port_free(&c->port);
    free(c);
}

static void timeout_on_empty(void **state)
{
    (void)state;
    ss_port p;
    assert_int_equal(ss_port_init(&p, 0), 0);
    ss_port_waiter w = {0};
    ss_packet pk;
    assert_int_equal(ss_port_get(&p, &w, &pk, 0), 0);
    assert_int_equal(ss_port_get(&p, &w, &pk, 5), 0);
    assert_null(p.waiting); /* a timed-out waiter leaves the stack */
    ss_port_close(&p);
    assert_int_equal(ss_port_get(&p, &w, &pk, -1), -1);
    ss_port_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_packet_once),
        cmocka_unit_test(lifo_wakeup_and_close),
        cmocka_unit_test(concurrency_limit),
        cmocka_unit_test(timeout_on_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
