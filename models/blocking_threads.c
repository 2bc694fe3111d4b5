/* blocking-threads — the textbook's concurrent server (table 11-4): one
 * blocking accept loop, one thread per client doing blocking recv/send.
 * Simple code; every thread blocks; the thread count grows with clients. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe/probe.h"
#include "sim/trace/thread.h"

/* per-server state: the live connections, so that stop can wake them */
typedef struct blocking_threads_server {
    pthread_mutex_t lock;
    pthread_cond_t all_gone;
    struct conn *live;
    int nlive;
} blocking_threads_server;

typedef struct conn {
    int fd, id;
    ss_server *srv;
    blocking_threads_server *st;
    struct conn *prev, *next;
} conn;

static void *conn_main(void *arg)
{
    conn *c = arg;
    char name[32];
    snprintf(name, sizeof name, "conn %d", c->id);
    ss_thread_begin(SS_ROLE_SERVER, name);
    ss_echo_blocking(c->srv, c->fd);
    blocking_threads_server *st = c->st;
    pthread_mutex_lock(&st->lock); /* leave the list before close: stop may shut us down */
    SS_LIVE_REMOVE(st->live, c);
    ss_conn_closed(c->srv, c->fd);
    ss_thread_end(); /* before the count drops: the run may end right after */
    free(c);
    if (--st->nlive == 0)
        pthread_cond_broadcast(&st->all_gone);
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

static int spawn(blocking_threads_server *st, ss_server *s, int fd, int id)
{
    conn *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->fd = fd;
    c->id = id;
    c->srv = s;
    c->st = st;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_mutex_lock(&st->lock);
    SS_LIVE_PUSH(st->live, c);
    st->nlive++;
    pthread_t t;
    int rc = pthread_create(&t, &attr, conn_main, c);
    if (rc != 0) {
        SS_LIVE_REMOVE(st->live, c);
        st->nlive--;
    }
    pthread_mutex_unlock(&st->lock);
    pthread_attr_destroy(&attr);
    if (rc != 0)
        free(c);
    return rc ? -1 : 0;
}

static int blocking_threads_serve(ss_server *s);

const ss_model ss_model_blocking_threads = {
    .name = "blocking-threads",
    .family = SS_FAMILY_SYNC,
    .mechanism = "blocking accept/recv/send, one POSIX thread per client",
    .summary = "table 11-4: simple code, but one blocked thread per client",
    .serve = blocking_threads_serve,
};

static int blocking_threads_serve(ss_server *s)
{
    blocking_threads_server st = {.lock = PTHREAD_MUTEX_INITIALIZER, .all_gone = PTHREAD_COND_INITIALIZER};
    int id = 0;
    for (int fd; (fd = ss_accept_next(s)) >= 0;) { /* out of fds, it waits for one (model.h's gate) */
        if (spawn(&st, s, fd, id++) != 0) {
            fprintf(stderr, "blocking-threads: cannot start a thread for a new client; closing it\n");
            ss_conn_closed(s, fd);
        }
    }
    /* Stopping: wake every client thread out of its blocking recv. */
    pthread_mutex_lock(&st.lock);
    for (conn *c = st.live; c; c = c->next)
        ss_shutdown(c->fd, SHUT_RDWR);
    while (st.nlive > 0)
        pthread_cond_wait(&st.all_gone, &st.lock);
    pthread_mutex_unlock(&st.lock);
    return 0;
}
