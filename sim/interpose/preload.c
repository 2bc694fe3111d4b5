/* preload.c — the interposer's setup and slow paths: mapping the region
 * sockscope shares with the program, registering a process at its first
 * recorded call, giving a thread its ring, fork, thread ends and names, a
 * full ring. The wrapped calls are in preload_calls.c.
 *
 * Calls the interposer makes for itself go around the wrappers (raw
 * syscall(2), or functions it does not wrap), so they are never recorded
 * and never recurse. Everything here is safe to run in a signal handler
 * that interrupted the program anywhere: no locks, no allocation after the
 * constructor, only atomics and async-signal-safe system calls. */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim/interpose/preload_int.h"

ss_pl_proc ss_pl;
__thread ss_pl_thread ss_pl_t __attribute__((tls_model("initial-exec")));
_Atomic uint8_t ss_pl_fd[SS_PL_FDS];

static pthread_key_t thread_key;
static int thread_key_ok;

static long sys_gettid(void) { return syscall(SYS_gettid); }

static uint64_t tv_ns(struct timeval tv)
{
    return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
}

/* The reading the lazy wait rule takes after long blocking calls also
 * carries the thread's CPU time: kept in its ring, so that a thread killed
 * with its process still has its CPU as of its last blocking call (with
 * the BPF counter, as of its last reading, every 10 ms at most). */
long ss_pl_nvcsw(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) != 0)
        return 0;
    ss_shm_slot *s = ss_pl_t.slot;
    if (s && ss_pl_t.gen == atomic_load_explicit(&ss_pl.gen, memory_order_relaxed)) {
        atomic_store_explicit(&s->cpu_user_ns, tv_ns(ru.ru_utime), memory_order_relaxed);
        atomic_store_explicit(&s->cpu_sys_ns, tv_ns(ru.ru_stime), memory_order_relaxed);
    }
    return ru.ru_nvcsw;
}

/* a small file of /proc, read without the wrapped read/close */
static ssize_t read_small(const char *path, char *buf, size_t n)
{
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = syscall(SYS_read, fd, buf, n);
    syscall(SYS_close, fd);
    return got;
}

int ss_pl_fd_probe(int fd)
{
    int e = errno;
    struct stat st;
    int bits = SS_FD_KNOWN;
    if (fstat(fd, &st) != 0) { /* not open: look again next time */
        errno = e;
        return SS_FD_KNOWN;
    }
    if (S_ISSOCK(st.st_mode)) {
        bits |= SS_FD_SOCK;
        long fl = syscall(SYS_fcntl, fd, F_GETFL);
        if (fl >= 0 && (fl & O_NONBLOCK))
            bits |= SS_FD_NB;
    }
    ss_pl_fd_set(fd, bits);
    errno = e;
    return bits;
}

/* --- the process ------------------------------------------------------- */
static void name_copy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n && src[i] && src[i] != '\n'; i++)
        dst[i] = src[i];
    dst[i] = 0;
}

/* Registers this process in the table at its first recorded call: a fork
 * child, or the image after an exec, becomes a process of its own in the
 * trace. 1 when registered. */
