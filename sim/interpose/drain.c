#include "sim/interpose/drain.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/trace/clock.h"

#define BATCH 4096
/* A thread is handed to the sink a little after its first event, so that a
 * name given just after it started (pthread_setname_np by its creator) is
 * the name it gets in the trace; its ring holds the events meanwhile. */
#define ANNOUNCE_DELAY_NS 20000000ull

typedef struct dslot {
    int active; /* a thread of a process we know holds it */
    uint32_t tenant;
    int proc;            /* index in d->procs */
    void *th;            /* the sink's handle; NULL until announced */
    uint64_t first_seen; /* ticks */
    uint32_t name_gen;
    char name[SS_SHM_NAME];
    int tflags; /* what the thread did (ss_observe) */
} dslot;

typedef struct dproc {
    ss_drain_proc pub;
    uint32_t index; /* in the shared process table */
    int pidfd;
    int gone;  /* exited or replaced: its rings get nothing more */
    int ended; /* handed to proc_end */
    int live_slots;
    uint32_t renamed;
    uint64_t threads_user_ns, threads_sys_ns; /* its ended threads' CPU */
} dproc;

struct ss_drain {
    ss_ipc *ipc;
    ss_shm_hdr *h;
    ss_drain_sink sink;
    pthread_t thread;
    int running;
    _Atomic int stop;
    pthread_mutex_t lock; /* guards procs, nprocs and gone against ss_drain_live/seen */
    dproc **procs;        /* each its own allocation: the sink keeps pointers to them */
    size_t nprocs, capprocs;
    int *by_index; /* shm process index -> d->procs index, -1 unknown */
    dslot *slots;
    ss_event *batch;
    double ns_per_tick;
};

static long pidfd_open(pid_t pid) { return syscall(SYS_pidfd_open, pid, 0); }

/* /proc/PID/stat says Z, or the pid is gone: for kernels without pidfds */
static int proc_dead(pid_t pid)
{
    if (kill(pid, 0) != 0 && errno == ESRCH)
        return 1;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/* --- processes ------------------------------------------------------------ */
static void adopt(ss_drain *d, uint32_t i)
{
    ss_shm_proc *sp = ss_shm_proc_at(d->h, i);
    pthread_mutex_lock(&d->lock);
    if (d->nprocs == d->capprocs) {
        size_t cap = d->capprocs ? d->capprocs * 2 : 16;
        dproc **pp = realloc(d->procs, cap * sizeof *pp);
        if (!pp) {
            pthread_mutex_unlock(&d->lock);
            return; /* tried again next pass */
        }
        d->procs = pp;
        d->capprocs = cap;
    }
    dproc *p = calloc(1, sizeof *p);
    if (!p) {
        pthread_mutex_unlock(&d->lock);
        return;
    }
    d->procs[d->nprocs] = p;
    p->index = i;
    p->pub.pid = sp->pid;
    p->pub.ppid = sp->ppid;
    memcpy(p->pub.exe, sp->exe, sizeof p->pub.exe);
    memcpy(p->pub.comm, sp->comm, sizeof p->pub.comm);
    p->pub.exe[sizeof p->pub.exe - 1] = p->pub.comm[sizeof p->pub.comm - 1] = 0;
    p->pub.t_start = sp->t_start;
    p->pub.parent = -1;
    p->renamed = atomic_load(&sp->renamed);
    for (size_t k = 0; k < d->nprocs; k++) {
        dproc *q = d->procs[k];
        if (q->gone)
            continue;
        if (q->pub.pid == p->pub.pid) { /* the same pid again: an exec replaced that image */
            q->gone = 1;
            q->pub.exec_replaced = 1;
            q->pub.t_end = p->pub.t_start;
        } else if (q->pub.pid == p->pub.ppid && p->pub.parent < 0) {
            p->pub.parent = (int)k;
        }
    }
    p->pidfd = (int)pidfd_open((pid_t)p->pub.pid);
    if (p->pidfd >= 0)
        fcntl(p->pidfd, F_SETFD, FD_CLOEXEC);
    else if (errno == ESRCH)
        p->gone = 1; /* gone (and reaped) before we looked */
    p->pub.obs.child = p->pub.parent >= 0;
    d->by_index[i] = (int)d->nprocs;
    d->nprocs++;
    pthread_mutex_unlock(&d->lock);
    /* from now on the BPF counter counts its threads: it may read it */
    if (d->ipc->wc_on && !p->gone && ss_waitcount_add(&d->ipc->wc, p->pub.pid) == 0)
        atomic_store_explicit(&sp->counted, 1, memory_order_release);
    if (d->sink.proc_begin)
        d->sink.proc_begin(d->sink.ud, &p->pub);
}

static void adopt_new(ss_drain *d)
{
    uint32_t n = atomic_load_explicit(&d->h->nprocs, memory_order_acquire);
    if (n > d->h->nprocs_max)
        n = d->h->nprocs_max;
    for (uint32_t i = 0; i < n; i++)
        if (d->by_index[i] < 0 &&
            atomic_load_explicit(&ss_shm_proc_at(d->h, i)->state, memory_order_acquire) == SS_PROC_LIVE)
            adopt(d, i);
}

/* which processes are gone: checked before their rings are drained, so
 * that draining them afterwards takes their last event */
static void check_gone(ss_drain *d, uint64_t now)
{
    struct pollfd pf[256];
    size_t idx[256];
    size_t k = 0;
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i <= d->nprocs; i++) {
        if (i < d->nprocs && !d->procs[i]->gone) {
            dproc *p = d->procs[i];
            if (p->pidfd < 0) {
                if (proc_dead((pid_t)p->pub.pid)) {
                    p->gone = 1;
                    p->pub.t_end = now;
                }
                continue;
            }
            pf[k] = (struct pollfd){p->pidfd, POLLIN, 0};
            idx[k++] = i;
        }
        if (k == 256 || (i == d->nprocs && k)) {
            if (poll(pf, k, 0) > 0)
                for (size_t j = 0; j < k; j++)
                    if (pf[j].revents) {
                        d->procs[idx[j]]->gone = 1;
                        d->procs[idx[j]]->pub.t_end = now;
                    }
            k = 0;
        }
    }
    pthread_mutex_unlock(&d->lock);
}

