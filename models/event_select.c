/* event-select — WSAEventSelect (table 11-5), rebuilt on Linux.
 *
 * Each socket gets an event object (WSACreateEvent) and is registered for
 * FD_ACCEPT or FD_READ|FD_WRITE|FD_CLOSE (WSAEventSelect). When a network
 * event happens it is recorded in the socket and its event object is
 * signalled; a waiting thread sleeps in WSAWaitForMultipleEvents on at most
 * WSA_MAXIMUM_WAIT_EVENTS (64) objects, takes the lowest signalled index,
 * asks WSAEnumNetworkEvents which events happened (which also resets the
 * object), and calls recv/send/accept. The 64-object limit means one
 * waiting thread per 63 sockets: slot 0 of every wait is the thread's own
 * control event (new sockets handed over, or stop). The serving thread is
 * waiter 0 and holds the listening socket; when every waiter is full it
 * starts another.
 *
 * What backs it on Linux (the choice, and why):
 *  - the event object is an eventfd per socket: a real kernel object that a
 *    thread can sleep on, signalled by write(2), reset by read(2), and —
 *    like a manual-reset event — staying signalled until reset;
 *  - WSAWaitForMultipleEvents is poll(2) on at most 64 of them;
 *  - the kernel side of WSAEventSelect (record the event, signal the object,
 *    then stay quiet until recv/send/accept re-enables it) is the epoll
 *    notifier thread of netevent.c.
 * Recording follows the roles (sim/probe/probe.h, models/standin.h): the Windows
 * calls (WSACreateEvent, WSAEventSelect, WSAWaitForMultipleEvents,
 * WSAEnumNetworkEvents, WSASetEvent/WSAResetEvent on a waiter's control
 * event, WSACloseEvent) are stand-in calls over the eventfd/poll calls that
 * play them, which are emulation, as is everything the notifier does
 * (epoll_wait, epoll_ctl, and each report: an SS_API_EVENT_SIGNAL, aux =
 * the events, flagged SS_EV_KERNEL when it really wrote the eventfd, not
 * when the object was already set). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "models/netevent.h"
#include "models/standin.h"
#include "sim/probe/probe.h"
#include "sim/probe/sync.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define WAIT_MAX 64                /* WSA_MAXIMUM_WAIT_EVENTS */
#define PER_WAITER (WAIT_MAX - 1)  /* slot 0 of each wait: the control event */
#define MAX_WAITERS 64             /* 4032 sockets; beyond, clients are refused */

typedef struct esock {
    ss_ne_sock ne;       /* first: the notifier hands back ss_ne_sock pointers */
    ss_sockinfo si;
    int efd;             /* the event object */
    unsigned recorded;   /* network events since the last enumeration (notifier lock) */
    int signalled;       /* efd written and not yet reset (notifier lock) */
    int read_owed;       /* FD_READ/FD_CLOSE taken while bytes were unsent: recv after the send */
} esock;

struct event_select_server;

typedef struct waiter {
    struct event_select_server *es;
    int idx, ctl;                  /* ctl: the control event */
    esock *member[PER_WAITER];     /* the sockets this thread waits for (its own) */
    int n;
    pthread_mutex_t lock;          /* guards inbox and count */
    esock *inbox[PER_WAITER];      /* sockets handed over by the accepting thread */
    int ninbox, count;             /* count: members + inbox, the slots taken */
    pthread_t thread;
} waiter;

typedef struct event_select_server {
    ss_server *srv;
    ss_ne ne;
    esock listener;
    pthread_mutex_t lock;          /* guards w[] and nw against the notifier's on_stop */
    waiter *w[MAX_WAITERS];
    int nw;
    _Atomic int quit;
} event_select_server;

/* The notifier's signal of an event object (a write) or the read that
 * resets it inside WSAEnumNetworkEvents: one kernel entry, recorded with
 * the network events it concerned. */
