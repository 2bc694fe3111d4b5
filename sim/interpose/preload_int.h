/* preload_int.h — inside the interposer (libsockscope-preload.so): its state
 * and the recording core every wrapper shares (preload.c: setup, fork,
 * threads, names; preload_calls.c: the wrapped calls).
 *
 * The hot path of a recorded call, in the program's own thread: two clock
 * reads, the real call, a few stores into a 56-byte event and a release
 * store into the thread's ring in shared memory. No lock, no allocation, no
 * system call of ours (except getrusage after a long blocking call, to tell
 * whether it slept: the lazy rule of docs/instrumentation.md). Every wrapper
 * keeps errno as the real call left it, and returns what it returned. */
#ifndef SS_PRELOAD_INT_H
#define SS_PRELOAD_INT_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim/interpose/shm.h"
#include "sim/probe/probe.h"     /* select's timeout cases (SS_SELECT_*), as the built-in probe records them */
#include "sim/probe/probe_int.h" /* the lazy wait rule's inline helpers (ss_chain_*, ss_wait_flags) */
#include "sim/trace/clock.h"

#define SS_HIDDEN __attribute__((visibility("hidden")))
#define SS_PUBLIC __attribute__((visibility("default")))
#define SS_LIKELY(x) __builtin_expect(!!(x), 1)
#define SS_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* The process's view of the region; hdr stays NULL (every wrapper is the
 * plain call) when the program was not started by sockscope or the region
 * could not be mapped. */
typedef struct ss_pl_proc {
    ss_shm_hdr *_Atomic hdr;
    uint64_t mask;          /* ring_events - 1 */
    int detect_waits;       /* 0 off, 1 the lazy rule, 2 verify it (read around every call) */
    uint64_t floor_ticks;   /* the wait floor, in ticks */
    _Atomic uint32_t gen;   /* +1 in a fork child: rings claimed before belong to the parent */
    _Atomic int proc_state; /* 0 not registered, 1 registering, 2 registered, 3 no room */
    uint32_t proc;          /* our entry in the process table */
    /* the BPF switch counter (waitcount.h), when sockscope has one and let us have it */
    const volatile uint64_t *bpf_count;
    _Atomic uint32_t *bpf_owner; /* in the region: which thread reads each counter slot */
    int counted;                 /* our process's threads are counted (its entry said so) */
    uint64_t cpu_every;          /* ticks between CPU readings when the counter spares getrusage */
} ss_pl_proc;
SS_HIDDEN extern ss_pl_proc ss_pl;

/* Per thread: its ring, and the lazy wait rule's memory. (Small: dlopen,
 * as sockscope-bench does, takes it from glibc's 512-byte static TLS surplus.) */
enum { SS_T_NONE = 0, SS_T_RING, SS_T_NORING, SS_T_ENDED };
typedef struct ss_pl_thread {
    ss_shm_slot *slot;
    uint32_t gen;       /* ss_pl.gen when the slot was claimed */
    int state;          /* SS_T_* */
    int busy;           /* inside emit: a signal handler's event is parked (slot->nest) */
    uint64_t head_seen; /* producer's cache of the ring's head */
    long nvcsw;         /* voluntary switches, when last known ... */
    int chain_src;      /* ... from getrusage (0) or the BPF counter (1) */
    ss_wait_chain chain;
    const volatile uint64_t *bslot; /* this thread's BPF counter slot */
    int bstate;                     /* 0 not tried, 1 bslot, -1 none (another thread has it) */
    uint32_t btid;
    uint64_t cpu_at; /* ticks at the last CPU reading */
} ss_pl_thread;
SS_HIDDEN extern __thread ss_pl_thread ss_pl_t __attribute__((tls_model("initial-exec")));

/* slow paths (preload.c) */
SS_HIDDEN ss_shm_slot *ss_pl_attach(ss_pl_thread *t);                           /* claim a ring for this thread */
SS_HIDDEN void ss_pl_full(ss_pl_thread *t, ss_shm_slot *s, const ss_event *ev); /* wait or drop */
SS_HIDDEN long ss_pl_nvcsw(void);               /* getrusage(RUSAGE_THREAD): its count; its CPU kept */
SS_HIDDEN int ss_pl_bpf_claim(ss_pl_thread *t); /* 1 when this thread may now read the BPF counter */

