/* recorder_int.h — the recorder's hot path, for the probes only
 * (sim/probe/): whether a run is open, and handing an event to the calling
 * thread's ring. Not a public header: models and clients record through
 * the probes (sim/probe/probe.h), never with ss_emit. */
#ifndef SS_RECORDER_INT_H
#define SS_RECORDER_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "sim/trace/event.h"
#include "sim/trace/ring.h"

extern _Atomic int ss_rec_active; /* a run is open: probes record */
extern int ss_rec_detect_waits;

typedef struct ss_tls_rec {
    ss_ring *ring;
    uint32_t gen;
} ss_tls_rec;
extern _Thread_local ss_tls_rec ss_tls;
extern _Atomic uint32_t ss_rec_gen;

ss_ring *ss_rec_attach(void); /* slow path: join the current run as an unnamed thread */
/* slow path: the ring is full. Waits (bounded) for the writer to make room,
 * records that wait as an SS_API_TRACE_WAIT event, or drops and counts. */
void ss_rec_full(ss_ring *r, const ss_event *ev);

static inline int ss_recording(void) { return atomic_load_explicit(&ss_rec_active, memory_order_relaxed); }

static inline void ss_emit(const ss_event *ev)
{
    ss_ring *r = ss_tls.ring;
    if (__builtin_expect(!r || ss_tls.gen != atomic_load_explicit(&ss_rec_gen, memory_order_relaxed), 0)) {
        r = ss_rec_attach();
        if (!r)
            return;
    }
    if (__builtin_expect(!ss_ring_try_push(r, ev), 0))
        ss_rec_full(r, ev);
}

#endif
