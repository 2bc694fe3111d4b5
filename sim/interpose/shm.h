/* shm.h — the memory a traced program and `sockscope` share (docs/trace-any-program.md).
 *
 * One memfd, made and sized by sockscope (sim/interpose/ipc.c) and mapped by
 * every process of the traced program (the interposer, sim/interpose/preload.c).
 * It holds a process table and a pool of per-thread rings: a thread of the
 * program claims a free ring slot at its first recorded call and is its only
 * producer; sockscope's drain (sim/interpose/drain.c) is its only consumer.
 * The ring protocol is sim/trace/ring.h's (single producer, the slot written first,
 * the tail stored with release = committed), with offsets where ring.h keeps
 * pointers: each process maps the region at its own address.
 *
 * Everything shared is either written once before being published by a
 * release store (a process entry, a slot's identity) or a lock-free atomic.
 * Lock-free atomics on x86-64 and arm64 are address-free, so they work
 * between processes mapping the same pages (C11 7.17.5, note). A process
 * killed mid-call leaves at most one event written but not committed: the
 * drain never sees it, and sees everything committed before. */
#ifndef SS_INTERPOSE_SHM_H
#define SS_INTERPOSE_SHM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"

#define SS_SHM_MAGIC "SSSHM\0\0\1"
#define SS_SHM_VERSION 1
/* The environment variable that tells the interposer where the region is:
 * "PID:FD", the tracer's pid and the memfd's number in its fd table. The
 * interposer opens /proc/PID/fd/FD, maps it and closes its descriptor: the
 * program never sees an extra open file, and a program that closes every
 * descriptor before exec'ing another one is still traced after the exec. */
#define SS_SHM_ENV "SOCKSCOPE_SHM"

#define SS_SHM_NAME 16 /* a thread's name as the kernel keeps it (comm), NUL included */
#define SS_SHM_EXE 128 /* the program's file name (its path's last part) */
#define SS_SHM_NEST 16 /* signal handlers' events parked while their thread pushes */

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
               "rings shared between processes need lock-free (address-free) atomics");

/* A process of the program, registered at its first recorded call (a fork
 * child and an exec'd image each register anew). Written by that process,
 * then published: state goes 0 -> SS_PROC_LIVE with release. */
enum { SS_PROC_EMPTY = 0, SS_PROC_LIVE = 2 };
typedef struct ss_shm_proc {
    _Atomic uint32_t state;
    uint32_t pid, ppid;
    uint32_t image;   /* which image of the pid: 0, then +1 per exec seen */
    uint64_t t_start; /* clock ticks at registration */
    char exe[SS_SHM_EXE];
    char comm[SS_SHM_NAME];
    /* at a normal exit (the interposer's destructor): getrusage(RUSAGE_SELF) */
    _Atomic uint64_t cpu_user_ns, cpu_sys_ns;
    _Atomic uint32_t exited;       /* the destructor ran: CPU figures are set */
    _Atomic uint32_t counted;      /* the BPF switch counter counts its threads (waitcount.h) */
    _Atomic uint32_t counter_used; /* ... and a thread of it read the counter */
    _Atomic uint32_t renamed;      /* bumped when a thread of it was renamed by another thread */
} ss_shm_proc;

/* A ring slot: identity and state, then the ring's counters, then the
 * events. FREE -> CLAIMED (a producer won it with a CAS) -> LIVE (identity
 * written, published) -> ENDED (the thread ended: no more pushes) -> FREE
 * (the drain took everything and reset the ring). A thread of a process
 * that dies never reaches ENDED: the drain ends it when the process is
 * gone. */
enum { SS_SLOT_FREE = 0, SS_SLOT_CLAIMED, SS_SLOT_LIVE, SS_SLOT_ENDED };
typedef struct ss_shm_slot {
    _Alignas(64) _Atomic uint32_t state;
    uint32_t proc; /* index in the process table */
    uint32_t tid;
    uint32_t tenant;                          /* how many times the slot was claimed: a new thread each time */
    char name[SS_SHM_NAME];                   /* written by the thread itself (prctl, pthread_setname_np) */
    _Atomic uint32_t name_gen;                /* bumped after each change of name */
    _Atomic uint64_t cpu_user_ns, cpu_sys_ns; /* RUSAGE_THREAD at its end, or at its last wait reading */
    _Atomic uint64_t unrecorded;              /* signal handlers' calls past the parking places below */
    /* the producer's alone: events of signal handlers that interrupted its
     * own push, parked until that push is done (preload.c) */
    volatile uint32_t nest_w, nest_r;
    ss_event nest[SS_SHM_NEST];
    _Atomic uint64_t dropped;           /* events refused: the ring stayed full past the wait */
    _Alignas(64) _Atomic uint64_t head; /* consumer's: next event to read */
    _Alignas(64) _Atomic uint64_t tail; /* producer's: next event to write (= events accepted) */
    _Alignas(64) ss_event ev[];         /* ring_events of them */
} ss_shm_slot;