static void end_proc(ss_drain *d, dproc *p)
{
    ss_shm_proc *sp = ss_shm_proc_at(d->h, p->index);
    p->pub.counter_used = atomic_load(&sp->counter_used) != 0;
    p->pub.cpu_known = atomic_load(&sp->exited) != 0;
    p->pub.cpu_user_ns = p->pub.cpu_known ? atomic_load(&sp->cpu_user_ns) : p->threads_user_ns;
    p->pub.cpu_sys_ns = p->pub.cpu_known ? atomic_load(&sp->cpu_sys_ns) : p->threads_sys_ns;
    if (p->pidfd >= 0)
        close(p->pidfd);
    p->pidfd = -1;
    p->ended = 1;
    int pid_lives_on = 0; /* an exec's next image has the pid */
    for (size_t k = 0; k < d->nprocs; k++)
        pid_lives_on |= !d->procs[k]->gone && d->procs[k]->pub.pid == p->pub.pid;
    if (d->ipc->wc_on && !pid_lives_on)
        ss_waitcount_remove(&d->ipc->wc, p->pub.pid);
    if (d->sink.proc_end)
        d->sink.proc_end(d->sink.ud, &p->pub);
}

/* --- threads ---------------------------------------------------------------- */
static int read_name(ss_shm_slot *s, char *out)
{
    for (int tries = 0; tries < 100; tries++) {
        uint32_t g = atomic_load_explicit(&s->name_gen, memory_order_acquire);
        if (g & 1)
            continue;
        char buf[SS_SHM_NAME];
        memcpy(buf, s->name, sizeof buf);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->name_gen, memory_order_relaxed) != g)
            continue;
        buf[sizeof buf - 1] = 0;
        memcpy(out, buf, sizeof buf);
        return (int)g;
    }
    return -1;
}

static void comm_of(uint32_t pid, uint32_t tid, char *out)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%u/task/%u/comm", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char buf[SS_SHM_NAME + 2] = "";
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        buf[SS_SHM_NAME - 1] = 0; /* the kernel's comm is 15 bytes at most */
        memcpy(out, buf, SS_SHM_NAME);
    }
    fclose(f);
}

static void take(ss_drain *d, dslot *L, ss_shm_slot *s, dproc *p)
{
    size_t n;
    uint64_t mask = d->h->ring_events - 1;
    while ((n = ss_shm_pop(s, mask, d->batch, BATCH)) > 0) {
        for (size_t i = 0; i < n; i++)
            ss_observe_event(&p->pub.obs, &L->tflags, &d->batch[i]);
        p->pub.events += n;
        d->sink.events(d->sink.ud, L->th, d->batch, n);
    }
}

