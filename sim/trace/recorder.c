#include "sim/trace/recorder.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/trace/clock.h"
#include "sim/trace/codec.h"
#include "sim/trace/recorder_int.h"
#include "sim/trace/switchcount.h"

#define DRAIN_BATCH 4096
#define MAX_NOTES 32

typedef struct ss_thr {
    ss_ring ring;
    uint32_t run, idx;
    int role;
    char name[48];
    struct rusage ru0;
    uint64_t user_ns, sys_ns;
    uint64_t dropped_before; /* a foreign thread's: dropped in its own ring, before ours */
    _Atomic int ended;
    struct ss_thr *next;
} ss_thr;

_Atomic int ss_rec_active;
int ss_rec_detect_waits = 1;
_Thread_local ss_tls_rec ss_tls;
_Atomic uint32_t ss_rec_gen = 1;
static _Thread_local ss_thr *tls_thr;

static struct {
    pthread_mutex_t lock;
    FILE *out;
    pthread_t writer;
    int writer_running, stop_writer;
    int writer_rt;    /* the writer runs at real-time priority */
    int full_wait_ms; /* how long a thread with a full ring waits for the writer */
    size_t ring_events;
    uint32_t run, last_run, next_idx; /* run: the open run (0 = none) */
    uint64_t run_t0;  /* ticks at run start */
    double ns_per_tick;
    struct rusage run_ru0;
    ss_thr *threads;
    ss_event *batch;
    ss_buf chunk;
    int write_failed;
    char write_err[160];
    char *notes[MAX_NOTES][2];
    int nnotes;
} R = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t tv_ns(struct timeval tv) { return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull; }
static uint64_t diff_ns(struct timeval a, struct timeval b)
{
    uint64_t x = tv_ns(a), y = tv_ns(b);
    return y > x ? y - x : 0;
}

/* --- chunk output (caller holds R.lock) ----------------------------------- */
static void chunk_begin(uint32_t type) { ss_chunk_begin(&R.chunk, type); }

static void chunk_end(void)
{
    if (R.chunk.oom) {
        R.write_failed = 1;
        snprintf(R.write_err, sizeof R.write_err, "out of memory while encoding a trace chunk");
        R.chunk.oom = 0;
        return;
    }
    ss_chunk_seal(&R.chunk);
    if (!R.out || R.write_failed)
        return;
    if (fwrite(R.chunk.p, 1, R.chunk.len, R.out) != R.chunk.len) {
        R.write_failed = 1;
        snprintf(R.write_err, sizeof R.write_err, "writing the trace failed: %s", strerror(errno));
    }
}

static void write_thread_end(ss_thr *t)
{
    chunk_begin(SS_CHUNK_THREAD_END);
    ss_put_uv(&R.chunk, t->run);
    ss_put_uv(&R.chunk, t->idx);
    ss_put_uv(&R.chunk, t->user_ns);
    ss_put_uv(&R.chunk, t->sys_ns);
    ss_put_uv(&R.chunk, atomic_load(&t->ring.pushed));
    ss_put_uv(&R.chunk, atomic_load(&t->ring.dropped) + t->dropped_before);
    chunk_end();
}

/* Drain every ring once. The SYNC chunk written after a pass promises that
 * every event whose exit time is before the pass began has now been written
 * (give or take a producer preempted between reading its clock and pushing,
 * which is why readers keep a slack window). */