typedef struct ss_shm_hdr {
    char magic[8];
    uint32_t version, hdr_size;
    uint32_t nprocs_max, nslots, ring_events, tracer_pid;
    uint64_t procs_off, slots_off, slot_stride, total_size;
    /* options, set by the tracer before any process maps the region */
    int32_t detect_waits;      /* 0 off, 1 the lazy rule (docs/instrumentation.md) */
    int32_t full_wait_ms;      /* a full ring waits this long for the drain, then drops */
    uint64_t wait_floor_ticks; /* SS_WAIT_FLOOR_NS in this machine's clock ticks */
    int32_t bpf_count_fd;      /* the BPF switch counter's array in sockscope's fd table, or -1 */
    uint32_t bpf_nslot;
    uint64_t bpf_owner_off; /* _Atomic uint32_t[bpf_nslot]: the thread id using each counter slot */
    /* shared counters */
    _Atomic uint32_t nprocs;       /* process entries taken (fetch_add) */
    _Atomic uint32_t slots_high;   /* 1 + the highest slot ever claimed: the drain scans below */
    _Atomic uint32_t images;       /* program images the interposer was loaded into */
    _Atomic uint32_t closed;       /* sockscope stopped draining: a full ring drops at once */
    _Atomic uint64_t lost_procs;   /* processes that found the table full: not recorded */
    _Atomic uint64_t lost_threads; /* threads that found every slot taken: not recorded */
    _Atomic uint64_t lost_calls;   /* calls of those */
} ss_shm_hdr;

static inline ss_shm_proc *ss_shm_proc_at(ss_shm_hdr *h, uint32_t i)
{
    return (ss_shm_proc *)((char *)h + h->procs_off) + i;
}

static inline ss_shm_slot *ss_shm_slot_at(ss_shm_hdr *h, uint32_t i)
{
    return (ss_shm_slot *)((char *)h + h->slots_off + (size_t)i * h->slot_stride);
}

/* producer side, in two steps: the slot the next event goes in (NULL if
 * the ring is full), written in place, then committed. head_seen is the
 * producer's private cache of head (ring.h keeps it in the ring; here the
 * ring is shared and the cache is the thread's). Writing the event's
 * fields straight into its slot, rather than building it on the stack and
 * copying it, spares the copy's loads: a 16-byte load of fields just
 * stored one by one cannot be forwarded from the store buffer and waits
 * for them (~5 ns per recorded call here, sockscope-bench). */
static inline ss_event *ss_shm_reserve(ss_shm_slot *s, uint64_t mask, uint64_t *head_seen)
{
    uint64_t t = atomic_load_explicit(&s->tail, memory_order_relaxed);
    if (t - *head_seen > mask) {
        *head_seen = atomic_load_explicit(&s->head, memory_order_acquire);
        if (t - *head_seen > mask)
            return NULL;
    }
    return &s->ev[t & mask];
}

static inline void ss_shm_commit(ss_shm_slot *s, uint64_t mask)
{
    uint64_t t = atomic_load_explicit(&s->tail, memory_order_relaxed);
    atomic_store_explicit(&s->tail, t + 1, memory_order_release); /* committed */
    /* The next event's slot, fetched for writing while the program makes
     * its next call: a ring streams through more than the cache holds, and
     * the store after a system call otherwise waits for its line (around a
     * real call, 80 -> 55 ns per recorded call here; sockscope-bench). */
    const char *next = (const char *)&s->ev[(t + 1) & mask];
    __builtin_prefetch(next, 1, 3);
    __builtin_prefetch(next + sizeof(ss_event) - 1, 1, 3);
}

/* both steps for an event already built: 1 if stored, 0 if the ring is full */
static inline int ss_shm_try_push(ss_shm_slot *s, uint64_t mask, uint64_t *head_seen, const ss_event *ev)
{
    ss_event *slot = ss_shm_reserve(s, mask, head_seen);
    if (!slot)
        return 0;
    *slot = *ev;
    ss_shm_commit(s, mask);
    return 1;
}

/* consumer side: copies up to max committed events, frees their room */
static inline size_t ss_shm_pop(ss_shm_slot *s, uint64_t mask, ss_event *out, size_t max)
{
    uint64_t h = atomic_load_explicit(&s->head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&s->tail, memory_order_acquire);
    size_t n = (size_t)(t - h);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = s->ev[(h + i) & mask];
    atomic_store_explicit(&s->head, h + n, memory_order_release);
    return n;
}

/* what the consumer can read now */
static inline uint64_t ss_shm_backlog(ss_shm_slot *s)
{
    return atomic_load_explicit(&s->tail, memory_order_acquire) - atomic_load_explicit(&s->head, memory_order_relaxed);
}

/* ss_event.aux of a recv/send/accept family call: which libc function the program
 * called (the trace's api is the family: recv or send, docs/trace-any-program.md) */
enum {
    SS_VIA_DIRECT = 0, /* recv, send, accept, select, poll, epoll_wait ... */
    SS_VIA_FROM = 1,   /* recvfrom / sendto */
    SS_VIA_MSG = 2,    /* recvmsg / sendmsg */
    SS_VIA_RW = 3,     /* read / write on a socket */
    SS_VIA_4 = 4,      /* accept4, epoll_create1 */
};
/* (select keeps the built-in probe's aux: the timeout's case, SS_SELECT_*) */

#endif