static int register_proc(ss_shm_hdr *h)
{
    int st = atomic_load_explicit(&ss_pl.proc_state, memory_order_acquire);
    if (SS_LIKELY(st == 2))
        return 1;
    int expect = 0;
    if (st == 0 && atomic_compare_exchange_strong(&ss_pl.proc_state, &expect, 1)) {
        uint32_t i = atomic_fetch_add(&h->nprocs, 1);
        if (i >= h->nprocs_max) {
            atomic_fetch_add(&h->lost_procs, 1);
            atomic_store_explicit(&ss_pl.proc_state, 3, memory_order_release);
            return 0;
        }
        ss_shm_proc *p = ss_shm_proc_at(h, i);
        p->pid = (uint32_t)getpid();
        p->ppid = (uint32_t)getppid();
        p->t_start = ss_ticks();
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        const char *base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
        name_copy(p->exe, base, sizeof p->exe);
        n = read_small("/proc/self/comm", buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        name_copy(p->comm, buf, sizeof p->comm);
        ss_pl.proc = i;
        atomic_store_explicit(&p->state, SS_PROC_LIVE, memory_order_release);
        atomic_store_explicit(&ss_pl.proc_state, 2, memory_order_release);
        return 1;
    }
    /* another thread is registering it: that takes microseconds. (This
     * thread cannot be the one registering: emit's busy flag keeps a signal
     * handler's call on that thread from getting here.) */
    while ((st = atomic_load_explicit(&ss_pl.proc_state, memory_order_acquire)) == 1)
        sched_yield();
    return st == 2;
}

/* The BPF counter's slot for this thread: once the drain has said that our
 * process is counted, and unless another live thread with the same low
 * bits of its id has it (then getrusage, as sim/trace/switchcount.c does). */
int ss_pl_bpf_claim(ss_pl_thread *t)
{
    ss_shm_hdr *h = ss_pl.hdr;
    if (!ss_pl.counted) {
        if (atomic_load_explicit(&ss_pl.proc_state, memory_order_acquire) != 2 ||
            !atomic_load_explicit(&ss_shm_proc_at(h, ss_pl.proc)->counted, memory_order_acquire))
            return 0; /* not yet: asked again at the next reading */
        ss_pl.counted = 1;
    }
    uint32_t tid = (uint32_t)sys_gettid(), i = tid & (h->bpf_nslot - 1), expect = 0;
    if (!atomic_compare_exchange_strong(&ss_pl.bpf_owner[i], &expect, tid) && expect != tid) {
        t->bstate = -1;
        return 0;
    }
    t->btid = tid;
    t->bslot = &ss_pl.bpf_count[i];
    t->bstate = 1;
    atomic_store_explicit(&ss_shm_proc_at(h, ss_pl.proc)->counter_used, 1, memory_order_relaxed);
    return 1;
}

static void bpf_release(ss_pl_thread *t)
{
    if (t->bstate > 0) {
        uint32_t tid = t->btid;
        atomic_compare_exchange_strong(&ss_pl.bpf_owner[tid & (ss_pl.hdr->bpf_nslot - 1)], &tid, 0);
    }
    t->bstate = 0;
    t->bslot = NULL;
}

/* --- threads ----------------------------------------------------------- */
/* A slot's name is a seqlock: odd while it changes. Writers (the thread
 * itself, or another that names it with pthread_setname_np) take it with a
 * CAS; the drain retries a read that saw it odd or changing. */
static uint32_t name_lock(ss_shm_slot *s)
{
    for (;;) {
        uint32_t g = atomic_load_explicit(&s->name_gen, memory_order_relaxed);
        if (!(g & 1) &&
            atomic_compare_exchange_weak_explicit(&s->name_gen, &g, g + 1, memory_order_acquire, memory_order_relaxed))
            return g;
        sched_yield();
    }
}

static void name_write(ss_shm_slot *s, uint32_t g, const char *name)
{
    atomic_thread_fence(memory_order_release);
    name_copy(s->name, name, sizeof s->name);
    atomic_store_explicit(&s->name_gen, g + 2, memory_order_release);
}

static void slot_name_set(ss_shm_slot *s, const char *name) { name_write(s, name_lock(s), name); }

/* only if nobody named it since generation g: a name given meanwhile by
 * another thread is newer than the one this thread read */
static void slot_name_set_if(ss_shm_slot *s, uint32_t g, const char *name)
{
    if (atomic_compare_exchange_strong(&s->name_gen, &g, g + 1))
        name_write(s, g, name);
}

/* pthread_t -> ring, so that pthread_setname_np on another thread can name
 * its ring: open addressing, the thread adds itself when it claims a ring
 * and leaves at its end. Full: the drain's /proc fallback (ss_pl_named_other). */
#define THR_MAP 4096
#define THR_TOMB ((uintptr_t)1)
static struct {
    _Atomic uintptr_t key;
    ss_shm_slot *_Atomic slot;
} thr_map[THR_MAP];

static size_t thr_hash(uintptr_t k) { return (size_t)((k >> 4) * 0x9e3779b97f4a7c15ull >> 52) & (THR_MAP - 1); }

static void thr_add(uintptr_t self, ss_shm_slot *s)
{
    for (size_t i = 0, h = thr_hash(self); i < THR_MAP; i++, h = (h + 1) & (THR_MAP - 1)) {
        uintptr_t k = atomic_load(&thr_map[h].key);
        if ((k == 0 || k == THR_TOMB) && atomic_compare_exchange_strong(&thr_map[h].key, &k, self)) {
            atomic_store(&thr_map[h].slot, s);
            return;
        }
    }
}

static ss_shm_slot *thr_find(uintptr_t th, int remove)
{
    for (size_t i = 0, h = thr_hash(th); i < THR_MAP; i++, h = (h + 1) & (THR_MAP - 1)) {
        uintptr_t k = atomic_load(&thr_map[h].key);
        if (k == 0)
            return NULL;
        if (k == th) {
            ss_shm_slot *s = atomic_load(&thr_map[h].slot);
            if (remove)
                atomic_store(&thr_map[h].key, THR_TOMB);
            return s;
        }
    }
    return NULL;
}

ss_shm_slot *ss_pl_attach(ss_pl_thread *t)
{
    ss_shm_hdr *h = atomic_load_explicit(&ss_pl.hdr, memory_order_acquire);
    uint32_t gen = atomic_load_explicit(&ss_pl.gen, memory_order_acquire);
    if (t->gen != gen) { /* a fork child: the slot it had is its parent's */
        t->slot = NULL;
        t->state = SS_T_NONE;
        t->gen = gen;
        t->chain.valid = 0;
        t->bstate = 0; /* and so is the counter slot: the child's thread has another id */
        t->bslot = NULL;
    }
    if (!h || t->state == SS_T_ENDED)
        return NULL;
    if (t->state == SS_T_NORING) {
        atomic_fetch_add_explicit(&h->lost_calls, 1, memory_order_relaxed);
        return NULL;
    }
    if (!register_proc(h)) {
        t->state = SS_T_NORING;
        atomic_fetch_add_explicit(&h->lost_calls, 1, memory_order_relaxed);
        return NULL;
    }
    for (uint32_t i = 0; i < h->nslots; i++) {
        ss_shm_slot *s = ss_shm_slot_at(h, i);
        uint32_t expect = SS_SLOT_FREE;
        if (atomic_load_explicit(&s->state, memory_order_relaxed) != SS_SLOT_FREE ||
            !atomic_compare_exchange_strong(&s->state, &expect, SS_SLOT_CLAIMED))
            continue;
        /* the drain left head == tail == 0 and the counters at 0 when it freed it */
        s->proc = ss_pl.proc;
        s->tid = (uint32_t)sys_gettid();
        s->tenant++;
        char name[SS_SHM_NAME] = "", again[SS_SHM_NAME] = "";
        syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
        slot_name_set(s, name);
        uint32_t g = atomic_load(&s->name_gen);
        thr_add((uintptr_t)pthread_self(), s);
        /* named by its creator between the read and the map: take that name */
        syscall(SYS_prctl, PR_GET_NAME, again, 0, 0, 0);
        if (strcmp(name, again) != 0)
            slot_name_set_if(s, g, again);
        uint32_t high = atomic_load(&h->slots_high);
        while (high < i + 1 && !atomic_compare_exchange_weak(&h->slots_high, &high, i + 1))
            ;
        atomic_store_explicit(&s->state, SS_SLOT_LIVE, memory_order_release);
        t->slot = s;
        t->head_seen = 0;
        t->state = SS_T_RING;
        if (thread_key_ok)
            pthread_setspecific(thread_key, s); /* its destructor ends the ring with the thread */
        return s;
    }
    atomic_fetch_add(&h->lost_threads, 1);
    atomic_fetch_add(&h->lost_calls, 1);
    t->state = SS_T_NORING;
    return NULL;
}

static void slot_cpu(ss_shm_slot *s)
{
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) != 0)
        return;
    atomic_store_explicit(&s->cpu_user_ns, tv_ns(ru.ru_utime), memory_order_relaxed);
    atomic_store_explicit(&s->cpu_sys_ns, tv_ns(ru.ru_stime), memory_order_relaxed);
}