static size_t drain_pass(void)
{
    if (!R.run)
        return 0;
    uint64_t barrier = ss_ticks();
    size_t most = 0; /* the fullest ring's backlog, to pace the writer */
    ss_thr **pp = &R.threads;
    while (*pp) {
        ss_thr *t = *pp;
        int ended = atomic_load(&t->ended); /* read before draining: no push after */
        size_t n, backlog = 0;
        while ((n = ss_ring_pop(&t->ring, R.batch, DRAIN_BATCH)) > 0) {
            backlog += n;
            chunk_begin(SS_CHUNK_EVENTS);
            ss_put_uv(&R.chunk, t->run);
            ss_put_uv(&R.chunk, t->idx);
            ss_put_uv(&R.chunk, n);
            uint64_t prev = 0;
            for (size_t i = 0; i < n; i++) {
                ss_event ev = R.batch[i];
                ev.t0 = ss_ticks_to_ns(ev.t0, R.run_t0, R.ns_per_tick);
                ev.t1 = ss_ticks_to_ns(ev.t1, R.run_t0, R.ns_per_tick);
                ss_encode_event(&R.chunk, &ev, &prev);
            }
            chunk_end();
        }
        if (backlog > most)
            most = backlog;
        if (ended) {
            write_thread_end(t);
            *pp = t->next;
            ss_ring_free(&t->ring);
            free(t);
        } else {
            pp = &t->next;
        }
    }
    chunk_begin(SS_CHUNK_SYNC);
    ss_put_uv(&R.chunk, R.run);
    ss_put_uv(&R.chunk, ss_ticks_to_ns(barrier, R.run_t0, R.ns_per_tick));
    chunk_end();
    /* one write(2) per pass: a reader of a file cut off mid-pass still gets
     * every complete chunk */
    if (R.out && !R.write_failed && fflush(R.out) != 0) {
        R.write_failed = 1;
        snprintf(R.write_err, sizeof R.write_err, "writing the trace failed: %s", strerror(errno));
    }
    return most;
}

/* The writer sleeps 4 ms between passes while rings stay under a quarter
 * full, and down to 0.5 ms when one fills faster: on a 2-core machine every
 * wake-up takes a core from the server being measured. */
static void *writer_main(void *arg)
{
    (void)arg;
    long nap_us = 1000;
    for (;;) {
        struct timespec nap = {0, nap_us * 1000};
        nanosleep(&nap, NULL);
        pthread_mutex_lock(&R.lock);
        int stop = R.stop_writer;
        size_t most = drain_pass();
        size_t quarter = (R.ring_events + 3) / 4;
        pthread_mutex_unlock(&R.lock);
        if (stop)
            return NULL;
        if (most > quarter)
            nap_us = nap_us / 2 > 500 ? nap_us / 2 : 500;
        else if (most < quarter / 2)
            nap_us = nap_us * 2 < 4000 ? nap_us * 2 : 4000;
    }
}

int ss_rec_open(const char *path, const ss_rec_opts *opts, char *err, size_t errlen)
{
    ss_clock_init();
    pthread_mutex_lock(&R.lock);
    if (R.out) {
        pthread_mutex_unlock(&R.lock);
        snprintf(err, errlen, "a trace is already being recorded");
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot create trace file '%s': %s", path, strerror(errno));
        pthread_mutex_unlock(&R.lock);
        return -1;
    }
    uint8_t hdr[SS_FILE_HEADER_SIZE] = {0};
    memcpy(hdr, SS_TRACE_MAGIC, 8);
    hdr[8] = SS_TRACE_VERSION;
    hdr[10] = SS_FILE_HEADER_SIZE;
    if (fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr) {
        snprintf(err, errlen, "cannot write trace file '%s': %s", path, strerror(errno));
        fclose(f);
        pthread_mutex_unlock(&R.lock);
        return -1;
    }
    R.out = f;
    R.ring_events = opts && opts->ring_events ? opts->ring_events : 16384;
    ss_rec_detect_waits = opts ? opts->detect_waits : 1;
    R.full_wait_ms = !opts || !opts->full_wait_ms ? 250 : opts->full_wait_ms;
    if (ss_rec_detect_waits)
        ss_sw_attach();
    R.batch = malloc(DRAIN_BATCH * sizeof *R.batch);
    R.write_failed = 0;
    R.stop_writer = 0;
    R.ns_per_tick = ss_clock_ns_per_tick();
    R.writer_running = pthread_create(&R.writer, NULL, writer_main, NULL) == 0;
    /* A thread spinning on EWOULDBLOCK records a million events a second;
     * among 20 busy clients on 2 cores a fair share of the CPU is not enough
     * for the writer to keep its ring from overflowing. At real-time
     * priority 1 (root, or RLIMIT_RTPRIO) it runs as soon as it wakes; it
     * sleeps between passes, so it takes no more than it needs. */
#ifndef _WIN32
    struct sched_param sp = {.sched_priority = 1};
    R.writer_rt = R.writer_running && pthread_setschedparam(R.writer, SCHED_FIFO, &sp) == 0;
#endif
    pthread_mutex_unlock(&R.lock);
    if (!R.batch || !R.writer_running) {
        snprintf(err, errlen, "cannot start the trace writer");
        ss_rec_close(NULL, 0);
        return -1;
    }
    return 0;
}

