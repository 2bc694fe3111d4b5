/* waitcount.h — the BPF switch counter for traced programs: "really waited"
 * in one memory load, as sim/trace/switchcount.h gives the built-in probes
 * (docs/instrumentation.md, docs/trace-any-program.md).
 *
 * sim/trace/switchcount.c counts sockscope's own threads; a traced program is
 * other processes, known only as they register. So this one counts the
 * voluntary context switches of every thread whose process is in a BPF
 * hash map (the drain adds each process as it adopts it) into a
 * memory-mappable array indexed by thread id. The program gets the array
 * with pidfd_getfd from sockscope (which needs the right to ptrace it: the
 * same user, or root — as loading BPF does) and reads one slot per reading.
 * Where any of that is refused, the program reads getrusage, as it does
 * without BPF. SOCKSCOPE_NO_BPF=1 keeps to getrusage. */
#ifndef SS_INTERPOSE_WAITCOUNT_H
#define SS_INTERPOSE_WAITCOUNT_H

#include <stdint.h>

#define SS_WC_NSLOT 65536 /* power of two: slot = tid & (SS_WC_NSLOT - 1) */

typedef struct ss_waitcount {
    int count_fd, procs_fd, prog_fd, tp_fd; /* -1 when not loaded */
} ss_waitcount;

/* Loads and attaches it (only while tracing: it runs on every context
 * switch of the machine). 0 when on, -1 when readings will use getrusage. */
int ss_waitcount_open(ss_waitcount *w, uint32_t max_procs);
/* counts process tgid's threads from now on; 0, or -1 */
int ss_waitcount_add(ss_waitcount *w, uint32_t tgid);
/* stops counting it (gone: its pid may be reused by a process we do not trace) */
void ss_waitcount_remove(ss_waitcount *w, uint32_t tgid);
void ss_waitcount_close(ss_waitcount *w);

#endif
