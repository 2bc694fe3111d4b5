/* The tracer's side of `sockscope trace` (sim/interpose/), with the
 * interposer's part played by the test: a producer thread (or a forked
 * child) registers a process and claims a ring in the shared region as
 * preload.c does, and pushes events; the drain takes them.
 *  - every event arrives once and in order through a tiny ring, and a freed
 *    ring serves a new thread;
 *  - a process killed with SIGKILL is drained to its last committed event;
 *  - the spool assembles a trace with a run per process, threads named as
 *    they ended, that stats reads back;
 *  - the I/O model is recognised from the calls;
 *  - a --program command line is split as a shell would. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/interpose/drain.h"
#include "sim/interpose/ipc.h"
#include "sim/interpose/observe.h"
#include "sim/interpose/spool.h"
#include "sim/report/stats.h"
#include "sim/run/program.h"
#include "sim/trace/clock.h"
#include "testutil.h"

/* --- the interposer's moves (preload.c), by hand ---------------------------- */
static uint32_t fake_register(ss_shm_hdr *h, const char *exe)
{
    uint32_t i = atomic_fetch_add(&h->nprocs, 1);
    ss_shm_proc *p = ss_shm_proc_at(h, i);
    p->pid = (uint32_t)getpid();
    p->ppid = (uint32_t)getppid();
    p->t_start = ss_ticks();
    snprintf(p->exe, sizeof p->exe, "%s", exe);
    atomic_store_explicit(&p->state, SS_PROC_LIVE, memory_order_release);
    return i;
}

static ss_shm_slot *fake_claim(ss_shm_hdr *h, uint32_t proc, const char *name)
{
    for (uint32_t i = 0; i < h->nslots; i++) {
        ss_shm_slot *s = ss_shm_slot_at(h, i);
        uint32_t expect = SS_SLOT_FREE;
        if (!atomic_compare_exchange_strong(&s->state, &expect, SS_SLOT_CLAIMED))
            continue;
        s->proc = proc;
        s->tid = (uint32_t)gettid();
        s->tenant++;
        snprintf(s->name, sizeof s->name, "%s", name);
        atomic_fetch_add(&s->name_gen, 2);
        uint32_t high = atomic_load(&h->slots_high);
        while (high < i + 1 && !atomic_compare_exchange_weak(&h->slots_high, &high, i + 1))
            ;
        atomic_store_explicit(&s->state, SS_SLOT_LIVE, memory_order_release);
        return s;
    }
    return NULL;
}

static void push_n(ss_shm_hdr *h, ss_shm_slot *s, uint64_t first, uint64_t n)
{
    uint64_t head_seen = 0;
    for (uint64_t i = first; i < first + n; i++) {
        uint64_t t = ss_ticks();
        ss_event ev = {
            .t0 = t, .t1 = t, .id = i, .sock = 3, .arg = 512, .ret = 512, .api = SS_API_RECV, .flags = SS_EV_KERNEL};
        while (!ss_shm_try_push(s, h->ring_events - 1, &head_seen, &ev)) /* the ring waits for the drain */
            sched_yield();
    }
}

/* --- a sink that checks what it gets -------------------------------------- */
typedef struct seen {
    _Atomic int threads, ended, procs_ended;
    _Atomic uint64_t events, out_of_order, last_pushed;
    uint64_t last_id;
} seen;

static void *s_thread(void *ud, ss_drain_proc *p, uint32_t tid, const char *name)
{
    (void)p, (void)tid, (void)name;
    seen *s = ud;
    atomic_fetch_add(&s->threads, 1);
    s->last_id = 0;
    return s;
}

static void s_events(void *ud, void *th, const ss_event *ev, size_t n)
{
    (void)th;
    seen *s = ud;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].id <= s->last_id)
            atomic_fetch_add(&s->out_of_order, 1);
        s->last_id = ev[i].id;
    }
    atomic_fetch_add(&s->events, n);
}

static void s_end(void *ud, void *th, const ss_drain_thread_end *e)
{
    (void)th;
    seen *s = ud;
    atomic_store(&s->last_pushed, e->pushed);
    atomic_fetch_add(&s->ended, 1);
}

static void s_proc_end(void *ud, ss_drain_proc *p)
{
    (void)p;
    atomic_fetch_add(&((seen *)ud)->procs_ended, 1);
}

typedef struct producer {
    ss_shm_hdr *h;
    uint32_t proc;
    uint64_t n;
} producer;

static void *produce(void *arg)
{
    producer *pr = arg;
    ss_shm_slot *s = fake_claim(pr->h, pr->proc, "producer");
    if (!s)
        return NULL;
    push_n(pr->h, s, 1, pr->n);
    atomic_store_explicit(&s->state, SS_SLOT_ENDED, memory_order_release);
    return NULL;
}

static void wait_for(_Atomic int *v, int want)
{
    for (int i = 0; i < 2000 && atomic_load(v) < want; i++)
        usleep(5000);
}

