#include "sim/interpose/waitcount.h"

#include <string.h>
#include <unistd.h>

#include "sim/trace/bpf.h"

#define I SS_BPF_I

/* if the switching-out thread's process is traced and it switches out
 * voluntarily (not preempted, not runnable: the kernel's nvcsw rule, as
 * sim/trace/switchcount.c): count[tid & mask]++. sched_switch(bool preempt, prev,
 * next, unsigned prev_state) runs in prev's context. */
static int load_program(int procs_fd, int count_fd)
{
    enum { EXIT = 25 };
    struct bpf_insn p[] = {
        /* 0 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), /* r6 = ctx (u64 args) */
        /* 1 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
        /* 2 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
        /* 3 */ I(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32),
        /* 4 */ I(BPF_STX | BPF_MEM | BPF_W, 10, 0, -4, 0), /* key: tgid */
        /* 5 */ I(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, procs_fd),
        /* 6 */ I(0, 0, 0, 0, 0),
        /* 7 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
        /* 8 */ I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
        /* 9 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
        /* 10 */ I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, EXIT - 11, 0), /* not a traced process */
        /* 11 */ I(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 0, 0),
        /* 12 */ I(BPF_JMP | BPF_JNE | BPF_K, 1, 0, EXIT - 13, 0), /* preempted: involuntary */
        /* 13 */ I(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 24, 0),
        /* 14 */ I(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, EXIT - 15, 0), /* still runnable: involuntary */
        /* 15 */ I(BPF_ALU64 | BPF_AND | BPF_K, 7, 0, 0, SS_WC_NSLOT - 1),
        /* 16 */ I(BPF_STX | BPF_MEM | BPF_W, 10, 7, -8, 0),
        /* 17 */ I(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, count_fd),
        /* 18 */ I(0, 0, 0, 0, 0),
        /* 19 */ I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
        /* 20 */ I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -8),
        /* 21 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
        /* 22 */ I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, EXIT - 23, 0),
        /* 23 */ I(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),
        /* 24 */ I(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD),
        /* 25 */ I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
        /* 26 */ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    return ss_bpf_prog_load(p, sizeof p / sizeof p[0]);
}

int ss_waitcount_open(ss_waitcount *w, uint32_t max_procs)
{
    w->count_fd = w->procs_fd = w->prog_fd = w->tp_fd = -1;
    if (ss_bpf_refused_by_user())
        return -1; /* the user's choice: getrusage only */
    w->count_fd = ss_bpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, SS_WC_NSLOT, BPF_F_MMAPABLE);
    w->procs_fd = ss_bpf_map_create(BPF_MAP_TYPE_HASH, 4, 4, max_procs ? max_procs : 1, 0);
    if (w->count_fd >= 0 && w->procs_fd >= 0)
        w->prog_fd = load_program(w->procs_fd, w->count_fd);
    if (w->prog_fd >= 0)
        w->tp_fd = ss_bpf_attach_sched_switch(w->prog_fd);
    if (w->tp_fd < 0) { /* not root, no CAP_BPF, or no BPF here */
        ss_waitcount_close(w);
        return -1;
    }
    return 0;
}

int ss_waitcount_add(ss_waitcount *w, uint32_t tgid)
{
    if (w->procs_fd < 0)
        return -1;
    uint32_t one = 1;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)w->procs_fd;
    a.key = (uint64_t)(uintptr_t)&tgid;
    a.value = (uint64_t)(uintptr_t)&one;
    a.flags = BPF_ANY;
    return ss_bpf(BPF_MAP_UPDATE_ELEM, &a) == 0 ? 0 : -1;
}

void ss_waitcount_remove(ss_waitcount *w, uint32_t tgid)
{
    if (w->procs_fd < 0)
        return;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)w->procs_fd;
    a.key = (uint64_t)(uintptr_t)&tgid;
    ss_bpf(BPF_MAP_DELETE_ELEM, &a);
}

void ss_waitcount_close(ss_waitcount *w)
{
    int *fds[] = {&w->tp_fd, &w->prog_fd, &w->procs_fd, &w->count_fd}; /* detached first */
    for (int i = 0; i < 4; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
}
