#include "sim/run/server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/trace/recorder.h"

struct ss_server_handle {
    ss_server s;
    const ss_model *model;
    int stop_pipe[2];
    pthread_t thread;
    int rc;
    /* the listener, set up by the server thread: the program's own
     * socket/bind/listen, in the thread that then serves, as the
     * textbook's main() does */
    const char *host;
    int port, bound_port;
    char err[256];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int ready;
};

static void listener_ready(ss_server_handle *h)
{
    pthread_mutex_lock(&h->lock);
    h->ready = 1;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->lock);
}

static void *server_main(void *arg)
{
    ss_server_handle *h = arg;
    ss_thread_begin(SS_ROLE_SERVER, h->model->name);
    ss_listen_opts lo = {4096, h->s.opts.rcvbuf, h->s.opts.sndbuf, h->s.opts.nodelay};
    h->s.listen_fd = ss_listen_on(h->host, h->port, &lo, &h->bound_port, h->err, sizeof h->err);
    int listening = h->s.listen_fd >= 0;
    listener_ready(h); /* h belongs to the starter until it has seen this: touch nothing after a failure */
    if (listening) {
        h->rc = h->model->serve(&h->s);
        ss_close(h->s.listen_fd);
    }
    ss_thread_end();
    return NULL;
}

static void free_handle(ss_server_handle *h)
{
    close(h->stop_pipe[0]);
    close(h->stop_pipe[1]);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->cond);
    free(h);
}

ss_server_handle *ss_server_start(const ss_model *m, const ss_model_opts *opts, const char *host,
                                  int port, int *bound_port, char *err, size_t n)
{
    ss_server_handle *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    h->model = m;
    h->host = host;
    h->port = port;
    if (opts)
        h->s.opts = *opts;
    if (pipe(h->stop_pipe) != 0) {
        snprintf(err, n, "pipe() failed: %s", strerror(errno));
        free(h);
        return NULL;
    }
    fcntl(h->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(h->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    h->s.stop_fd = h->stop_pipe[0];
    h->s.listen_fd = -1;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->cond, NULL);
    if (pthread_create(&h->thread, NULL, server_main, h) != 0) {
        snprintf(err, n, "cannot start the server thread");
        free_handle(h);
        return NULL;
    }
    pthread_mutex_lock(&h->lock);
    while (!h->ready)
        pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
    if (h->s.listen_fd < 0) {
        pthread_join(h->thread, NULL);
        snprintf(err, n, "%s", h->err);
        free_handle(h);
        return NULL;
    }
    if (bound_port)
        *bound_port = h->bound_port;
    return h;
}

ss_server *ss_server_state(ss_server_handle *h) { return &h->s; }

void ss_server_request_stop(ss_server_handle *h)
{
    if (atomic_exchange(&h->s.stopping, 1))
        return;
    char one = 1;
    ssize_t w = write(h->stop_pipe[1], &one, 1);
    (void)w;
    ss_shutdown(h->s.listen_fd, SHUT_RDWR);
}

int ss_server_join(ss_server_handle *h)
{
    pthread_join(h->thread, NULL);
    int rc = h->rc;
    free_handle(h);
    return rc;
}

/* --- where runs are recorded (server.h) ---------------------------------- */
static char platform[160];
static pthread_once_t platform_once = PTHREAD_ONCE_INIT;

static void platform_init(void)
{
    struct utsname u;
    if (uname(&u) != 0) {
        snprintf(platform, sizeof platform, "posix");
        return;
    }
    snprintf(platform, sizeof platform, "%s %s", u.sysname, u.release);
    for (char *c = platform; *c && *c != ' '; c++) /* "Linux" -> "linux", as "windows" and "wine" */
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
}

/* The models whose mechanism only Windows has (docs/architecture.md,
 * "Honest stand-ins"): here a notifier thread, eventfds, io_uring and a port
 * thread play the Windows kernel's part. */
/* a Windows model played on Linux: its mechanism line says so (models/,
 * the registry's one place for it), rather than a second list of names */
static int windows_only(const ss_model *m)
{
    /* `load` has no model: no server here, only clients */
    return m && m->mechanism && strncmp(m->mechanism, "Linux stand-in", 14) == 0;
}

void ss_server_origin(const ss_model *m, ss_origin *o)
{
    pthread_once(&platform_once, platform_init);
    o->platform = platform;
    o->winsock = windows_only(m) ? "stand-in" : "none";
    o->waits = ss_rec_wait_detection() ? "measured" : "off";
}