static void every_event_once_in_order(void **state)
{
    (void)state;
    char err[256];
    ss_ipc ipc;
    ss_ipc_opts o = {.nslots = 4, .ring_events = 64, .nprocs = 4};
    assert_int_equal(ss_ipc_create(&ipc, &o, err, sizeof err), 0);
    seen s = {0};
    ss_drain_sink sink = {&s, NULL, s_thread, s_events, NULL, s_end, s_proc_end, NULL};
    ss_drain *d = ss_drain_start(&ipc, &sink, err, sizeof err);
    assert_non_null(d);
    producer pr = {ipc.hdr, fake_register(ipc.hdr, "test"), 50000};
    for (int round = 1; round <= 2; round++) { /* the second thread gets the ring the first freed */
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
        pthread_join(t, NULL);
        wait_for(&s.ended, round);
        assert_int_equal(atomic_load(&s.ended), round);
        assert_int_equal(atomic_load(&s.last_pushed), pr.n);
    }
    ss_drain_stop(d);
    assert_int_equal(atomic_load(&s.threads), 2);
    assert_int_equal(atomic_load(&s.events), 2 * pr.n);
    assert_int_equal(atomic_load(&s.out_of_order), 0);
    assert_int_equal(atomic_load(&s.procs_ended), 1); /* this process, still running at the stop */
    assert_true(ss_drain_proc_at(d, 0)->still_running);
    assert_int_equal(ss_shm_slot_at(ipc.hdr, 0)->state, SS_SLOT_FREE);
    ss_drain_free(d);
    ss_ipc_destroy(&ipc);
}

/* A child registers, claims a ring, commits 1000 events and is killed with
 * SIGKILL: the drain sees it gone and takes all 1000. */
