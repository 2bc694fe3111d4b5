/* switchcount.h — the kernel's count of the calling thread's voluntary
 * context switches: the count that decides whether a blocking call "really
 * waited" (docs/instrumentation.md).
 *
 * Two sources, same number:
 *  - getrusage(RUSAGE_THREAD).ru_nvcsw: a system call (~150-250 ns here,
 *    mostly taking the mm for ru_maxrss), always available;
 *  - on Linux, when the process may load BPF (root, or CAP_BPF and
 *    CAP_PERFMON), a 20-instruction BPF program on the sched_switch raw
 *    tracepoint adds 1 to a per-thread slot of a memory-mapped array each
 *    time one of this process's threads switches out voluntarily (not
 *    preempted, state not running) — the kernel's own nvcsw rule — so a
 *    reading is one load. Slots are indexed by thread id; a thread whose
 *    slot is taken by a live thread falls back to getrusage.
 *    SOCKSCOPE_NO_BPF=1 in the environment keeps to getrusage. */
#ifndef SS_SWITCHCOUNT_H
#define SS_SWITCHCOUNT_H

#include <stddef.h>

#ifdef __linux__
/* Attaches the BPF counter if allowed (kept loaded for the process; only
 * attached while recording); 1 when it is on, 0 when readings use getrusage. */
int  ss_sw_attach(void);
void ss_sw_detach(void);
const char *ss_sw_source(void);   /* "bpf sched_switch" or "getrusage" */

long ss_sw_read(void);            /* this thread's count, from the attached source */
long ss_sw_read_rusage(void);     /* always getrusage */
void ss_sw_thread_end(void);      /* frees the thread's slot */
#else /* Windows decides "really waited" its own way (docs/windows.md) */
static inline int ss_sw_attach(void) { return 0; }
static inline void ss_sw_detach(void) {}
static inline const char *ss_sw_source(void) { return NULL; }
static inline void ss_sw_thread_end(void) {}
#endif

#endif
