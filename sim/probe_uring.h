/* probe_uring.h — probes for io_uring. Only io_uring_enter(2) (and setup)
 * enter the kernel; preparing an SQE and reaping a CQE are memory operations
 * on shared rings, recorded as async submit/complete events. With SQPOLL a
 * kernel thread consumes the SQ, and io_uring_enter is needed only to wake it
 * (IORING_SQ_NEED_WAKEUP) or to sleep for completions. */
#ifndef SS_PROBE_URING_H
#define SS_PROBE_URING_H

#include <liburing.h>
#include <stdint.h>

int  ss_uring_init(struct io_uring *ring, unsigned entries, int sqpoll);
/* Push prepared SQEs to the kernel. Records an io_uring_enter only when one
 * happens (always without SQPOLL; with SQPOLL only to wake the SQ thread). */
int  ss_uring_submit(struct io_uring *ring, int sqpoll);
/* Submit what is prepared and make sure at least one CQE is ready. Without
 * SQPOLL: one io_uring_enter that submits and waits. With SQPOLL: spin on
 * the CQ for up to spin_us, then one io_uring_enter that waits. */
int  ss_uring_submit_and_wait(struct io_uring *ring, int sqpoll, unsigned spin_us);

void ss_uring_note_submit(uint64_t id, int api, int sock, uint64_t len);
/* depth: CQEs that were waiting when this one was taken */
void ss_uring_note_complete(uint64_t id, int api, int sock, int res, unsigned depth);

#endif