static void eventfd_call(int api, int efd, int sock, unsigned events)
{
    uint64_t v = 1, t0 = ss_ticks();
    ssize_t r = api == SS_API_EVENT_SIGNAL ? write(efd, &v, sizeof v) : read(efd, &v, sizeof v);
    int e = r < 0 ? errno : 0;
    ss_note(api, sock, 0, r < 0 ? -1 : (int64_t)events, 0, events, SS_EV_KERNEL | (r < 0 ? SS_EV_FAILED : 0),
            t0, ss_ticks());
    if (r < 0 && e != EAGAIN)
        fprintf(stderr, "event-select: eventfd %s failed: %s\n", api == SS_API_EVENT_SIGNAL ? "write" : "read",
                strerror(e));
}

/* --- the notifier's side (netevent ops) ------------------------------------ */
static void deliver(void *ud, ss_ne_sock *ns, unsigned events)
{
    (void)ud;
    esock *s = (esock *)ns;
    s->recorded |= events;
    if (s->signalled) { /* SetEvent on a set event changes nothing: no call, only the record */
        uint64_t t = ss_ticks();
        ss_note(SS_API_EVENT_SIGNAL, s->ne.fd, 0, (int64_t)events, 0, events, 0, t, t);
        return;
    }
    eventfd_call(SS_API_EVENT_SIGNAL, s->efd, s->ne.fd, events);
    s->signalled = 1;
}

static void wake_all(void *ud)
{
    event_select_server *es = ud;
    atomic_store(&es->quit, 1);
    pthread_mutex_lock(&es->lock);
    for (int i = 0; i < es->nw; i++)
        eventfd_call(SS_API_EVENT_SIGNAL, es->w[i]->ctl, -1, 0);
    pthread_mutex_unlock(&es->lock);
}

/* The eventfd's close, once the notifier cannot signal it any more: the
 * program's WSACloseEvent was recorded when it closed the socket. */
static void release(ss_ne_sock *ns)
{
    esock *s = (esock *)ns;
    ss_emul_begin();
    ss_event_close(s->efd);
    ss_emul_end();
    free(s);
}