int ss_rec_close(char *err, size_t errlen)
{
    if (R.run)
        ss_run_end();
    pthread_mutex_lock(&R.lock);
    R.stop_writer = 1;
    pthread_mutex_unlock(&R.lock);
    if (R.writer_running)
        pthread_join(R.writer, NULL);
    R.writer_running = 0;
    ss_sw_detach();
    int rc = R.write_failed ? -1 : 0;
    if (R.out && fclose(R.out) != 0 && !R.write_failed) {
        rc = -1;
        snprintf(R.write_err, sizeof R.write_err, "closing the trace failed: %s", strerror(errno));
    }
    if (rc && err)
        snprintf(err, errlen, "%s", R.write_err);
    R.out = NULL;
    free(R.batch);
    R.batch = NULL;
    ss_buf_free(&R.chunk);
    return rc;
}

/* CLKA: where the trace clock stands against CLOCK_REALTIME, so that
 * traces recorded on several machines can be put on one time axis
 * (`sockscope merge`). Written after RUNB and before RUNE; older readers
 * skip it. */
static void write_anchor(void)
{
    ss_anchor_reading a = ss_clock_anchor_read();
    chunk_begin(SS_CHUNK_CLOCK_ANCHOR);
    ss_put_uv(&R.chunk, R.run);
    ss_put_uv(&R.chunk, ss_ticks_to_ns(a.ticks, R.run_t0, R.ns_per_tick));
    ss_put_uv(&R.chunk, a.real_ns);
    ss_put_uv(&R.chunk, (uint64_t)((double)a.gap_ticks * R.ns_per_tick / 2) + 1);
    chunk_end();
}

uint32_t ss_run_begin(const ss_run_info *info)
{
    pthread_mutex_lock(&R.lock);
    R.run = ++R.last_run;
    R.next_idx = 0;
    R.nnotes = 0;
    getrusage(RUSAGE_SELF, &R.run_ru0);
    R.run_t0 = ss_ticks();
    chunk_begin(SS_CHUNK_RUN_BEGIN);
    ss_put_uv(&R.chunk, R.run);
    ss_put_str(&R.chunk, info->model);
    ss_put_str(&R.chunk, info->mechanism);
    ss_put_str(&R.chunk, ss_clock_name());
    ss_put_uv(&R.chunk, ss_wall_ns());
    ss_put_uv(&R.chunk, (uint64_t)getpid());
    ss_put_uv(&R.chunk, (uint64_t)info->nparams);
    for (int i = 0; i < info->nparams; i++) {
        ss_put_str(&R.chunk, info->params[i].key);
        ss_put_str(&R.chunk, info->params[i].value);
    }
    chunk_end();
    write_anchor();
    atomic_fetch_add(&ss_rec_gen, 1);
    atomic_store(&ss_rec_active, R.out != NULL);
    uint32_t id = R.run;
    pthread_mutex_unlock(&R.lock);
    if (ss_rec_detect_waits && ss_sw_source()) /* how "really waited" was decided */
        ss_run_note("wait_counter", ss_sw_source());
    ss_run_note("trace_writer", R.writer_rt ? "real-time (SCHED_FIFO 1)" : "normal priority");
    return id;
}