static void killed_process_loses_nothing(void **state)
{
    (void)state;
    char err[256];
    ss_ipc ipc;
    ss_ipc_opts o = {.nslots = 4, .ring_events = 4096, .nprocs = 4};
    assert_int_equal(ss_ipc_create(&ipc, &o, err, sizeof err), 0);
    seen s = {0};
    ss_drain_sink sink = {&s, NULL, s_thread, s_events, NULL, s_end, s_proc_end, NULL};
    ss_drain *d = ss_drain_start(&ipc, &sink, err, sizeof err);
    assert_non_null(d);
    pid_t pid = fork();
    if (pid == 0) {
        ss_shm_slot *sl = fake_claim(ipc.hdr, fake_register(ipc.hdr, "victim"), "victim");
        if (sl)
            push_n(ipc.hdr, sl, 1, 1000);
        raise(SIGKILL);
        _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    wait_for(&s.procs_ended, 1);
    assert_int_equal(atomic_load(&s.procs_ended), 1); /* seen gone while the drain ran */
    ss_drain_stop(d);
    assert_int_equal(atomic_load(&s.events), 1000);
    assert_int_equal(atomic_load(&s.out_of_order), 0);
    ss_drain_proc *p = ss_drain_proc_at(d, 0);
    assert_int_equal(p->pid, (uint32_t)pid);
    assert_false(p->still_running);
    assert_false(p->cpu_known); /* killed: it never said */
    ss_drain_free(d);
    ss_ipc_destroy(&ipc);
}

/* --- the spool: a trace with a run per process ------------------------------ */
static void describe(void *ud, ss_drain *d, size_t i, ss_spool_run *r)
{
    (void)ud;
    ss_drain_proc *p = ss_drain_proc_at(d, i);
    snprintf(r->model, sizeof r->model, "%.63s", p->exe);
    snprintf(r->mechanism, sizeof r->mechanism, "%s", ss_observe_model(&p->obs, NULL, 0));
    ss_spool_param(r, "pid", "%u", p->pid);
    ss_spool_note(r, "end", "test");
}

static void spool_writes_a_run_per_process(void **state)
{
    (void)state;
    char err[256];
    ss_ipc ipc;
    ss_ipc_opts o = {.nslots = 4, .ring_events = 256, .nprocs = 4};
    assert_int_equal(ss_ipc_create(&ipc, &o, err, sizeof err), 0);
    ss_spool *sp = ss_spool_open(ss_ticks(), err, sizeof err);
    assert_non_null(sp);
    ss_drain_sink sink;
    ss_spool_sink(sp, &sink);
    ss_drain *d = ss_drain_start(&ipc, &sink, err, sizeof err);
    assert_non_null(d);
    pid_t pid = fork();
    if (pid == 0) { /* a second process: 300 events, then a normal end */
        ss_shm_slot *sl = fake_claim(ipc.hdr, fake_register(ipc.hdr, "child"), "child-main");
        if (sl)
            push_n(ipc.hdr, sl, 1, 300);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    producer pr = {ipc.hdr, fake_register(ipc.hdr, "parent"), 5000};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
    pthread_join(t, NULL);
    ss_drain_stop(d);
    const char *path = tu_tmpfile(".sstrace");
    assert_int_equal(ss_spool_write(sp, path, d, describe, NULL, err, sizeof err), 0);
    ss_stats st;
    assert_int_equal(ss_stats_load(path, &st, err, sizeof err), 0);
    assert_int_equal(st.nruns, 2);
    assert_string_equal(st.runs[0].meta.model, "child");
    assert_string_equal(st.runs[1].meta.model, "parent");
    assert_int_equal(st.runs[0].server.calls[SS_API_RECV], 300);
    assert_int_equal(st.runs[1].server.calls[SS_API_RECV], 5000);
    assert_int_equal(st.runs[0].server.bytes_in, 300 * 512);
    assert_int_equal(st.runs[0].meta.pid, (uint32_t)pid);
    assert_true(st.runs[0].has_end && st.runs[1].has_end);
    assert_false(st.scan.truncated || st.scan.corrupt);
    assert_int_equal(st.scan.late_events, 0);
    ss_stats_free(&st);
    ss_drain_free(d);
    ss_spool_close(sp);
    ss_ipc_destroy(&ipc);
}

/* --- recognising the I/O model ----------------------------------------------- */
static void feed(ss_observe *o, int *tf, int api, int n, int64_t ret, int err)
{
    for (int i = 0; i < n; i++) {
        ss_event ev = {.api = (uint16_t)api, .ret = ret, .err = (uint8_t)err, .flags = SS_EV_KERNEL};
        ss_observe_event(o, tf, &ev);
    }
}

static void models_are_recognised(void **state)
{
    (void)state;
    ss_observe o = {0};
    int tf = 0;
    assert_string_equal(ss_observe_model(&o, NULL, 0), "");
    feed(&o, &tf, SS_API_ACCEPT, 1, 4, 0);
    feed(&o, &tf, SS_API_RECV, 10, 100, 0);
    feed(&o, &tf, SS_API_SEND, 10, 100, 0);
    ss_observe_thread(&o, tf);
    assert_string_equal(ss_observe_model(&o, NULL, 0), "blocking iterative (observed)");
    ss_observe t = o; /* the same, with clients served by other threads */
    ss_observe_thread(&t, SS_OBS_IO);
    ss_observe_thread(&t, SS_OBS_IO);
    assert_string_equal(ss_observe_model(&t, NULL, 0), "thread per client (observed)");
    ss_observe nb = o; /* spinning on EWOULDBLOCK */
    feed(&nb, &tf, SS_API_RECV, 500, -1, SS_E_WOULDBLOCK);
    assert_string_equal(ss_observe_model(&nb, NULL, 0), "non-blocking polling (observed)");
    ss_observe sel = nb; /* a readiness call names the model whatever else it does */
    feed(&sel, &tf, SS_API_SELECT, 1, 1, 0);
    assert_string_equal(ss_observe_model(&sel, NULL, 0), "select-based (observed)");
    feed(&sel, &tf, SS_API_POLL, 1, 1, 0);
    assert_string_equal(ss_observe_model(&sel, NULL, 0), "poll-based (observed)");
    feed(&sel, &tf, SS_API_EPOLL_WAIT, 1, 1, 0);
    assert_string_equal(ss_observe_model(&sel, NULL, 0), "epoll-based (observed)");
    /* a forked child serving one client, and its parent counted with it */
    ss_observe child = {0}, total = {0};
    int ctf = 0;
    child.child = 1;
    feed(&child, &ctf, SS_API_RECV, 3, 10, 0);
    ss_observe_thread(&child, ctf);
    assert_string_equal(ss_observe_model(&child, NULL, 0), "process per client (observed)");
    ss_observe_add(&total, &o);
    ss_observe_add(&total, &child);
    assert_string_equal(ss_observe_model(&total, NULL, 0), "process per client (observed)");
    char detail[96];
    ss_observe_model(&o, detail, sizeof detail);
    assert_non_null(strstr(detail, "21 calls"));
}

/* --- the --program command line ------------------------------------------------ */
static void commands_split_as_a_shell_would(void **state)
{
    (void)state;
    char err[256];
    char **argv = ss_split_command("./srv --port={port} 'a b' \"c \\\"d\\\"\" e\\ f  {port}x", 9000, err, sizeof err);
    assert_non_null(argv);
    const char *want[] = {"./srv", "--port=9000", "a b", "c \"d\"", "e f", "9000x", NULL};
    for (int i = 0; want[i]; i++)
        assert_string_equal(argv[i], want[i]);
    assert_null(argv[6]);
    free(argv);
    assert_null(ss_split_command("./srv 'open", 1, err, sizeof err));
    assert_non_null(strstr(err, "unbalanced"));
    assert_null(ss_split_command("   ", 1, err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_event_once_in_order),       cmocka_unit_test(killed_process_loses_nothing),
        cmocka_unit_test(spool_writes_a_run_per_process),  cmocka_unit_test(models_are_recognised),
        cmocka_unit_test(commands_split_as_a_shell_would),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
