#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#include "models/model.h"
#include "sim/probe.h"

int ss_stop_requested(const ss_server *s) { return atomic_load(&s->stopping); }

void ss_conn_opened(ss_server *s, int fd)
{
    (void)fd; /* buffer sizes were inherited from the listening socket */
    atomic_fetch_add(&s->conns_open, 1);
    atomic_fetch_add(&s->conns_total, 1);
}

void ss_conn_closed(ss_server *s, int fd)
{
    atomic_fetch_sub(&s->conns_open, 1);
    ss_close(fd);
}

int ss_accept_conn(ss_server *s)
{
    int fd = ss_accept(s->listen_fd, NULL, NULL);
    if (fd >= 0)
        ss_conn_opened(s, fd);
    return fd;
}

int ss_accept_next(ss_server *s)
{
    while (!ss_stop_requested(s)) {
        int fd = ss_accept_conn(s);
        if (fd >= 0)
            return fd;
        if (!ss_stop_requested(s) && (errno == EMFILE || errno == ENFILE)) {
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
        }
    }
    return -1;
}

int ss_echo_step(ss_server *s, int fd, ss_echo *e, int api, int res)
{
    if (res <= 0)
        return 0;
    if (api == SS_API_RECV) {
        ss_cpu_work(fd, s->opts.cpu_work_us);
        e->recvbytes = res;
        e->sendbytes = 0;
    } else {
        e->sendbytes += res;
    }
    if (e->sendbytes < e->recvbytes)
        return SS_API_SEND;
    e->recvbytes = e->sendbytes = 0;
    return SS_API_RECV;
}

void ss_echo_span(ss_echo *e, int api, char **buf, unsigned *len)
{
    if (api == SS_API_RECV) {
        *buf = e->buf;
        *len = sizeof e->buf;
    } else {
        *buf = e->buf + e->sendbytes;
        *len = (unsigned)(e->recvbytes - e->sendbytes);
    }
}