/* pthread key destructor: the thread is ending. Its ring takes no more
 * events; the drain takes what is left and frees it. */
static void thread_gone(void *v)
{
    ss_pl_thread *t = &ss_pl_t;
    ss_shm_slot *s = v;
    if (!s || s != t->slot || t->gen != atomic_load(&ss_pl.gen))
        return; /* a slot claimed before a fork: the parent's */
    int e = errno;
    slot_cpu(s);
    thr_find((uintptr_t)pthread_self(), 1);
    bpf_release(t);
    t->state = SS_T_ENDED;
    t->slot = NULL;
    atomic_store_explicit(&s->state, SS_SLOT_ENDED, memory_order_release);
    errno = e;
}

/* The ring is full: the drain is behind. Wait for room in 100 µs steps (the
 * built-in recorder's rule, ss_rec_full in sim/trace/recorder.c) and record that
 * wait as trace_wait; past full_wait_ms, or when sockscope is gone, drop the
 * event and count it. */
void ss_pl_full(ss_pl_thread *t, ss_shm_slot *s, const ss_event *ev)
{
    ss_shm_hdr *h = ss_pl.hdr;
    uint64_t t0 = ss_ticks();
    int e = errno;
    for (int waited_us = 0;
         !atomic_load_explicit(&h->closed, memory_order_relaxed) && waited_us < h->full_wait_ms * 1000;
         waited_us += 100) {
        if (waited_us == 0 && kill((pid_t)h->tracer_pid, 0) != 0 && errno == ESRCH) {
            atomic_store(&h->closed, 1); /* sockscope is gone: nobody drains any more */
            break;
        }
        struct timespec nap = {0, 100 * 1000};
        nanosleep(&nap, NULL);
        if (!ss_shm_try_push(s, ss_pl.mask, &t->head_seen, ev))
            continue;
        ss_event w = {.t0 = t0, .t1 = ss_ticks(), .sock = -1, .api = SS_API_TRACE_WAIT};
        if (!ss_shm_try_push(s, ss_pl.mask, &t->head_seen, &w))
            atomic_fetch_add_explicit(&s->dropped, 1, memory_order_relaxed);
        errno = e;
        return;
    }
    atomic_fetch_add_explicit(&s->dropped, 1, memory_order_relaxed);
    errno = e;
}