/* This thread's count of voluntary switches: one load from the BPF counter
 * when it may (*src = 1), else a getrusage (*src = 0). */
static inline long ss_pl_switches(ss_pl_thread *t, int *src)
{
    if (SS_LIKELY(t->bstate > 0) || (t->bstate == 0 && ss_pl.bpf_count && ss_pl_bpf_claim(t))) {
        *src = 1;
        return (long)*t->bslot;
    }
    *src = 0;
    return ss_pl_nvcsw();
}

/* --- the fd table: which descriptors are sockets, and which of those are
 * non-blocking. Known from the calls that make them (socket, accept,
 * socketpair, dup) and change them (fcntl F_SETFL, ioctl FIONBIO, close);
 * a descriptor never seen is looked at once (fstat) when read, written or
 * closed. Descriptors past the table are looked at every time. */
#define SS_PL_FDS 65536
enum { SS_FD_KNOWN = 1, SS_FD_SOCK = 2, SS_FD_NB = 4 };
SS_HIDDEN extern _Atomic uint8_t ss_pl_fd[SS_PL_FDS];
SS_HIDDEN int ss_pl_fd_probe(int fd); /* fstat (+ F_GETFL for a socket): SS_FD_* bits, cached */

static inline int ss_pl_fd_bits(int fd)
{
    if (fd < 0)
        return SS_FD_KNOWN;
    if (fd >= SS_PL_FDS)
        return ss_pl_fd_probe(fd);
    int b = atomic_load_explicit(&ss_pl_fd[fd], memory_order_relaxed);
    return b ? b : ss_pl_fd_probe(fd);
}

static inline void ss_pl_fd_set(int fd, int bits)
{
    if (fd >= 0 && fd < SS_PL_FDS)
        atomic_store_explicit(&ss_pl_fd[fd], (uint8_t)bits, memory_order_relaxed);
}

/* --- recording ---------------------------------------------------------- */
typedef struct ss_pl_rec {
    uint64_t t0;
    long nvcsw, nvcsw_lazy; /* at entry: the kernel's (verification), the lazy rule's */
    int may, src;           /* src: where nvcsw_lazy came from (ss_pl_switches) */
} ss_pl_rec;

/* acquire: the settings the constructor wrote before publishing the region
 * (a plain load on x86-64) */
static inline int ss_pl_on(void) { return atomic_load_explicit(&ss_pl.hdr, memory_order_acquire) != NULL; }

/* Before the real call. may: the call can put the thread to sleep. The
 * lazy rule of docs/instrumentation.md (sim/probe/probe.c's ss_probe_enter): a
 * reading only when the chain of short calls and gaps is broken; its
 * source stays the chain's until the chain breaks (counts from getrusage
 * and from the BPF counter are not comparable). Verification (detect_waits
 * 2) reads getrusage around every call: the kernel's own count. */
static inline void ss_pl_enter(ss_pl_rec *r, int may)
{
    r->may = may;
    r->nvcsw = r->nvcsw_lazy = 0;
    r->src = 0;
    r->t0 = ss_ticks();
    if (!may || !ss_pl.detect_waits)
        return;
    ss_pl_thread *t = &ss_pl_t;
    if (!ss_chain_holds(&t->chain, r->t0, ss_pl.floor_ticks)) {
        t->nvcsw = ss_pl_switches(t, &t->chain_src);
        t->chain.valid = 1;
        r->t0 = ss_ticks();
    }
    r->src = t->chain_src;
    r->nvcsw_lazy = t->nvcsw;
    if (ss_pl.detect_waits == 2) {
        r->nvcsw = ss_pl_nvcsw();
        r->t0 = ss_ticks();
    }
}

SS_HIDDEN void ss_pl_nested(ss_pl_thread *t, const ss_event *ev); /* preload.c */
SS_HIDDEN void ss_pl_unnest(ss_pl_thread *t, ss_shm_slot *s);

static inline void ss_pl_emit(const ss_event *ev)
{
    ss_pl_thread *t = &ss_pl_t;
    if (SS_UNLIKELY(t->busy)) { /* a signal handler interrupted this thread's own emit */
        ss_pl_nested(t, ev);
        return;
    }
    t->busy = 1;
    atomic_signal_fence(memory_order_seq_cst);
    ss_shm_slot *s = t->slot;
    if (SS_UNLIKELY(!s || t->gen != atomic_load_explicit(&ss_pl.gen, memory_order_relaxed)))
        s = ss_pl_attach(t);
    if (s && SS_UNLIKELY(!ss_shm_try_push(s, ss_pl.mask, &t->head_seen, ev)))
        ss_pl_full(t, s, ev);
    atomic_signal_fence(memory_order_seq_cst);
    if (s && SS_UNLIKELY(s->nest_w != s->nest_r))
        ss_pl_unnest(t, s);
    t->busy = 0;
}

