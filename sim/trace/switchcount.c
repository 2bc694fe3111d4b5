#include "sim/trace/switchcount.h"

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sim/trace/bpf.h"

long ss_sw_read_rusage(void)
{
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nvcsw;
}

#define NSLOT 65536 /* power of two: slot = tid & (NSLOT - 1) */

static struct {
    int loaded, tried;         /* program and map exist (for the process's life) */
    int map_fd, prog_fd, tp_fd;
    const volatile uint64_t *count;
    _Atomic int owner[NSLOT];  /* tid using each slot, 0 = free */
    _Atomic int attached;
} B = {.map_fd = -1, .prog_fd = -1, .tp_fd = -1};

static _Thread_local const volatile uint64_t *my_slot;
static _Thread_local int my_state, my_tid;  /* 0 = not looked up, 1 = my_slot, -1 = no slot */

#define I SS_BPF_I

/* if this process's thread switches out voluntarily: count[tid & mask]++.
 * sched_switch(bool preempt, prev, next, unsigned prev_state) runs in
 * prev's context, so the current pid/tgid are prev's. */
static int load_program(int tgid)
{
    enum { EXIT = 19 };
    struct bpf_insn p[] = {
        /* 0 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), /* r6 = ctx (u64 args) */
        /* 1 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
        /* 2 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
        /* 3 */ I(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32),
        /* 4 */ I(BPF_JMP | BPF_JNE | BPF_K, 0, 0, EXIT - 5, tgid), /* another process */
        /* 5 */ I(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 0, 0),
        /* 6 */ I(BPF_JMP | BPF_JNE | BPF_K, 1, 0, EXIT - 7, 0), /* preempted: involuntary */
        /* 7 */ I(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 24, 0),
        /* 8 */ I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, EXIT - 9, 0), /* still runnable: involuntary */
        /* 9 */ I(BPF_ALU64 | BPF_AND | BPF_K, 7, 0, 0, NSLOT - 1),
        /* 10 */ I(BPF_STX | BPF_MEM | BPF_W, 10, 7, -4, 0),
        /* 11 */ I(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, B.map_fd),
        /* 12 */ I(0, 0, 0, 0, 0),
        /* 13 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
        /* 14 */ I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
        /* 15 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
        /* 16 */ I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, EXIT - 17, 0),
        /* 17 */ I(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),
        /* 18 */ I(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD),
        /* 19 */ I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
        /* 20 */ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    return ss_bpf_prog_load(p, sizeof p / sizeof p[0]);
}

static int load(void)
{
    B.map_fd = ss_bpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, NSLOT, BPF_F_MMAPABLE);
    if (B.map_fd < 0)
        return -1; /* not root, no CAP_BPF, or no BPF in this kernel */
    void *m = mmap(NULL, NSLOT * sizeof(uint64_t), PROT_READ, MAP_SHARED, B.map_fd, 0);
    if (m == MAP_FAILED || (B.prog_fd = load_program(getpid())) < 0) {
        if (m != MAP_FAILED)
            munmap(m, NSLOT * sizeof(uint64_t));
        close(B.map_fd);
        B.map_fd = -1;
        return -1;
    }
    B.count = m; /* never unmapped: a thread may read it as recording stops */
    B.loaded = 1;
    return 0;
}

int ss_sw_attach(void)
{
    if (atomic_load(&B.attached))
        return 1;
    if (ss_bpf_refused_by_user())
        return 0; /* the user's choice: getrusage only */
    if (!B.tried) {
        B.tried = 1;
        load();
    }
    if (!B.loaded)
        return 0;
    B.tp_fd = ss_bpf_attach_sched_switch(B.prog_fd);
    atomic_store(&B.attached, B.tp_fd >= 0);
    return B.tp_fd >= 0;
}

void ss_sw_detach(void)
{
    if (!atomic_exchange(&B.attached, 0))
        return;
    close(B.tp_fd); /* the program runs on every switch of the machine: only while recording */
    B.tp_fd = -1;
}

const char *ss_sw_source(void) { return atomic_load(&B.attached) ? "bpf sched_switch" : "getrusage"; }

/* this thread's slot, claimed on first use */
static const volatile uint64_t *slot(void)
{
    if (my_state)
        return my_state > 0 ? my_slot : NULL;
    my_tid = (int)syscall(SYS_gettid);
    int free_ = 0, i = my_tid & (NSLOT - 1);
    if (atomic_compare_exchange_strong(&B.owner[i], &free_, my_tid) || free_ == my_tid) {
        my_slot = &B.count[i];
        my_state = 1;
    } else {
        my_state = -1; /* another live thread's id has the same low bits */
    }
    return my_state > 0 ? my_slot : NULL;
}

long ss_sw_read(void)
{
    if (atomic_load_explicit(&B.attached, memory_order_relaxed)) {
        const volatile uint64_t *s = slot();
        if (s)
            return (long)*s;
    }
    return ss_sw_read_rusage();
}

void ss_sw_thread_end(void)
{
    if (my_state > 0) {
        int me = my_tid;
        atomic_compare_exchange_strong(&B.owner[my_tid & (NSLOT - 1)], &me, 0);
    }
    my_state = 0;
    my_slot = NULL;
}

