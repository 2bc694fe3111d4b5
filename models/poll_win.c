/* poll on Winsock — WSAPoll, the Winsock twin of the POSIX poll() of the
 * book's Linux chapter (PollTCPServer): one array of WSAPOLLFD, no 64-socket
 * limit, events per socket instead of sets rebuilt from scratch. As in
 * SelectTCPServer, a socket with unsent bytes waits for POLLWRNORM, else for
 * POLLRDNORM. Stop: the default wake-up makes the listener readable. */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"

typedef struct sockinfo {
    int sock;
    char buf[SS_BUFSIZE + 1];
    int recvbytes, sendbytes;
} sockinfo;

static int poll_serve(ss_server *s);

const ss_model ss_model_poll = {
    .name = "poll",
    .family = SS_FAMILY_SYNC,
    .mechanism = "WSAPoll over ioctlsocket(FIONBIO) sockets (no 64-socket limit)",
    .summary = "PollTCPServer: one array of sockets and events, no set to rebuild, no FD_SETSIZE",
    .serve = poll_serve,
};

static int poll_serve(ss_server *s)
{
    if (ss_set_nonblocking(s->listen_fd, 1) != 0) {
        fprintf(stderr, "poll: ioctlsocket(FIONBIO) failed (%d)\n", WSAGetLastError());
        return -1;
    }
    sockinfo **info = NULL;  /* info[i] belongs to fds[i + 1]; fds[0] is the listener */
    WSAPOLLFD *fds = NULL;
    int n = 0, icap = 0, fcap = 0, rc = 0;
    while (!ss_stop_requested(s)) {
        if (n + 1 > fcap) {
            int ncap = fcap ? fcap * 2 : 64;
            while (ncap < n + 1)
                ncap *= 2;
            WSAPOLLFD *f = realloc(fds, (size_t)ncap * sizeof *f);
            if (!f) {
                rc = -1;
                break;
            }
            fds = f;
            fcap = ncap;
        }
        fds[0] = (WSAPOLLFD){.fd = ss_sock(s->listen_fd), .events = POLLRDNORM};
        for (int i = 0; i < n; i++)
            fds[i + 1] = (WSAPOLLFD){.fd = ss_sock(info[i]->sock),
                                     .events = info[i]->recvbytes > info[i]->sendbytes ? POLLWRNORM : POLLRDNORM};
        int ready = ss_poll(fds, (nfds_t)(n + 1), -1);
        if (ready == SOCKET_ERROR) {
            fprintf(stderr, "poll: WSAPoll failed (%d)\n", WSAGetLastError());
            rc = -1;
            break;
        }
        if (ss_stop_requested(s))
            break;
        for (int i = n - 1; i >= 0; i--) {
            sockinfo *p = info[i];
            short re = fds[i + 1].revents;
            int drop = 0;
            if (p->recvbytes > p->sendbytes) {
                /* waiting to write. POLLHUP alone may be the peer's half
                 * close (it still reads): try the send, it says if the
                 * connection is really gone. */
                if (re & (POLLWRNORM | POLLHUP | POLLERR)) {
                    int r = (int)ss_send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
                    if (r == SOCKET_ERROR) {
                        drop = WSAGetLastError() != WSAEWOULDBLOCK;
                    } else {
                        p->sendbytes += r;
                        if (p->sendbytes == p->recvbytes)
                            p->recvbytes = p->sendbytes = 0;
                    }
                } else if (re & POLLNVAL) {
                    drop = 1;
                }
            } else if (re & (POLLRDNORM | POLLHUP | POLLERR)) {
                int r = (int)ss_recv(p->sock, p->buf, SS_BUFSIZE, 0);
                if (r == SOCKET_ERROR)
                    drop = WSAGetLastError() != WSAEWOULDBLOCK;
                else if (r == 0)
                    drop = 1;
                else {
                    ss_cpu_work(p->sock, s->opts.cpu_work_us);
                    p->recvbytes = r;
                    p->sendbytes = 0;
                }
            } else if (re & POLLNVAL) {
                drop = 1;
            }
            if (drop) {
                ss_conn_closed(s, p->sock);
                free(p);
                info[i] = info[--n];
            }
        }
        if (fds[0].revents & POLLRDNORM) {
            int client = ss_win_accept(s);
            if (client >= 0) {
                if (n == icap) {
                    int ncap = icap ? icap * 2 : 64;
                    sockinfo **g = realloc(info, (size_t)ncap * sizeof *g);
                    if (g) {
                        info = g;
                        icap = ncap;
                    }
                }
                sockinfo *p = n < icap ? calloc(1, sizeof *p) : NULL;
                if (p) {
                    p->sock = client;
                    info[n++] = p;
                } else {
                    ss_conn_closed(s, client);
                }
            }
        }
    }
    while (n > 0) {
        ss_conn_closed(s, info[n - 1]->sock);
        free(info[--n]);
    }
    free(info);
    free(fds);
    return rc;
}