/* every field of an event (the ring's slot, or one on the stack) */
static inline void ss_pl_fill(ss_event *ev, uint64_t t0, uint64_t t1, int api, int fd, uint64_t arg, int64_t ret,
                              int errcode, int flags, uint32_t aux, uint64_t id)
{
    ev->t0 = t0;
    ev->t1 = t1;
    ev->ret = ret;
    ev->arg = arg;
    ev->id = id;
    ev->sock = fd;
    ev->aux = aux;
    ev->api = (uint16_t)api;
    ev->err = (uint8_t)errcode;
    ev->flags = (uint8_t)flags;
    ev->impl = 0;
    ev->pad_ = 0;
}

/* After the real call: err is the call's errno when ret < 0. Inlined into
 * every wrapper (gcc would call it, now that it writes the slot itself). */
static inline __attribute__((always_inline)) void ss_pl_exit(ss_pl_rec *r, int api, int fd, uint64_t arg, int64_t ret,
                                                             int err, uint32_t aux, uint64_t id)
{
    uint64_t t1 = ss_ticks();
    int flags = SS_EV_KERNEL | (ret < 0 ? SS_EV_FAILED : 0);
    if (r->may) {
        flags |= SS_EV_MAYBLOCK;
        if (ss_pl.detect_waits) { /* sim/probe/probe.c's ss_probe_waited, the same rule */
            ss_pl_thread *t = &ss_pl_t;
            int long_call = t1 - r->t0 > ss_pl.floor_ticks, verify = ss_pl.detect_waits == 2;
            if (!ss_chain_skip(&t->chain, 1, long_call, verify, t1)) {
                long now = r->src ? (long)*t->bslot : ss_pl_nvcsw();
                int lazy = long_call && now != r->nvcsw_lazy;
                flags |= ss_wait_flags(lazy, verify ? ss_pl_nvcsw() != r->nvcsw : lazy, verify);
                if (long_call) {
                    t->nvcsw = now;
                    t->chain_src = r->src;
                }
                t->chain.last_exit = ss_ticks();
                if (r->src && t1 - t->cpu_at > ss_pl.cpu_every) { /* its CPU, now and then */
                    ss_pl_nvcsw();
                    t->cpu_at = t1;
                }
            }
        }
    } else if (ss_pl.detect_waits) {
        ss_chain_skip(&ss_pl_t.chain, 0, t1 - r->t0 > ss_pl.floor_ticks, 0, t1);
    }
    int errcode = ret < 0 ? ss_err_from_errno(err) : 0;
    /* the common case: the thread has its ring, room in it, and is not
     * inside an emit of its own (a signal handler's call): the event is
     * written in place (shm.h, ss_shm_reserve) */
    ss_pl_thread *t = &ss_pl_t;
    ss_shm_slot *s = t->slot;
    if (SS_LIKELY(!t->busy && s && t->gen == atomic_load_explicit(&ss_pl.gen, memory_order_relaxed))) {
        t->busy = 1;
        atomic_signal_fence(memory_order_seq_cst);
        ss_event *slot = ss_shm_reserve(s, ss_pl.mask, &t->head_seen);
        if (SS_LIKELY(slot != NULL)) {
            ss_pl_fill(slot, r->t0, t1, api, fd, arg, ret, errcode, flags, aux, id);
            ss_shm_commit(s, ss_pl.mask);
            atomic_signal_fence(memory_order_seq_cst);
            if (SS_UNLIKELY(s->nest_w != s->nest_r))
                ss_pl_unnest(t, s);
            t->busy = 0;
            return;
        }
        atomic_signal_fence(memory_order_seq_cst);
        t->busy = 0;
    }
    ss_event ev; /* no ring yet, a full one, or inside an emit: the slow paths */
    ss_pl_fill(&ev, r->t0, t1, api, fd, arg, ret, errcode, flags, aux, id);
    ss_pl_emit(&ev);
}

#endif
