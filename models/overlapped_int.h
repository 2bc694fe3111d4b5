/* overlapped_int.h — what the two overlapped stand-ins share
 * (overlapped.c: completion routines; overlapped_event.c: event objects):
 * the issuing threads, their sockets, issuing a WSARecv/WSASend, the
 * textbook's completion step, and the hand-over of accepted sockets.
 * overlapped_issuer.c implements it. Internal to models/. */
#ifndef SS_OVERLAPPED_INT_H
#define SS_OVERLAPPED_INT_H

#include <liburing.h>
#include <pthread.h>
#include <stdint.h>

#include "models/model.h"
#include "sim/probe/sync.h"

#define OV_MAX_WAIT 64 /* WSA_MAXIMUM_WAIT_EVENTS */
#define OV_MAX_THREADS 64
#define OV_TAG_NEWSOCK ((uint64_t)1) /* user data of the new-socket poll (routines) */
#define OV_TAG_SIGNAL ((uint64_t)2)  /* user data of an event's signal (events) */

typedef struct issuer issuer;

typedef struct conn {
    int fd, evfd;      /* evfd: the socket's event object (events) */
    int slot;          /* index in its thread's conns[] */
    int api;           /* the one outstanding operation ... */
    uint64_t op;       /* ... and its id */
    int done, res;     /* events: reaped from the CQ, not yet fetched */
    struct conn *next; /* the hand-over list */
    /* routines: the operation's lpCompletionRoutine */
    void (*routine)(issuer *is, struct conn *c, int res);
    ss_echo e;
} conn;

typedef struct overlapped_server {
    ss_server *srv;
    int routines;             /* completion routines (overlapped), else event objects (overlapped-event) */
    void (*loop)(issuer *is); /* the issuing thread's wait-and-complete loop */
    issuer *threads[OV_MAX_THREADS];
    int nthreads;
    _Atomic uint64_t next_op;
} overlapped_server;

struct issuer {
    overlapped_server *ov;
    int idx;
    pthread_t thread;
    struct io_uring ring;
    int newsock;  /* event: sockets are waiting to be taken */
    ss_lock lock; /* guards incoming and quit */
    conn *incoming;
    int quit, closing;
    _Atomic int assigned; /* sockets handed to this thread and not yet closed */
    conn **conns;         /* the thread's sockets */
    int nconns, capconns, ndone;
    uint64_t newsock_op;
};

/* WSARecv / WSASend on c. Events: the SQE is hard-linked to the signal of
 * c's event, whose own CQE is skipped; routines: it names ov_echo_done. */
int ov_issue(issuer *is, conn *c, int api);
/* The textbook's completion step, shared by both: the next operation, or
 * the socket closed. */
void ov_echo_done(issuer *is, conn *c, int res);
/* The new-socket event fired: take the handed-over sockets, post their
 * first WSARecv, and on quit shut every socket down so its outstanding
 * operation completes and the thread can finish. */
void ov_take_incoming(issuer *is);
/* An event object signalled (recorded where the thread sees it). */
void ov_note_signal(int ev, uint64_t op, int api);

/* The main (serve) thread: accept with a blocking accept, hand each socket
 * to an issuing thread that runs loop, stop them all at the end. */
int ov_serve(ss_server *s, int routines, void (*loop)(issuer *is));

#endif
