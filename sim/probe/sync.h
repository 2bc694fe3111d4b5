/* sync.h — probed synchronisation objects for the models that hand work
 * between threads (overlapped, iocp). Each call that enters the kernel is
 * recorded like a socket call, so transitions per request stay honest when
 * a model sleeps on a futex or signals an event object:
 * - event objects are eventfds (WSACreateEvent / WSASetEvent / WSAResetEvent
 *   / WSACloseEvent);
 * - ss_futex_wait/wake are the sleeping and waking underneath a lock or a
 *   completion-port wait;
 * - ss_lock is a futex lock (Drepper's three-state mutex) whose kernel
 *   entries, only under contention, are recorded too. */
#ifndef SS_SYNC_H
#define SS_SYNC_H

#include <stdatomic.h>
#include <stdint.h>

int  ss_event_create(void);     /* a non-signalled, non-blocking eventfd; -1 with errno */
int  ss_event_set(int ev);      /* signal it */
int  ss_event_reset(int ev);    /* consume the signal; 0 also when it was not signalled */
int  ss_event_close(int ev);

/* Sleep while *word == val, at most timeout_ms (< 0: no limit). Returns 0
 * when woken, or -errno: EAGAIN (the value had changed), ETIMEDOUT, EINTR. */
int  ss_futex_wait(_Atomic uint32_t *word, uint32_t val, int timeout_ms);
int  ss_futex_wake(_Atomic uint32_t *word, int n); /* returns how many woke */

typedef struct ss_lock {
    _Atomic uint32_t v; /* 0 free, 1 held, 2 held with sleepers */
} ss_lock;

void ss_lock_acquire(ss_lock *l);
void ss_lock_release(ss_lock *l);

#endif
