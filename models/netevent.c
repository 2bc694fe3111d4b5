/* netevent.c — the notifier behind async-select and event-select (see
 * netevent.h for the Winsock rules it reproduces).
 *
 * Lifetime: the notifier copies socket pointers out of epoll_wait and uses
 * them after taking the lock. A socket closed meanwhile is marked dead under
 * the lock (so it is skipped) and put on a graveyard list; the notifier
 * frees the graveyard only at the top of its loop, before its next
 * epoll_wait — by then the closed fd has left the epoll set and no pointer
 * to it can come back. */
#include "models/netevent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "sim/probe/probe.h"
#include "sim/trace/thread.h"

#define MAX_EVENTS 256

static char stop_tag; /* epoll data of the stop signal */

/* The epoll mask that reports the enabled events of s. */
static unsigned wanted_mask(const ss_ne_sock *s)
{
    unsigned m = 0;
    if (s->enabled & (SS_NE_READ | SS_NE_ACCEPT))
        m |= EPOLLIN;
    if (s->enabled & SS_NE_WRITE)
        m |= EPOLLOUT;
    if (s->enabled & SS_NE_CLOSE)
        m |= EPOLLRDHUP;
    return m;
}

/* lock held */
static void update_interest(ss_ne *ne, ss_ne_sock *s)
{
    unsigned want = wanted_mask(s);
    if (!s->in_epoll || want == s->interest)
        return;
    struct epoll_event ev = {.events = want, .data.ptr = s};
    if (ss_epoll_ctl(ne->epfd, EPOLL_CTL_MOD, s->fd, &ev) == 0)
        s->interest = want;
}

/* The re-enabling effect of accept/recv/send: Winsock's kernel does it
 * inside the call; here it is the stand-in's epoll_ctl, emulation. */
static void reenable(ss_ne *ne, ss_ne_sock *s, unsigned events)
{
    ss_emul_begin();
    pthread_mutex_lock(&ne->lock);
    if (!s->dead) {
        s->enabled |= events;
        update_interest(ne, s);
    }
    pthread_mutex_unlock(&ne->lock);
    ss_emul_end();
}

/* What a readiness means as network events (lock held). A hang-up or an
 * error completes every event the program waits for — each call then
 * reports the failure — and cannot be masked in epoll, so the socket leaves
 * the set: nothing more can happen on it. */
static void on_ready(ss_ne *ne, ss_ne_sock *s, unsigned re)
{
    if (s->dead)
        return;
    unsigned fired = 0;
    if (re & EPOLLIN)
        fired |= s->listening ? SS_NE_ACCEPT : SS_NE_READ;
    if (re & EPOLLOUT)
        fired |= SS_NE_WRITE;
    if (re & EPOLLRDHUP)
        fired |= SS_NE_CLOSE;
    if (re & (EPOLLHUP | EPOLLERR)) {
        fired = s->enabled;
        ss_epoll_ctl(ne->epfd, EPOLL_CTL_DEL, s->fd, NULL);
        s->in_epoll = 0;
    }
    fired &= s->enabled;
    s->enabled &= ~fired;
    update_interest(ne, s);
    if (fired)
        ne->ops.deliver(ne->ud, s, fired);
}

static void release_graveyard(ss_ne *ne)
{
    pthread_mutex_lock(&ne->lock);
    ss_ne_sock *g = ne->graveyard;
    ne->graveyard = NULL;
    pthread_mutex_unlock(&ne->lock);
    while (g) {
        ss_ne_sock *next = g->next_dead;
        ne->ops.release(g);
        g = next;
    }
}

/* Out of descriptors, FD_ACCEPT was not re-enabled after a failed accept
 * (the gate, models/model.h): it is, once a descriptor frees or the retry
 * time has passed. */
static void resume_accept(ss_ne *ne)
{
    ss_ne_sock *l = atomic_load(&ne->deferred);
    if (l && ss_accept_open(ne->srv) && atomic_exchange(&ne->deferred, NULL) == l)
        reenable(ne, l, SS_NE_ACCEPT);
}

