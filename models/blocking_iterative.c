/* blocking-iterative — the textbook's iterative server (table 11-3): one
 * thread, blocking accept/recv/send, one client at a time. While a client is
 * served, every other client waits in the listen backlog: its connect has
 * succeeded, its request sits unread, and a slow client delays them all.
 *
 * Stopping: the serving thread may be asleep in recv on the current client,
 * which nothing in the echo loop would ever wake. A stop watcher thread
 * (idle until stop) shuts that socket down so the recv returns 0; it is the
 * only other thread and does no echo work. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/probe/probe.h"
#include "sim/trace/thread.h"

typedef struct blocking_iterative_server {
    ss_server *srv;
    pthread_mutex_t lock;
    int current; /* the client being served, -1 between clients */
} blocking_iterative_server;

static void *stop_watcher(void *arg)
{
    blocking_iterative_server *bi = arg;
    ss_thread_begin(SS_ROLE_CONTROL, "stop watcher"); /* sockscope's, not the textbook's */
    struct pollfd p = {.fd = bi->srv->stop_fd, .events = POLLIN};
    while (ss_poll(&p, 1, -1) < 0 && errno == EINTR) {}
    pthread_mutex_lock(&bi->lock);
    if (bi->current >= 0)
        ss_shutdown(bi->current, SHUT_RDWR);
    pthread_mutex_unlock(&bi->lock);
    ss_thread_end();
    return NULL;
}

/* Publish fd as the current client. Returns 0 if stop was already
 * requested, in which case the watcher may have run before fd existed. */
static int set_current(blocking_iterative_server *bi, int fd)
{
    pthread_mutex_lock(&bi->lock);
    bi->current = fd;
    int go = !ss_stop_requested(bi->srv);
    pthread_mutex_unlock(&bi->lock);
    return go;
}

static void finish_current(blocking_iterative_server *bi)
{
    pthread_mutex_lock(&bi->lock); /* the watcher must not shut down a reused fd */
    ss_conn_closed(bi->srv, bi->current);
    bi->current = -1;
    pthread_mutex_unlock(&bi->lock);
}

static int blocking_iterative_serve(ss_server *s);

const ss_model ss_model_blocking_iterative = {
    .name = "blocking-iterative",
    .family = SS_FAMILY_SYNC,
    .mechanism = "blocking accept/recv/send on one thread, one client at a time (others wait in the listen backlog)",
    .summary = "table 11-3: few resources, but one slow client makes every other client wait",
    .serve = blocking_iterative_serve,
};

static int blocking_iterative_serve(ss_server *s)
{
    blocking_iterative_server bi = {.srv = s, .lock = PTHREAD_MUTEX_INITIALIZER, .current = -1};
    pthread_t watcher;
    if (pthread_create(&watcher, NULL, stop_watcher, &bi) != 0) {
        fprintf(stderr, "blocking-iterative: cannot start the stop watcher thread\n");
        return -1;
    }
    /* out of fds, accept waits for one (model.h's gate); at stop, the
     * listening socket is shut down and accept fails */
    for (int fd; (fd = ss_accept_next(s)) >= 0;) {
        if (set_current(&bi, fd))
            ss_echo_blocking(s, fd);
        finish_current(&bi);
    }
    pthread_join(watcher, NULL);
    return 0;
}
