/* completion_port.h — the queue half of an I/O completion port, in user
 * space: completion packets (bytes, completion key, operation) go in at one
 * end (PostQueuedCompletionStatus, or the thread that reaps io_uring), and
 * worker threads take them out with GetQueuedCompletionStatus semantics: a
 * blocking dequeue with a timeout, each packet to exactly one worker, and
 * the most recently waiting worker woken first (LIFO, as Windows does, so
 * a few hot threads do the work while the rest stay asleep).
 *
 * Recorded: a post (SS_API_PACKET_POST, arg = queue depth after it) by the
 * posting thread; a wake-up (futex_wake + SS_API_WAKEUP naming the woken
 * worker); a worker's sleep (futex_wait). The dequeue is the caller's to
 * record (GetQueuedCompletionStatus and its packet: models/iocp.c), since
 * only it knows which gets a Windows program would make. All of it is the
 * stand-in's machinery: callers record it as emulation (sim/probe/probe.h).
 *
 * The concurrency value of CreateIoCompletionPort (0 = as many as CPUs) is
 * kept the way Windows keeps it: a post wakes a sleeping worker only while
 * fewer than that many workers are running (between taking a packet and
 * asking for the next); running workers take the rest as they come back.
 * Unlike Windows, a worker that blocks elsewhere still counts as running,
 * which is harmless here: workers only block briefly (a lock, a submit). */
#ifndef SS_COMPLETION_PORT_H
#define SS_COMPLETION_PORT_H

#include <stdint.h>

#include "sim/probe/sync.h"

typedef struct ss_packet {
    void *key;        /* completion key: the connection */
    uint64_t op;      /* the operation (the OVERLAPPED) */
    int api;          /* SS_API_RECV / SS_API_SEND ... */
    int sock;         /* for the record */
    int bytes;        /* bytes transferred, or -errno */
    unsigned depth;   /* set by ss_port_get: packets queued when this one was taken */
} ss_packet;

/* One per worker thread: where it sleeps while it waits in the port. */
typedef struct ss_port_waiter {
    _Atomic uint32_t woken;
    int thread;                    /* its thread index in the run, for the record */
    int running;                   /* it took a packet and has not asked for the next */
    struct ss_port_waiter *next;
} ss_port_waiter;

typedef struct ss_port {
    ss_lock lock;
    ss_packet *q;                  /* FIFO ring of packets */
    unsigned cap, head, len;
    ss_port_waiter *waiting;       /* LIFO stack of sleeping workers */
    int concurrency, running;      /* at most `concurrency` running workers (0: no limit) */
    int closed;
} ss_port;

/* 0, or -1 out of memory. concurrency: see above; pass the CPU count for
 * the textbook's CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0). */
int  ss_port_init(ss_port *p, int concurrency);
void ss_port_free(ss_port *p);
/* Queue a packet and wake the most recent waiter. -1 if out of memory. */
int  ss_port_post(ss_port *p, const ss_packet *pk);
/* Dequeue one packet, waiting up to timeout_ms (< 0: forever).
 * 1 = got one, 0 = timed out, -1 = the port is closed and empty. */
int  ss_port_get(ss_port *p, ss_port_waiter *self, ss_packet *out, int timeout_ms);
/* No more packets: wake every waiter; ss_port_get returns -1 once empty. */
void ss_port_close(ss_port *p);

#endif