static void *notifier_main(void *arg)
{
    ss_ne *ne = arg;
    ss_emul_thread_begin("notifier");
    struct epoll_event evs[MAX_EVENTS];
    int stop = 0;
    while (!stop) {
        release_graveyard(ne);
        resume_accept(ne);
        int n = ss_epoll_wait(ne->epfd, evs, MAX_EVENTS, atomic_load(&ne->deferred) ? ss_accept_wait_ms(ne->srv, -1) : -1);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "notifier: epoll_wait() failed: %s; stopping the server\n", strerror(errno));
            break;
        }
        pthread_mutex_lock(&ne->lock);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == &stop_tag)
                stop = 1;
            else
                on_ready(ne, evs[i].data.ptr, evs[i].events);
        }
        pthread_mutex_unlock(&ne->lock);
        stop = stop || ss_stop_requested(ne->srv);
    }
    ne->ops.on_stop(ne->ud);
    ss_thread_end();
    return NULL;
}

int ss_ne_init(ss_ne *ne, ss_server *srv, const ss_ne_ops *ops, void *ud)
{
    memset(ne, 0, sizeof *ne);
    pthread_mutex_init(&ne->lock, NULL);
    ne->srv = srv;
    ne->ops = *ops;
    ne->ud = ud;
    ss_emul_begin();
    ne->epfd = ss_epoll_create();
    int rc = -1;
    if (ne->epfd < 0) {
        fprintf(stderr, "notifier: epoll_create1() failed: %s\n", strerror(errno));
    } else {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &stop_tag};
        rc = ss_epoll_ctl(ne->epfd, EPOLL_CTL_ADD, srv->stop_fd, &ev);
    }
    ss_emul_end();
    return rc;
}

int ss_ne_start(ss_ne *ne)
{
    ne->started = pthread_create(&ne->thread, NULL, notifier_main, ne) == 0;
    if (!ne->started)
        fprintf(stderr, "notifier: cannot start the notifier thread\n");
    return ne->started ? 0 : -1;
}

void ss_ne_finish(ss_ne *ne)
{
    if (ne->started)
        pthread_join(ne->thread, NULL);
    ne->started = 0;
    ss_emul_begin();
    release_graveyard(ne);
    if (ne->epfd >= 0)
        ss_close(ne->epfd);
    ss_emul_end();
    pthread_mutex_destroy(&ne->lock);
}

int ss_ne_register(ss_ne *ne, ss_ne_sock *s, int fd, unsigned events, int listening)
{
    ss_standin call;
    ss_standin_begin(&call);
    ss_set_nonblocking(fd, 1); /* WSAAsyncSelect/WSAEventSelect do this themselves */
    pthread_mutex_lock(&ne->lock);
    s->fd = fd;
    s->listening = listening;
    s->enabled = events;
    s->interest = wanted_mask(s);
    struct epoll_event ev = {.events = s->interest, .data.ptr = s};
    int in = s->in_epoll = ss_epoll_ctl(ne->epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
    pthread_mutex_unlock(&ne->lock); /* from here the notifier may change in_epoll (a hang-up): use the copy */
    ss_standin_end(&call, ne->ops.register_api, fd, events, in ? 0 : -1, in ? 0 : EINVAL, 0, events, SS_EV_KERNEL, 0);
    return in ? 0 : -1;
}

void ss_ne_closesocket(ss_ne *ne, ss_ne_sock *s)
{
    pthread_mutex_lock(&ne->lock);
    s->dead = 1;
    ss_conn_closed(ne->srv, s->fd); /* close also takes it out of the epoll set */
    s->next_dead = ne->graveyard;
    ne->graveyard = s;
    pthread_mutex_unlock(&ne->lock);
    resume_accept(ne); /* a descriptor is free */
}

void ss_ne_lock(ss_ne *ne) { pthread_mutex_lock(&ne->lock); }
void ss_ne_unlock(ss_ne *ne) { pthread_mutex_unlock(&ne->lock); }

int ss_ne_accept(ss_ne *ne, ss_ne_sock *listener)
{
    int fd = ss_accept_conn(ne->srv);
    int e = errno;
    if (fd < 0 && !ss_accept_open(ne->srv))
        atomic_store(&ne->deferred, listener); /* out of descriptors: the notifier re-enables it later */
    else
        reenable(ne, listener, SS_NE_ACCEPT);
    errno = e;
    return fd;
}

int ss_ne_recv(ss_ne *ne, ss_ne_sock *s, ss_sockinfo *si)
{
    int rc = ss_si_recv(ne->srv, si);
    if (rc >= 0) /* after a failure the caller closes the socket */
        reenable(ne, s, SS_NE_READ);
    return rc;
}

int ss_ne_send(ss_ne *ne, ss_ne_sock *s, ss_sockinfo *si)
{
    int rc = ss_si_send(si);
    if (rc == 0) /* bytes left: report FD_WRITE when there is room */
        reenable(ne, s, SS_NE_WRITE);
    return rc;
}