/* --- signal handlers -------------------------------------------------------- */
/* A handler's call, made while its thread was inside emit: parked in the
 * thread's slot, pushed by the emit it interrupted right after that one's
 * event. A storm of handlers that keeps the thread from getting back to its
 * push past SS_SHM_NEST of them is counted as unrecorded. */
void ss_pl_nested(ss_pl_thread *t, const ss_event *ev)
{
    ss_shm_slot *s = t->slot;
    if (!s) /* interrupted while claiming its ring: nowhere to park it */
        return;
    uint32_t w = s->nest_w;
    if (w - s->nest_r >= SS_SHM_NEST) {
        atomic_fetch_add_explicit(&s->unrecorded, 1, memory_order_relaxed);
        return;
    }
    s->nest[w % SS_SHM_NEST] = *ev;
    atomic_signal_fence(memory_order_seq_cst);
    s->nest_w = w + 1;
}

/* Called by an emit (busy) once its own event is in: a handler that
 * interrupts this loop parks its event at nest_w, which the loop reaches. */
void ss_pl_unnest(ss_pl_thread *t, ss_shm_slot *s)
{
    while (s->nest_r != s->nest_w) {
        ss_event ev = s->nest[s->nest_r % SS_SHM_NEST];
        atomic_signal_fence(memory_order_seq_cst);
        s->nest_r++;
        if (!ss_shm_try_push(s, ss_pl.mask, &t->head_seen, &ev))
            ss_pl_full(t, s, &ev);
    }
}

/* --- names --------------------------------------------------------------- */
/* prctl(PR_SET_NAME) and pthread_setname_np: the ring carries the new name
 * (on another thread: found through the map above). */
SS_HIDDEN void ss_pl_named_self(const char *name)
{
    ss_pl_thread *t = &ss_pl_t;
    if (t->slot && t->gen == atomic_load(&ss_pl.gen) && !t->busy) {
        t->busy = 1;
        slot_name_set(t->slot, name);
        t->busy = 0;
    }
}

SS_HIDDEN void ss_pl_named_other(pthread_t th, const char *name)
{
    ss_shm_hdr *h = atomic_load(&ss_pl.hdr);
    if (!h || atomic_load(&ss_pl.proc_state) != 2)
        return; /* nothing recorded yet: its ring, when it gets one, reads the kernel's name */
    ss_shm_slot *s = thr_find((uintptr_t)th, 0);
    if (s)
        slot_name_set(s, name);
    else /* not in the map (it was full): the drain asks the kernel */
        atomic_fetch_add(&ss_shm_proc_at(h, ss_pl.proc)->renamed, 1);
}

/* --- fork, setup, exit ----------------------------------------------------- */
/* In the child of a fork: a new process (it registers at its first call);
 * the forking thread's ring is its parent's and is left alone. */
