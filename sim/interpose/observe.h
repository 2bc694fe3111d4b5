/* observe.h — which I/O model a traced program uses, recognised from the
 * calls it made ("select-based (observed)", "thread per client (observed)"
 * ...). The drain feeds it every event; the verdict becomes the run's
 * mechanism, so stats, exports and the viewer show it as they show a
 * built-in model's. */
#ifndef SS_INTERPOSE_OBSERVE_H
#define SS_INTERPOSE_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"

typedef struct ss_observe {
    uint64_t calls[SS_API_COUNT];
    uint64_t wouldblock;      /* accept/recv/send that returned EWOULDBLOCK */
    uint64_t may_block;       /* calls that could have slept */
    uint64_t waited;          /* ... and did */
    uint64_t wait_missed;     /* verification mode: the lazy rule would have said otherwise */
    uint32_t threads;         /* threads that recorded anything */
    uint32_t accept_threads;  /* ... that accepted */
    uint32_t io_threads;      /* ... that received or sent */
    uint32_t io_only_threads; /* ... that received or sent and never accepted */
    uint32_t procs;           /* processes folded in (ss_observe_add) */
    uint32_t io_children;     /* child processes that received or sent without accepting */
    int child;                /* this process was forked by another recorded one */
} ss_observe;

/* What one thread did, kept by the drain while it lives. */
enum { SS_OBS_ACCEPT = 1, SS_OBS_IO = 2 };

/* One event of a thread whose flags (SS_OBS_*) are *thread_flags. */
void ss_observe_event(ss_observe *o, int *thread_flags, const ss_event *ev);
/* The thread ended (or the verdict is asked while it lives): fold its flags in. */
void ss_observe_thread(ss_observe *o, int thread_flags);
/* A whole process into a program's total (run --program: all its processes, one run). */
void ss_observe_add(ss_observe *total, const ss_observe *p);

/* The verdict: "epoll-based (observed)" ...; "" when no socket call was
 * recorded. detail (may be NULL) gets the evidence in a few words. */
const char *ss_observe_model(const ss_observe *o, char *detail, size_t n);
uint64_t ss_observe_socket_calls(const ss_observe *o);

#endif
