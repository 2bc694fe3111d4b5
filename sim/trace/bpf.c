#include "sim/trace/bpf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

long ss_bpf(int cmd, union bpf_attr *a) { return syscall(__NR_bpf, cmd, a, sizeof *a); }

int ss_bpf_refused_by_user(void)
{
    const char *no = getenv("SOCKSCOPE_NO_BPF");
    return no && *no && strcmp(no, "0") != 0;
}

int ss_bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t entries, uint32_t flags)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key_size;
    a.value_size = value_size;
    a.max_entries = entries;
    a.map_flags = flags;
    return (int)ss_bpf(BPF_MAP_CREATE, &a);
}

int ss_bpf_prog_load(const struct bpf_insn *insns, uint32_t n)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
    a.insns = (uint64_t)(uintptr_t)insns;
    a.insn_cnt = n;
    a.license = (uint64_t)(uintptr_t) "GPL";
    return (int)ss_bpf(BPF_PROG_LOAD, &a);
}

int ss_bpf_attach_sched_switch(int prog_fd)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.raw_tracepoint.name = (uint64_t)(uintptr_t) "sched_switch";
    a.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
    return (int)ss_bpf(BPF_RAW_TRACEPOINT_OPEN, &a);
}