static void in_child(void)
{
    atomic_fetch_add(&ss_pl.gen, 1);
    atomic_store(&ss_pl.proc_state, 0);
    ss_pl_t.slot = NULL;
    ss_pl_t.state = SS_T_NONE;
    ss_pl_t.bstate = 0;
    ss_pl_t.bslot = NULL;
    ss_pl_t.chain.valid = 0;
    ss_pl.counted = 0;                  /* a new process: counted once the drain has added it */
    memset(thr_map, 0, sizeof thr_map); /* the parent's threads */
    if (thread_key_ok)
        pthread_setspecific(thread_key, NULL);
}

SS_HIDDEN void ss_pl_resolve(void); /* preload_calls.c */

__attribute__((constructor)) static void preload_init(void)
{
    ss_pl_resolve();
    const char *v = getenv(SS_SHM_ENV);
    unsigned pid = 0;
    int fdno = -1;
    if (!v || sscanf(v, "%u:%d", &pid, &fdno) != 2)
        return;
    char path[64];
    snprintf(path, sizeof path, "/proc/%u/fd/%d", pid, fdno);
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return; /* sockscope is gone, or we may not open its region: stay quiet */
    ss_shm_hdr probe;
    ss_shm_hdr *h = NULL;
    if (syscall(SYS_pread64, fd, &probe, sizeof probe, 0) == (long)sizeof probe &&
        memcmp(probe.magic, SS_SHM_MAGIC, 8) == 0 && probe.version == SS_SHM_VERSION &&
        probe.hdr_size == sizeof probe) {
        void *m = mmap(NULL, probe.total_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        h = m == MAP_FAILED ? NULL : m;
    }
    syscall(SYS_close, fd);
    if (!h)
        return;
    atomic_fetch_add(&h->images, 1);
    ss_pl.mask = h->ring_events - 1;
    ss_pl.detect_waits = h->detect_waits;
    ss_pl.floor_ticks = h->wait_floor_ticks;
    ss_pl.cpu_every = h->wait_floor_ticks * 20000; /* 10 ms */
    if (h->detect_waits && h->bpf_count_fd >= 0) {
        /* sockscope's BPF counter array (waitcount.h): a descriptor of
         * sockscope's, taken with pidfd_getfd (the right to ptrace it: the
         * same user, or root), mapped, and closed again */
        int pfd = (int)syscall(SYS_pidfd_open, h->tracer_pid, 0);
        int mfd = pfd >= 0 ? (int)syscall(SYS_pidfd_getfd, pfd, h->bpf_count_fd, 0) : -1;
        void *m =
            mfd >= 0 ? mmap(NULL, (size_t)h->bpf_nslot * sizeof(uint64_t), PROT_READ, MAP_SHARED, mfd, 0) : MAP_FAILED;
        if (m != MAP_FAILED) {
            ss_pl.bpf_owner = (_Atomic uint32_t *)((char *)h + h->bpf_owner_off);
            ss_pl.bpf_count = m;
        }
        if (mfd >= 0)
            syscall(SYS_close, mfd);
        if (pfd >= 0)
            syscall(SYS_close, pfd);
    }
    thread_key_ok = pthread_key_create(&thread_key, thread_gone) == 0;
    pthread_atfork(NULL, NULL, in_child);
    atomic_store_explicit(&ss_pl.hdr, h, memory_order_release);
}

/* At a normal exit: the process's CPU time, and the exiting thread's, for
 * the trace (a killed process has none: sockscope says so). */
__attribute__((destructor)) static void preload_fini(void)
{
    ss_shm_hdr *h = atomic_load(&ss_pl.hdr);
    if (!h || atomic_load(&ss_pl.proc_state) != 2)
        return;
    int e = errno;
    ss_shm_proc *p = ss_shm_proc_at(h, ss_pl.proc);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        atomic_store(&p->cpu_user_ns, tv_ns(ru.ru_utime));
        atomic_store(&p->cpu_sys_ns, tv_ns(ru.ru_stime));
        atomic_store(&p->exited, 1);
    }
    if (ss_pl_t.slot && ss_pl_t.gen == atomic_load(&ss_pl.gen))
        slot_cpu(ss_pl_t.slot);
    errno = e;
}

/* sockscope-bench: what recording costs in here, without a real call (the
 * built-in probe's figure is measured the same way). n recorded calls. */
SS_PUBLIC void sockscope_preload_bench(long n)
{
    for (long i = 0; i < n; i++) {
        ss_pl_rec r;
        ss_pl_enter(&r, 0);
        ss_pl_exit(&r, SS_API_RECV, 5, 512, 512, 0, 0, 0);
    }
}
