#include <errno.h>
#include <sys/socket.h>

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