/* CPU figures: at the thread's end or exit(); killed, at its last wait reading */
static void end_slot(ss_drain *d, dslot *L, ss_shm_slot *s, dproc *p)
{
    ss_drain_thread_end e = {0};
    e.cpu_user_ns = atomic_load(&s->cpu_user_ns);
    e.cpu_sys_ns = atomic_load(&s->cpu_sys_ns);
    e.pushed = atomic_load(&s->tail); /* every push advanced it, from 0 */
    e.dropped = atomic_load(&s->dropped);
    e.unrecorded = atomic_load(&s->unrecorded);
    p->pub.dropped += e.dropped;
    p->pub.unrecorded += e.unrecorded;
    p->threads_user_ns += e.cpu_user_ns;
    p->threads_sys_ns += e.cpu_sys_ns;
    ss_observe_thread(&p->pub.obs, L->tflags);
    d->sink.thread_end(d->sink.ud, L->th, &e);
    /* reset for the next tenant, then free it (release: the reset first) */
    atomic_store(&s->head, 0);
    atomic_store(&s->tail, 0);
    atomic_store(&s->dropped, 0);
    atomic_store(&s->unrecorded, 0);
    atomic_store(&s->cpu_user_ns, 0);
    atomic_store(&s->cpu_sys_ns, 0);
    s->nest_w = s->nest_r = 0;
    /* its BPF counter slot, if the thread had one and did not free it */
    uint32_t tid = s->tid;
    _Atomic uint32_t *owner = (_Atomic uint32_t *)((char *)d->h + d->h->bpf_owner_off);
    atomic_compare_exchange_strong(&owner[tid & (d->h->bpf_nslot - 1)], &tid, 0);
    atomic_store_explicit(&s->state, SS_SLOT_FREE, memory_order_release);
    L->active = 0;
    L->th = NULL;
    p->live_slots--;
}

static void slot_pass(ss_drain *d, uint32_t i, uint64_t now, int final)
{
    ss_shm_slot *s = ss_shm_slot_at(d->h, i);
    dslot *L = &d->slots[i];
    uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
    if (st != SS_SLOT_LIVE && st != SS_SLOT_ENDED)
        return;
    if (!L->active || L->tenant != s->tenant) {
        if (L->active) /* cannot happen: a slot is freed only by us */
            return;
        uint32_t pi = s->proc;
        if (pi >= d->h->nprocs_max || d->by_index[pi] < 0)
            return; /* its process is not adopted yet: next pass */
        memset(L, 0, sizeof *L);
        L->active = 1;
        L->tenant = s->tenant;
        L->proc = d->by_index[pi];
        L->first_seen = now;
        d->procs[L->proc]->live_slots++;
    }
    dproc *p = d->procs[L->proc];
    int gone = p->gone || final;
    int ended = st == SS_SLOT_ENDED || gone;
    if (!L->th) {
        uint64_t age_ns = (uint64_t)((double)(now - L->first_seen) * d->ns_per_tick);
        if (!ended && age_ns < ANNOUNCE_DELAY_NS && ss_shm_backlog(s) < d->h->ring_events / 4)
            return;
        int g = read_name(s, L->name);
        L->name_gen = g < 0 ? 0 : (uint32_t)g;
        if (p->renamed) /* named by another thread since it started? the kernel knows */
            comm_of(p->pub.pid, s->tid, L->name);
        L->th = d->sink.thread_begin(d->sink.ud, &p->pub, s->tid, L->name);
        p->pub.threads++;
    } else if (atomic_load_explicit(&s->name_gen, memory_order_acquire) != L->name_gen) {
        char name[SS_SHM_NAME];
        int g = read_name(s, name);
        if (g >= 0) {
            L->name_gen = (uint32_t)g;
            if (strcmp(name, L->name) != 0 && d->sink.thread_rename) {
                memcpy(L->name, name, sizeof name);
                d->sink.thread_rename(d->sink.ud, L->th, name);
            }
        }
    }
    take(d, L, s, p);
    if (ended)
        end_slot(d, L, s, p);
}

/* pthread_setname_np on another thread: the kernel has the name */
static void renames(ss_drain *d)
{
    uint32_t n = atomic_load(&d->h->nprocs);
    for (uint32_t i = 0; i < n && i < d->h->nprocs_max; i++) {
        if (d->by_index[i] < 0)
            continue;
        dproc *p = d->procs[d->by_index[i]];
        uint32_t r = atomic_load(&ss_shm_proc_at(d->h, i)->renamed);
        if (r == p->renamed || p->gone)
            continue;
        p->renamed = r;
        uint32_t high = atomic_load(&d->h->slots_high);
        for (uint32_t k = 0; k < high; k++) {
            dslot *L = &d->slots[k];
            if (!L->active || !L->th || L->proc != d->by_index[i])
                continue;
            char name[SS_SHM_NAME] = "";
            comm_of(p->pub.pid, ss_shm_slot_at(d->h, k)->tid, name);
            if (name[0] && strcmp(name, L->name) != 0 && d->sink.thread_rename) {
                memcpy(L->name, name, sizeof name);
                d->sink.thread_rename(d->sink.ud, L->th, name);
            }
        }
    }
}

