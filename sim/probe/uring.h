/* uring.h — probes for io_uring. Only io_uring_enter(2) (and setup)
 * enter the kernel; preparing an SQE and reaping a CQE are memory operations
 * on shared rings, recorded as async submit/complete events. With SQPOLL a
 * kernel thread consumes the SQ, and io_uring_enter is needed only to wake it
 * (IORING_SQ_NEED_WAKEUP), to flush an overflowed CQ, or to sleep for
 * completions. */
#ifndef SS_PROBE_URING_H
#define SS_PROBE_URING_H

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>

/* ss_model.available for models built on io_uring: can a ring be set up here? */
int  ss_uring_available(char *why, size_t n);
int  ss_uring_init(struct io_uring *ring, unsigned entries, int sqpoll);
/* Push prepared SQEs to the kernel. Records an io_uring_enter exactly when
 * one happens (always without SQPOLL; with SQPOLL only to wake the SQ thread
 * or flush an overflowed CQ). Returns SQEs submitted or -errno. */
int  ss_uring_submit(struct io_uring *ring, int sqpoll);
/* For a ring that several threads submit to: under the lock that guards
 * SQE preparation, ss_uring_publish() makes the prepared SQEs visible to the
 * kernel (returns how many wait); after the lock, ss_uring_push() has the
 * kernel take n of them: one io_uring_enter without SQPOLL, none with SQPOLL
 * unless the SQ thread sleeps. Whoever enters first may take another
 * thread's SQEs; every published SQE is taken once. Returns n or -errno. */
unsigned ss_uring_publish(struct io_uring *ring);
int  ss_uring_push(struct io_uring *ring, int sqpoll, unsigned n);
/* Submit what is prepared and make sure at least one CQE is ready. Without
 * SQPOLL: one io_uring_enter that submits and waits. With SQPOLL: spin on
 * the CQ for up to spin_us, then one io_uring_enter that waits. */
int  ss_uring_submit_and_wait(struct io_uring *ring, int sqpoll, unsigned spin_us);
/* How long a SQPOLL server polls its CQ before it sleeps in io_uring_enter.
 * SQPOLL saves the entries that submit; only polling saves the ones that
 * wait. 10 ms covers a scheduler slice on a busy 2-core machine (a woken
 * client may wait a few ms for a CPU held by the SQ thread and the poller),
 * and is small next to the SQ thread's own 2 s idle spin: measured, 50 us
 * left 0.03-1.0 transitions/request depending on load, 10 ms a steady 0.03. */
#define SS_URING_SQPOLL_SPIN_US 10000
/* Wait for at least one CQE without submitting anything: for a thread that
 * only reaps while others submit (the completion port). Spins spin_us on
 * the CQ first, then sleeps in io_uring_enter. 0 or -errno. */
int  ss_uring_wait(struct io_uring *ring, unsigned spin_us);
/* An SQE; when the SQ is full, submits what is there first. NULL if none. */
struct io_uring_sqe *ss_uring_get_sqe(struct io_uring *ring, int sqpoll);

/* A request's user data passes from the thread that submits it to the
 * thread that reaps its completion through the kernel, where
 * ThreadSanitizer cannot see the edge: the submitter releases the object
 * the SQE points to (after its last write, before the submission), the
 * reaper acquires it (before its first read). No-ops without TSan. */
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
static inline void ss_uring_handoff(void *obj) { __tsan_release(obj); }
static inline void ss_uring_takeover(void *obj) { __tsan_acquire(obj); }
#else
static inline void ss_uring_handoff(void *obj) { (void)obj; }
static inline void ss_uring_takeover(void *obj) { (void)obj; }
#endif

void ss_uring_note_submit(uint64_t id, int api, int sock, uint64_t len);
/* depth: CQEs (or packets) that were waiting when this one was taken */
void ss_uring_note_complete(uint64_t id, int api, int sock, int res, unsigned depth);

#endif
