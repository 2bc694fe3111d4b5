/* stop_win.c — how a stop request reaches a Windows model (model_win.h):
 * the wake-up each model registers, run under a lock so that a model that
 * clears it knows no wake-up still touches its state; and the default
 * wake-up, a connection to the listener. */
#include "models/model_win.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "sim/probe/probe.h"

struct ss_win_stop {
    CRITICAL_SECTION lock;
    ss_win_stop_fn fn;
    void *arg;
};

int ss_win_stop_init(ss_server *s)
{
    s->win_stop = calloc(1, sizeof *s->win_stop);
    if (!s->win_stop)
        return -1;
    InitializeCriticalSection(&s->win_stop->lock);
    return 0;
}

void ss_win_stop_free(ss_server *s)
{
    if (!s->win_stop)
        return;
    DeleteCriticalSection(&s->win_stop->lock);
    free(s->win_stop);
    s->win_stop = NULL;
}

void ss_win_on_stop(ss_server *s, ss_win_stop_fn fn, void *arg)
{
    EnterCriticalSection(&s->win_stop->lock);
    s->win_stop->fn = fn;
    s->win_stop->arg = arg;
    LeaveCriticalSection(&s->win_stop->lock);
}

void ss_win_stop_request(ss_server *s)
{
    EnterCriticalSection(&s->win_stop->lock);
    if (s->win_stop->fn)
        s->win_stop->fn(s, s->win_stop->arg);
    else
        ss_win_wake_accept(s);
    LeaveCriticalSection(&s->win_stop->lock);
}

void ss_win_wake_accept(ss_server *s)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    if (ss_getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0)
        return;
    if (a.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
        if (v4->sin_addr.s_addr == htonl(INADDR_ANY))
            v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (a.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a;
        if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr))
            v6->sin6_addr = in6addr_loopback;
    }
    /* A full backlog refuses at once on Windows: retry a little (bounded). */
    for (int tries = 0; tries < 50; tries++) {
        int fd = ss_socket(a.ss_family, SOCK_STREAM, 0);
        if (fd < 0)
            return;
        int rc = ss_connect(fd, (struct sockaddr *)&a, len);
        ss_close(fd);
        if (rc == 0)
            return;
        Sleep(10);
    }
    fprintf(stderr, "sockscope: could not wake the server up (connect to its listener failed)\n");
}

int ss_win_accept(ss_server *s)
{
    int fd = ss_accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return -1;
    if (ss_stop_requested(s)) {
        ss_close(fd);
        WSASetLastError(WSAEINTR);
        errno = ECANCELED;
        return -1;
    }
    ss_conn_opened(s, fd);
    return fd;
}