/* --- sockets and waiters ----------------------------------------------------- */
static esock *new_esock(int fd)
{
    esock *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->si.fd = fd;
    s->efd = ss_sw_create_event();
    if (s->efd < 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* WSAEnumNetworkEvents: take the recorded events and reset the object. */
static unsigned enum_network_events(event_select_server *es, esock *s)
{
    ss_standin call;
    ss_standin_begin(&call);
    ss_ne_lock(&es->ne);
    unsigned ev = s->recorded;
    s->recorded = 0;
    s->signalled = 0;
    eventfd_call(SS_API_EVENT_RESET, s->efd, s->ne.fd, ev);
    ss_ne_unlock(&es->ne);
    ss_standin_end(&call, SS_API_WSA_ENUM_EVENTS, s->ne.fd, 0, (int64_t)ev, 0, 0, ev, SS_EV_KERNEL, 0);
    return ev;
}

static waiter *new_waiter(event_select_server *es, int idx)
{
    waiter *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->es = es;
    w->idx = idx;
    w->ctl = ss_sw_create_event(); /* the waiter's control event */
    if (w->ctl < 0) {
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    return w;
}

static void free_waiter(waiter *w)
{
    ss_sw_close_event(w->ctl, -1);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

/* Move the sockets handed over into the wait set. */
static void take_inbox(waiter *w)
{
    pthread_mutex_lock(&w->lock);
    for (int i = 0; i < w->ninbox; i++)
        w->member[w->n++] = w->inbox[i];
    w->ninbox = 0;
    pthread_mutex_unlock(&w->lock);
}

static int hand_over(waiter *w, esock *s)
{
    pthread_mutex_lock(&w->lock);
    int ok = w->count < PER_WAITER;
    if (ok) {
        w->count++;
        w->inbox[w->ninbox++] = s;
    }
    pthread_mutex_unlock(&w->lock);
    return ok;
}

static void close_member(event_select_server *es, waiter *w, int i)
{
    esock *s = w->member[i];
    w->member[i] = w->member[--w->n];
    pthread_mutex_lock(&w->lock);
    w->count--;
    pthread_mutex_unlock(&w->lock);
    if (s == &es->listener)
        return;
    /* closesocket + WSACloseEvent; the eventfd itself closes once the
     * notifier has let go of the socket (release()), which frees s */
    int fd = s->ne.fd;
    ss_ne_closesocket(&es->ne, &s->ne);
    ss_standin call;
    ss_standin_begin(&call);
    ss_standin_end(&call, SS_API_WSA_CLOSE_EVENT, fd, 0, 0, 0, 0, 0, SS_EV_KERNEL, 0);
}

static void *waiter_main(void *arg);

/* Give s to the first waiter with a free slot, or to a new waiting thread.
 * Runs on waiter 0, the only thread that accepts. */
static int place(event_select_server *es, waiter *self, esock *s)
{
    for (int i = 0; i < es->nw; i++) {
        if (!hand_over(es->w[i], s))
            continue;
        if (es->w[i] != self)
            ss_sw_set_event(es->w[i]->ctl, -1);
        return 0;
    }
    waiter *w = es->nw < MAX_WAITERS ? new_waiter(es, es->nw) : NULL;
    if (!w)
        return -1;
    hand_over(w, s);
    if (pthread_create(&w->thread, NULL, waiter_main, w) != 0) {
        free_waiter(w);
        return -1;
    }
    pthread_mutex_lock(&es->lock);
    es->w[es->nw++] = w;
    pthread_mutex_unlock(&es->lock);
    if (atomic_load(&es->quit)) /* the notifier's wake-up may have missed it */
        ss_sw_set_event(w->ctl, -1);
    return 0;
}

static void accept_one(event_select_server *es, waiter *self)
{
    int fd = ss_ne_accept(&es->ne, &es->listener.ne);
    if (fd < 0)
        return;
    esock *s = new_esock(fd);
    if (!s) {
        ss_refusing(es->srv, "cannot create an event object (WSACreateEvent) for a new client, out of descriptors: "
                             "such clients are closed");
        ss_conn_closed(es->srv, fd);
        return;
    }
    /* WSAEventSelect(client, event, FD_READ|FD_WRITE|FD_CLOSE) */
    if (ss_ne_register(&es->ne, &s->ne, fd, SS_NE_READ | SS_NE_WRITE | SS_NE_CLOSE, 0) != 0) {
        ss_ne_closesocket(&es->ne, &s->ne); /* never signalled: it would wait forever */
        return;
    }
    if (place(es, self, s) != 0) {
        uint64_t t = ss_ticks();
        ss_note(SS_API_REFUSED, fd, (uint64_t)MAX_WAITERS * PER_WAITER, -1, 0, SS_API_WSA_WAIT, 0, t, t);
        ss_ne_closesocket(&es->ne, &s->ne);
    }
}

/* The textbook's handling of FD_READ/FD_WRITE/FD_CLOSE: echo what is
 * pending, then recv once for each FD_READ taken. FD_CLOSE also owes a
 * recv: the peer may have half-closed with bytes still unread, and the recv
 * that returns 0 ends the connection. Returns -1 to close the socket. */
static int serve_socket(event_select_server *es, esock *s, unsigned ev)
{
    if (ev & (SS_NE_READ | SS_NE_CLOSE))
        s->read_owed = 1;
    for (;;) {
        if (ss_si_pending(&s->si)) {
            int rc = ss_ne_send(&es->ne, &s->ne, &s->si);
            if (rc <= 0)
                return rc; /* failed, or wait for FD_WRITE */
        }
        if (!s->read_owed)
            return 0;
        s->read_owed = 0;
        int rc = ss_ne_recv(&es->ne, &s->ne, &s->si);
        if (rc <= 0)
            return rc;
    }
}

/* WSAWaitForMultipleEvents(n, events, FALSE, WSA_INFINITE): the lowest
 * signalled index, or -1. */
static int wait_for_events(waiter *w, struct pollfd *pfd)
{
    pfd[0] = (struct pollfd){.fd = w->ctl, .events = POLLIN};
    for (int i = 0; i < w->n; i++)
        pfd[1 + i] = (struct pollfd){.fd = w->member[i]->efd, .events = POLLIN};
    return ss_sw_wait_events(pfd, 1 + w->n, -1);
}

static void waiter_loop(waiter *w)
{
    event_select_server *es = w->es;
    struct pollfd pfd[WAIT_MAX];
    while (!atomic_load(&es->quit) && !ss_stop_requested(es->srv)) {
        take_inbox(w);
        int i = wait_for_events(w, pfd);
        if (i < 0) {
            if (errno != EINTR)
                fprintf(stderr, "event-select: poll() failed: %s\n", strerror(errno));
            continue;
        }
        if (i == 0) {
            ss_sw_reset_event(w->ctl, -1);
            continue;
        }
        esock *s = w->member[i - 1];
        unsigned ev = enum_network_events(es, s);
        if (s == &es->listener) {
            if (ev & SS_NE_ACCEPT)
                accept_one(es, w);
        } else if (serve_socket(es, s, ev) < 0) {
            close_member(es, w, i - 1);
        }
    }
}

static void *waiter_main(void *arg)
{
    waiter *w = arg;
    char name[32];
    snprintf(name, sizeof name, "waiter %d", w->idx);
    ss_thread_begin(SS_ROLE_SERVER, name);
    waiter_loop(w);
    ss_thread_end();
    return NULL;
}

/* After every waiting thread has ended: close what they held. */
static void close_all(event_select_server *es)
{
    for (int k = 0; k < es->nw; k++) {
        waiter *w = es->w[k];
        take_inbox(w);
        while (w->n > 0)
            close_member(es, w, w->n - 1);
    }
}

static int start(event_select_server *es, waiter *w0)
{
    static const ss_ne_ops ops = {deliver, wake_all, release, SS_API_WSA_EVENT_SELECT};
    if (ss_ne_init(&es->ne, es->srv, &ops, es) != 0)
        return -1;
    es->listener.si.fd = es->srv->listen_fd;
    es->listener.efd = ss_sw_create_event();
    if (es->listener.efd < 0 || ss_ne_register(&es->ne, &es->listener.ne, es->srv->listen_fd, SS_NE_ACCEPT, 1) != 0)
        return -1;
    hand_over(w0, &es->listener);
    return ss_ne_start(&es->ne);
}

static int event_select_serve(ss_server *s);

const ss_model ss_model_event_select = {
    .name = "event-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "Linux stand-in: an eventfd per socket as its event object, signalled by an epoll notifier "
                 "thread (emulation of Winsock's kernel side); each waiting thread poll(2)s <=64 eventfds "
                 "(WSA_MAXIMUM_WAIT_EVENTS), one more thread per 63 sockets",
    .summary = "WSAEventSelect: event objects per socket, 64 per wait, so threads grow with sockets",
    .serve = event_select_serve,
};

static int event_select_serve(ss_server *s)
{
    event_select_server es = {.srv = s, .lock = PTHREAD_MUTEX_INITIALIZER, .listener = {.efd = -1}};
    waiter *w0 = new_waiter(&es, 0);
    if (!w0)
        return -1;
    es.w[es.nw++] = w0;
    int rc = start(&es, w0);
    if (rc == 0)
        waiter_loop(w0); /* the serving thread is waiter 0 */
    else
        fprintf(stderr, "event-select: cannot set up the listening socket's event object\n");
    for (int k = 1; k < es.nw; k++)
        pthread_join(es.w[k]->thread, NULL);
    close_all(&es);
    ss_ne_finish(&es.ne); /* the notifier may still be waking the waiters: free them after */
    for (int k = 0; k < es.nw; k++)
        free_waiter(es.w[k]);
    if (es.listener.efd >= 0)
        ss_sw_close_event(es.listener.efd, s->listen_fd);
    return rc;
}