static void pass(ss_drain *d, int final)
{
    uint64_t barrier = ss_ticks();
    adopt_new(d);
    check_gone(d, barrier);
    renames(d);
    uint32_t high = atomic_load_explicit(&d->h->slots_high, memory_order_acquire);
    for (uint32_t i = 0; i < high && i < d->h->nslots; i++)
        slot_pass(d, i, barrier, final);
    for (size_t k = 0; k < d->nprocs; k++) {
        dproc *p = d->procs[k];
        if (!p->ended && (p->gone || final) && p->live_slots == 0) {
            if (!p->gone) {
                p->pub.still_running = 1;
                p->pub.t_end = barrier;
            }
            pthread_mutex_lock(&d->lock);
            p->gone = 1;
            pthread_mutex_unlock(&d->lock);
            end_proc(d, p);
        }
    }
    if (d->sink.pass_end)
        d->sink.pass_end(d->sink.ud, barrier);
}

/* 4 ms between passes while the rings stay under a quarter full, down to
 * 0.5 ms when one fills faster (the recorder's writer does the same) */
static void *drain_main(void *arg)
{
    ss_drain *d = arg;
    long nap_us = 1000;
    while (!atomic_load(&d->stop)) {
        struct timespec nap = {0, nap_us * 1000};
        nanosleep(&nap, NULL);
        uint64_t most = 0;
        uint32_t high = atomic_load(&d->h->slots_high);
        for (uint32_t i = 0; i < high && i < d->h->nslots; i++) {
            uint64_t b = ss_shm_backlog(ss_shm_slot_at(d->h, i));
            most = b > most ? b : most;
        }
        pass(d, 0);
        uint64_t quarter = d->h->ring_events / 4;
        if (most > quarter)
            nap_us = nap_us / 2 > 500 ? nap_us / 2 : 500;
        else if (most < quarter / 2)
            nap_us = nap_us * 2 < 4000 ? nap_us * 2 : 4000;
    }
    return NULL;
}

ss_drain *ss_drain_start(ss_ipc *ipc, const ss_drain_sink *sink, char *err, size_t errlen)
{
    ss_drain *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->ipc = ipc;
    d->h = ipc->hdr;
    d->sink = *sink;
    d->ns_per_tick = ss_clock_ns_per_tick();
    pthread_mutex_init(&d->lock, NULL);
    d->by_index = malloc(d->h->nprocs_max * sizeof *d->by_index);
    d->slots = calloc(d->h->nslots, sizeof *d->slots);
    d->batch = malloc(BATCH * sizeof *d->batch);
    if (!d->by_index || !d->slots || !d->batch) {
        snprintf(err, errlen, "out of memory");
        ss_drain_free(d);
        return NULL;
    }
    for (uint32_t i = 0; i < d->h->nprocs_max; i++)
        d->by_index[i] = -1;
    if (pthread_create(&d->thread, NULL, drain_main, d) != 0) {
        snprintf(err, errlen, "cannot start the drain thread");
        ss_drain_free(d);
        return NULL;
    }
    d->running = 1;
    return d;
}

void ss_drain_stop(ss_drain *d)
{
    if (!d || !d->running)
        return;
    atomic_store(&d->stop, 1);
    pthread_join(d->thread, NULL);
    d->running = 0;
    pass(d, 0); /* what the gone processes left */
    atomic_store(&d->h->closed, 1);
    pass(d, 1); /* and everything else, ended as it stands */
}

int ss_drain_live(ss_drain *d)
{
    int n = 0;
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i < d->nprocs; i++)
        n += !d->procs[i]->gone;
    pthread_mutex_unlock(&d->lock);
    return n;
}

int ss_drain_seen(ss_drain *d)
{
    pthread_mutex_lock(&d->lock);
    int n = (int)d->nprocs;
    pthread_mutex_unlock(&d->lock);
    return n;
}

size_t ss_drain_nprocs(const ss_drain *d) { return d->nprocs; }
ss_drain_proc *ss_drain_proc_at(ss_drain *d, size_t i) { return i < d->nprocs ? &d->procs[i]->pub : NULL; }

void ss_drain_free(ss_drain *d)
{
    if (!d)
        return;
    ss_drain_stop(d);
    for (size_t i = 0; i < d->nprocs; i++) {
        if (d->procs[i]->pidfd >= 0)
            close(d->procs[i]->pidfd);
        free(d->procs[i]);
    }
    pthread_mutex_destroy(&d->lock);
    free(d->procs);
    free(d->by_index);
    free(d->slots);
    free(d->batch);
    free(d);
}
