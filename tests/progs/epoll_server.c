/* epoll_server — the Linux chapter's EPollTCPServer: one thread, a
 * non-blocking listening socket and non-blocking clients in one epoll set
 * (level-triggered); a client waits for EPOLLIN while it has nothing to
 * echo, for EPOLLOUT while it has. usage: epoll_server PORT [CONNECTIONS] */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include "common.h"

#define MAX_EVENTS 64

typedef struct sockinfo {
    int sock;
    char buf[BUFSIZE];
    int recvbytes, sendbytes;
} sockinfo;

static void set_nonblocking(int s)
{
    int flags = fcntl(s, F_GETFL);
    if (flags < 0 || fcntl(s, F_SETFL, flags | O_NONBLOCK) < 0)
        err_quit("fcntl");
}

static void watch(int ep, int op, sockinfo *p, unsigned events)
{
    struct epoll_event ev = {.events = events, .data.ptr = p};
    if (epoll_ctl(ep, op, p->sock, &ev) != 0)
        err_quit("epoll_ctl");
}

int main(int argc, char **argv)
{
    long max_conns, closed = 0;
    int listen_sock = listen_on(argc, argv, &max_conns);
    set_nonblocking(listen_sock);
    int ep = epoll_create(1);
    if (ep < 0)
        err_quit("epoll_create");
    sockinfo listener = {.sock = listen_sock};
    watch(ep, EPOLL_CTL_ADD, &listener, EPOLLIN);
    struct epoll_event events[MAX_EVENTS];
    while (!max_conns || closed < max_conns) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err_quit("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            sockinfo *p = events[i].data.ptr;
            if (p == &listener) {
                int client = accept(listen_sock, NULL, NULL);
                if (client < 0)
                    continue;
                set_nonblocking(client);
                sockinfo *c = calloc(1, sizeof *c);
                if (!c)
                    err_quit("calloc");
                c->sock = client;
                watch(ep, EPOLL_CTL_ADD, c, EPOLLIN);
                continue;
            }
            int gone = 0;
            if (p->recvbytes == 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                int r = (int)recv(p->sock, p->buf, BUFSIZE, 0);
                if (r < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
                    continue;
                if (r <= 0) {
                    gone = 1;
                } else {
                    p->recvbytes = r;
                    p->sendbytes = 0;
                }
            }
            if (!gone && p->recvbytes > p->sendbytes) {
                int r = (int)send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
                if (r < 0 && errno != EWOULDBLOCK && errno != EAGAIN)
                    gone = 1;
                else if (r > 0)
                    p->sendbytes += r;
                if (!gone && p->sendbytes == p->recvbytes) {
                    if (events[i].events & EPOLLOUT)
                        watch(ep, EPOLL_CTL_MOD, p, EPOLLIN);
                    p->recvbytes = p->sendbytes = 0;
                } else if (!gone && !(events[i].events & EPOLLOUT)) {
                    watch(ep, EPOLL_CTL_MOD, p, EPOLLOUT);
                }
            }
            if (gone) {
                epoll_ctl(ep, EPOLL_CTL_DEL, p->sock, NULL);
                close(p->sock);
                free(p);
                closed++;
            }
        }
    }
    close(ep);
    close(listen_sock);
    return 0;
}