void ss_run_note(const char *key, const char *value)
{
    pthread_mutex_lock(&R.lock);
    if (R.run && R.nnotes < MAX_NOTES) {
        R.notes[R.nnotes][0] = strdup(key);
        R.notes[R.nnotes][1] = strdup(value);
        R.nnotes++;
    }
    pthread_mutex_unlock(&R.lock);
}

static void thread_finish(ss_thr *t)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    t->user_ns = diff_ns(t->ru0.ru_utime, ru.ru_utime);
    t->sys_ns = diff_ns(t->ru0.ru_stime, ru.ru_stime);
    atomic_store(&t->ended, 1);
}

void ss_run_end(void)
{
    if (tls_thr && ss_tls.gen == atomic_load(&ss_rec_gen))
        thread_finish(tls_thr); /* the controlling thread leaves the run */
    tls_thr = NULL;
    ss_tls.ring = NULL;
    pthread_mutex_lock(&R.lock);
    if (!R.run) {
        pthread_mutex_unlock(&R.lock);
        return;
    }
    atomic_store(&ss_rec_active, 0);
    uint64_t dur = ss_ticks_to_ns(ss_ticks(), R.run_t0, R.ns_per_tick);
    /* Threads that never called ss_thread_end (they must have stopped
     * recording by now) are closed without CPU figures. */
    for (ss_thr *t = R.threads; t; t = t->next)
        atomic_store(&t->ended, 1);
    drain_pass();
    write_anchor(); /* a second reading: how fast the trace clock ran against real time */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    chunk_begin(SS_CHUNK_RUN_END);
    ss_put_uv(&R.chunk, R.run);
    ss_put_uv(&R.chunk, dur);
    ss_put_uv(&R.chunk, diff_ns(R.run_ru0.ru_utime, ru.ru_utime));
    ss_put_uv(&R.chunk, diff_ns(R.run_ru0.ru_stime, ru.ru_stime));
    ss_put_uv(&R.chunk, (uint64_t)R.nnotes);
    for (int i = 0; i < R.nnotes; i++) {
        ss_put_str(&R.chunk, R.notes[i][0]);
        ss_put_str(&R.chunk, R.notes[i][1]);
        free(R.notes[i][0]);
        free(R.notes[i][1]);
    }
    R.nnotes = 0;
    chunk_end();
    R.run = 0;
    atomic_fetch_add(&ss_rec_gen, 1);
    pthread_mutex_unlock(&R.lock);
}

/* a thread joins the open run: its ring, and its THRD chunk */
static ss_thr *thread_new(ss_role role, const char *name, uint32_t os_tid, uint32_t *gen)
{
    ss_thr *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_lock(&R.lock);
    if (!R.run || ss_ring_init(&t->ring, R.ring_events) != 0) {
        pthread_mutex_unlock(&R.lock);
        free(t);
        return NULL;
    }
    t->run = R.run;
    t->idx = R.next_idx++;
    t->role = role;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "thread");
    chunk_begin(SS_CHUNK_THREAD);
    ss_put_uv(&R.chunk, t->run);
    ss_put_uv(&R.chunk, t->idx);
    ss_put_uv(&R.chunk, (uint64_t)role);
    ss_put_uv(&R.chunk, os_tid);
    ss_put_str(&R.chunk, t->name);
    chunk_end();
    t->next = R.threads;
    R.threads = t;
    *gen = atomic_load(&ss_rec_gen);
    pthread_mutex_unlock(&R.lock);
    return t;
}

void ss_thread_begin(ss_role role, const char *name)
{
    ss_tls.ring = NULL;
    tls_thr = NULL;
    if (!ss_recording())
        return;
    uint32_t gen;
    ss_thr *t = thread_new(role, name, (uint32_t)syscall(SYS_gettid), &gen);
    if (!t)
        return;
    getrusage(RUSAGE_THREAD, &t->ru0);
    ss_tls.gen = gen;
    ss_tls.ring = &t->ring;
    tls_thr = t;
}

