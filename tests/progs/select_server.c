/* select_server — the textbook's SelectTCPServer on POSIX: one thread, every
 * socket non-blocking, select() over a read set and a write set rebuilt each
 * time (FD_ZERO/FD_SET), each client's recvbytes/sendbytes deciding which set
 * it goes in: a client with data not yet echoed waits to write, else to
 * read. usage: select_server PORT [CONNECTIONS] */
#include <errno.h>
#include <fcntl.h>
#include <sys/select.h>

#include "common.h"

typedef struct sockinfo {
    int sock;
    char buf[BUFSIZE + 1];
    int recvbytes, sendbytes;
} sockinfo;

static sockinfo *info[FD_SETSIZE];
static int ninfo;

static void set_nonblocking(int s)
{
    int flags = fcntl(s, F_GETFL);
    if (flags < 0 || fcntl(s, F_SETFL, flags | O_NONBLOCK) < 0)
        err_quit("fcntl");
}

static void add_socket(int s)
{
    sockinfo *p = calloc(1, sizeof *p);
    if (!p)
        err_quit("calloc");
    p->sock = s;
    info[ninfo++] = p;
}

static void remove_socket(int i)
{
    close(info[i]->sock);
    free(info[i]);
    info[i] = info[--ninfo];
}

int main(int argc, char **argv)
{
    long max_conns, closed = 0;
    int listen_sock = listen_on(argc, argv, &max_conns);
    set_nonblocking(listen_sock);
    fd_set rset, wset;
    while (!max_conns || closed < max_conns) {
        FD_ZERO(&rset);
        FD_ZERO(&wset);
        FD_SET(listen_sock, &rset);
        int maxfd = listen_sock;
        for (int i = 0; i < ninfo; i++) {
            if (info[i]->recvbytes > info[i]->sendbytes)
                FD_SET(info[i]->sock, &wset);
            else
                FD_SET(info[i]->sock, &rset);
            if (info[i]->sock > maxfd)
                maxfd = info[i]->sock;
        }
        if (select(maxfd + 1, &rset, &wset, NULL, NULL) < 0) {
            if (errno == EINTR)
                continue;
            err_quit("select");
        }
        if (FD_ISSET(listen_sock, &rset)) {
            int client = accept(listen_sock, NULL, NULL);
            if (client >= 0 && ninfo < FD_SETSIZE - 1) {
                set_nonblocking(client);
                add_socket(client);
            } else if (client >= 0) {
                close(client);
            }
        }
        for (int i = 0; i < ninfo; i++) {
            sockinfo *p = info[i];
            if (FD_ISSET(p->sock, &rset)) {
                int r = (int)recv(p->sock, p->buf, BUFSIZE, 0);
                if (r < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
                    continue;
                if (r <= 0) { /* the client closed (or failed) */
                    remove_socket(i--);
                    closed++;
                    continue;
                }
                p->recvbytes = r;
                p->sendbytes = 0;
            } else if (FD_ISSET(p->sock, &wset)) {
                int r = (int)send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
                if (r < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
                    continue;
                if (r < 0) {
                    remove_socket(i--);
                    closed++;
                    continue;
                }
                p->sendbytes += r;
                if (p->recvbytes == p->sendbytes)
                    p->recvbytes = p->sendbytes = 0;
            }
        }
    }
    close(listen_sock);
    return 0;
}
