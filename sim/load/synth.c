#include "sim/load/synth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim/probe/probe.h"
#include "sim/trace/clock.h"
#include "sim/trace/event.h"
#include "sim/trace/recorder.h"

typedef struct gen {
    const vw_synth *s;
    int idx, role;
    uint64_t n, t, base, rng;
    double tick;
} gen;

static uint64_t rnd(gen *g, uint64_t lo, uint64_t hi)
{
    g->rng = g->rng * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (g->rng >> 33) % (hi - lo + 1);
}

/* back-pressure: wait while our ring is more than half full, so nothing drops */
static void drain_wait(void)
{
    struct timespec ts = {0, 200 * 1000};
    size_t capacity;
    while (ss_rec_thread_backlog(&capacity) > capacity / 2)
        nanosleep(&ts, NULL);
}

static void note(gen *g, int api, int sock, int64_t ret, uint64_t id, uint32_t aux, int flags, uint64_t dur)
{
    uint64_t t0 = g->base + (uint64_t)((double)g->t / g->tick);
    uint64_t t1 = g->base + (uint64_t)((double)(g->t + dur) / g->tick);
    ss_note(api, sock, 512, ret, id, aux, flags, t0, t1);
    g->t += dur + rnd(g, 50, 400);
    if (++g->n % 8192 == 0)
        drain_wait();
}

static void server_ready(gen *g)
{
    int sock = (int)rnd(g, 10, 200), waited = rnd(g, 0, 3) == 0;
    note(g, SS_API_EPOLL_WAIT, 5, 1, 0, 0, SS_EV_KERNEL | SS_EV_MAYBLOCK | (waited ? SS_EV_WAITED : 0),
         waited ? rnd(g, 5000, 60000) : rnd(g, 300, 1500));
    note(g, SS_API_RECV, sock, 512, 0, 0, SS_EV_KERNEL, rnd(g, 800, 3000));
    if (rnd(g, 0, 4) == 0)
        note(g, SS_API_CPU_WORK, sock, 0, 0, 0, 0, rnd(g, 2000, 9000));
    note(g, SS_API_SEND, sock, 512, 0, 0, SS_EV_KERNEL, rnd(g, 900, 3500));
}

static void server_async(gen *g, uint64_t *op)
{
    int sock = (int)rnd(g, 10, 200);
    uint64_t id = ++*op;
    note(g, SS_API_OP_SUBMIT, sock, 0, id, SS_API_RECV, SS_EV_ASYNC, 0);
    note(g, SS_API_URING_ENTER, -1, 1, 0, 0, SS_EV_KERNEL | SS_EV_MAYBLOCK | SS_EV_WAITED, rnd(g, 2000, 40000));
    note(g, SS_API_OP_COMPLETE, sock, 512, id, SS_API_RECV, SS_EV_ASYNC, 0);
    if (rnd(g, 0, 3) == 0)
        note(g, SS_API_CPU_WORK, sock, 0, 0, 0, 0, rnd(g, 2000, 9000));
}

/* async-select: a network event becomes a message; later the window
 * procedure dispatches it and calls recv and send inside the dispatch */
static void server_msgs(gen *g, uint64_t *id)
{
    int sock = (int)rnd(g, 10, 200);
    uint64_t k = ++*id;
    note(g, SS_API_MSG_POST, sock, 0, k, 1 /* FD_READ */, 0, 0);
    note(g, SS_API_EPOLL_WAIT, -1, 1, 0, 0, SS_EV_KERNEL | SS_EV_MAYBLOCK | SS_EV_WAITED, rnd(g, 2000, 20000));
    uint64_t t0 = g->t;
    note(g, SS_API_RECV, sock, 512, 0, 0, SS_EV_KERNEL, rnd(g, 800, 3000));
    note(g, SS_API_SEND, sock, 512, 0, 0, SS_EV_KERNEL, rnd(g, 900, 3500));
    uint64_t end = g->t;
    g->t = t0;
    note(g, SS_API_MSG_DISPATCH, sock, 0, k, 1, 0, end - t0);
    g->t = end;
}

static void client(gen *g, uint64_t k)
{
    int sock = 1000 + g->idx;
    uint64_t t0 = g->t;
    note(g, SS_API_SEND, sock, 512, 0, 0, SS_EV_KERNEL | SS_EV_MAYBLOCK, rnd(g, 1000, 3000));
    note(g, SS_API_RECV, sock, 512, 0, 0, SS_EV_KERNEL | SS_EV_MAYBLOCK | SS_EV_WAITED, rnd(g, 5000, 90000));
    uint64_t end = g->t;
    g->t = t0;
    note(g, SS_API_REQUEST, sock, 512, (uint64_t)g->idx << 32 | k, 0, 0, end - t0);
    g->t = end;
}

static void *thread_main(void *arg)
{
    gen *g = arg;
    char name[32];
    snprintf(name, sizeof name, "%s %d", g->role == SS_ROLE_CLIENT ? "client" : "worker", g->idx);
    ss_thread_begin(g->role, name);
    uint64_t op = (uint64_t)g->idx << 40, k = 0;
    while (g->n < g->s->events / (uint64_t)(g->s->server_threads + g->s->clients))
        if (g->role == SS_ROLE_CLIENT) client(g, k++);
        else if (g->s->messages) server_msgs(g, &op);
        else if (g->s->async) server_async(g, &op);
        else server_ready(g);
    ss_thread_end();
    return NULL;
}

void vw_synth_run(const vw_synth *s)
{
    ss_run_info info = {s->model, "synthetic", NULL, 0};
    ss_run_begin(&info);
    int n = s->server_threads + s->clients;
    gen g[64];
    pthread_t th[64];
    uint64_t base = ss_ticks();
    for (int i = 0; i < n && i < 64; i++) {
        g[i] = (gen){s, i, i < s->server_threads ? SS_ROLE_SERVER : SS_ROLE_CLIENT, 0, rnd(&(gen){.rng = (uint64_t)i}, 0, 999),
                     base, (uint64_t)i * 7919 + 1, ss_clock_ns_per_tick()};
        pthread_create(&th[i], NULL, thread_main, &g[i]);
    }
    for (int i = 0; i < n && i < 64; i++)
        pthread_join(th[i], NULL);
    ss_run_end();
}

int vw_synth_file(const char *path, const vw_synth *runs, int nruns, char *err, size_t errlen)
{
    ss_rec_opts o = {1 << 16, 0, 0};
    if (ss_rec_open(path, &o, err, errlen) != 0)
        return -1;
    for (int i = 0; i < nruns; i++)
        vw_synth_run(&runs[i]);
    return ss_rec_close(err, errlen);
}