ss_rec_thread *ss_rec_foreign_begin(ss_role role, uint32_t os_tid, const char *name)
{
    uint32_t gen;
    return ss_recording() ? thread_new(role, name, os_tid, &gen) : NULL;
}

/* The pusher (a drain) waits for the writer as a full ring's thread does,
 * but records no trace_wait: the program's thread was not held by it (its
 * own ring's waits are recorded where they happen, in the program). */
void ss_rec_foreign_push(ss_rec_thread *t, const ss_event *ev, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        int waited_us = 0;
        while (!ss_ring_try_push(&t->ring, &ev[i])) {
            if (R.full_wait_ms <= 0 || waited_us >= R.full_wait_ms * 1000) {
                atomic_fetch_add_explicit(&t->ring.dropped, 1, memory_order_relaxed);
                break;
            }
            struct timespec nap = {0, 100 * 1000};
            nanosleep(&nap, NULL);
            waited_us += 100;
        }
    }
}

void ss_rec_foreign_end(ss_rec_thread *t, uint64_t user_ns, uint64_t sys_ns, uint64_t dropped_before)
{
    if (!t)
        return;
    t->user_ns = user_ns;
    t->sys_ns = sys_ns;
    t->dropped_before = dropped_before;
    atomic_store(&t->ended, 1);
}

void ss_thread_end(void)
{
    ss_sw_thread_end();
    if (tls_thr && ss_tls.gen == atomic_load(&ss_rec_gen))
        thread_finish(tls_thr);
    tls_thr = NULL;
    ss_tls.ring = NULL;
}

int ss_thread_index(void)
{
    return tls_thr && ss_tls.gen == atomic_load(&ss_rec_gen) ? (int)tls_thr->idx : -1;
}

ss_ring *ss_rec_attach(void)
{
    ss_thread_begin(SS_ROLE_CONTROL, "unnamed");
    return ss_tls.ring;
}

int ss_rec_writer_realtime(void) { return R.writer_rt; }

int ss_rec_wait_detection(void) { return ss_rec_detect_waits; }

size_t ss_rec_thread_backlog(size_t *capacity)
{
    ss_ring *r = ss_tls.gen == atomic_load(&ss_rec_gen) ? ss_tls.ring : NULL;
    *capacity = r ? (size_t)r->mask + 1 : 0;
    return r ? (size_t)(atomic_load(&r->tail) - atomic_load(&r->head)) : 0;
}

/* The ring is full: the writer is behind (not scheduled: a spinning model
 * on a loaded machine). Rather than lose the event, the thread sleeps in
 * 100 µs steps, giving its CPU away, until the writer has drained the ring
 * or full_wait_ms have passed. That wait is the recorder's, not the
 * model's, so it is recorded as its own event (trace_wait) right after the
 * one that waited; readers and the viewer show it as such. */
void ss_rec_full(ss_ring *r, const ss_event *ev)
{
    uint64_t t0 = ss_ticks();
    for (int waited_us = 0; R.full_wait_ms > 0 && waited_us < R.full_wait_ms * 1000; waited_us += 100) {
        struct timespec nap = {0, 100 * 1000};
        nanosleep(&nap, NULL);
        if (!ss_ring_try_push(r, ev))
            continue;
        ss_event w = {.t0 = t0, .t1 = ss_ticks(), .sock = -1, .api = SS_API_TRACE_WAIT};
        ss_ring_push(r, &w); /* the ring had room for one: almost surely for two */
        return;
    }
    atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
}

uint64_t ss_rec_dropped(void)
{
    uint64_t d = 0;
    pthread_mutex_lock(&R.lock);
    for (ss_thr *t = R.threads; t; t = t->next)
        d += atomic_load(&t->ring.dropped);
    pthread_mutex_unlock(&R.lock);
    return d;
}

uint64_t ss_rec_run_ns(void)
{
    pthread_mutex_lock(&R.lock);
    uint64_t ns = R.run ? ss_ticks_to_ns(ss_ticks(), R.run_t0, R.ns_per_tick) : 0;
    pthread_mutex_unlock(&R.lock);
    return ns;
}
