/* bpf.h — the little of BPF sockscope uses, without libbpf: the system
 * call, a map, a program on the sched_switch raw tracepoint. Shared by the
 * built-in probes' switch counter (sim/trace/switchcount.c) and the one for
 * traced programs (sim/interpose/waitcount.c). Linux only. */
#ifndef SS_BPF_H
#define SS_BPF_H

#include <linux/bpf.h>
#include <stdint.h>

/* one instruction of a program */
#define SS_BPF_I(code, dst, src, off, imm) ((struct bpf_insn){(code), (dst), (src), (off), (imm)})

long ss_bpf(int cmd, union bpf_attr *a); /* the bpf system call */
/* SOCKSCOPE_NO_BPF=1 (anything but 0): the user keeps to getrusage */
int ss_bpf_refused_by_user(void);
/* a map's fd, or -1 (not root, no CAP_BPF, or no BPF in this kernel) */
int ss_bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t entries, uint32_t flags);
/* a raw-tracepoint program's fd, or -1 */
int ss_bpf_prog_load(const struct bpf_insn *insns, uint32_t n);
/* attaches it to sched_switch: the link's fd (close it to detach), or -1 */
int ss_bpf_attach_sched_switch(int prog_fd);

#endif
