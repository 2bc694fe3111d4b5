/* netevent.h — Winsock's network-event records, rebuilt on Linux for the
 * async-select and event-select models.
 *
 * WSAAsyncSelect and WSAEventSelect share one mechanism in Winsock. For each
 * registered socket the kernel remembers which network events (table 11-8:
 * FD_ACCEPT, FD_READ, FD_WRITE, FD_CLOSE) may be reported. When one happens
 * it is reported once — as a window message, or by recording it and
 * signalling the socket's event object — and is then disabled until the
 * program calls the function that re-enables it (table 11-9: accept for
 * FD_ACCEPT, recv for FD_READ, send for FD_WRITE; FD_CLOSE is reported once).
 * If the condition still holds after that call (bytes left unread), it is
 * reported again. FD_WRITE is reported once the socket is writable after
 * registration, and again only after a send could not take every byte.
 *
 * Linux has no such mechanism, so a notifier thread stands in for the kernel
 * part: it waits in epoll_wait (level-triggered) on every registered socket
 * with an interest mask equal to that socket's enabled events, turns each
 * readiness into the network events it means, disables them, and hands them
 * to the model's deliver function. The re-enabling calls below put the event
 * back into the epoll interest (epoll_ctl). Every one of these epoll calls is
 * recorded, as emulation (sim/probe/probe.h): they are the stand-in's cost, not
 * the Winsock program's. The notifier is an emulation thread; a
 * registration is recorded as the Windows call it plays (ops.register_api). */
#ifndef SS_NETEVENT_H
#define SS_NETEVENT_H

#include <pthread.h>

#include "models/model.h"

typedef struct ss_ne_sock {
    int fd;
    int listening;
    unsigned enabled;  /* network events that may be reported now (ss_ne.lock) */
    unsigned interest; /* the epoll mask registered for them */
    int in_epoll, dead;
    struct ss_ne_sock *next_dead;
} ss_ne_sock;

typedef struct ss_ne_ops {
    /* Report `events` (SS_NE_* bits) of s. Called by the notifier thread
     * with the lock held, so s cannot be closed meanwhile. */
    void (*deliver)(void *ud, ss_ne_sock *s, unsigned events);
    /* The notifier saw the stop request: wake the thread(s) waiting for
     * reports. Called without the lock, once, just before the notifier ends. */
    void (*on_stop)(void *ud);
    /* Free a closed socket; called once the notifier can no longer hold it. */
    void (*release)(ss_ne_sock *s);
    int register_api; /* SS_API_WSA_ASYNC_SELECT or SS_API_WSA_EVENT_SELECT */
} ss_ne_ops;

typedef struct ss_ne {
    pthread_mutex_t lock;
    ss_server *srv;
    int epfd;
    ss_ne_ops ops;
    void *ud;
    ss_ne_sock *graveyard; /* closed sockets the notifier may still hold */
    ss_ne_sock *_Atomic deferred; /* a listener whose FD_ACCEPT waits for a free descriptor */
    pthread_t thread;
    int started;
} ss_ne;

int  ss_ne_init(ss_ne *ne, ss_server *srv, const ss_ne_ops *ops, void *ud);
int  ss_ne_start(ss_ne *ne);   /* starts the notifier thread; it ends when stop is requested */
void ss_ne_finish(ss_ne *ne);  /* joins the notifier, releases closed sockets, closes epoll */

/* WSAAsyncSelect / WSAEventSelect: make fd non-blocking and report `events`
 * for it, recorded as that Windows call. -1 if epoll refused it. */
int  ss_ne_register(ss_ne *ne, ss_ne_sock *s, int fd, unsigned events, int listening);
/* closesocket: no more reports, close fd; s is released later. */
void ss_ne_closesocket(ss_ne *ne, ss_ne_sock *s);
/* The lock the notifier holds while delivering, for models that keep state
 * the deliver function writes (event-select's recorded events). */
void ss_ne_lock(ss_ne *ne);
void ss_ne_unlock(ss_ne *ne);

/* The re-enabling calls (table 11-9), each the textbook call plus its
 * re-enabling effect. Results as ss_accept_conn / ss_si_recv / ss_si_send. */
int ss_ne_accept(ss_ne *ne, ss_ne_sock *listener);
int ss_ne_recv(ss_ne *ne, ss_ne_sock *s, ss_sockinfo *si);
int ss_ne_send(ss_ne *ne, ss_ne_sock *s, ss_sockinfo *si);

#endif
