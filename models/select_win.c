/* select on Winsock — the textbook's SelectTCPServer, call for call: one
 * thread, non-blocking sockets (ioctlsocket FIONBIO), a read set and a write
 * set rebuilt before every select(). A socket with unsent bytes waits in the
 * write set, otherwise in the read set (table 11-6), so the server never
 * waits to read and write the same socket at once.
 *
 * Winsock's fd_set is an array of FD_SETSIZE = 64 handles (not a bitmap): the
 * listening socket takes one, so the 64th client is refused, as the
 * textbook's AddSocketInfo() refuses it ("[오류] 소켓 정보를 추가할 수
 * 없습니다!"); --fd-setsize N lowers the limit. Stop: the default wake-up
 * (a loopback connection) makes the listening socket readable. */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/clock.h"

typedef struct sockinfo {
    int sock;
    int recvbytes, sendbytes;
    char buf[SS_BUFSIZE + 1];
} sockinfo;

typedef struct select_server {
    ss_server *srv;
    sockinfo *info[FD_SETSIZE];
    int total, limit;
} select_server;

static int add_socket_info(select_server *sel, int sock)
{
    if (sel->total >= sel->limit - 1) { /* the listening socket holds one slot */
        uint64_t t = ss_ticks();
        ss_note(SS_API_REFUSED, sock, (uint64_t)sel->limit, -1, 0, SS_API_SELECT, 0, t, t);
        return -1;
    }
    sockinfo *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->sock = sock;
    sel->info[sel->total++] = p;
    return 0;
}

static void remove_socket_info(select_server *sel, int i)
{
    ss_conn_closed(sel->srv, sel->info[i]->sock);
    free(sel->info[i]);
    if (i != sel->total - 1)
        sel->info[i] = sel->info[sel->total - 1];
    --sel->total;
}

static int select_serve(ss_server *s);

const ss_model ss_model_select = {
    .name = "select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "Winsock select() over ioctlsocket(FIONBIO) sockets, FD_SETSIZE 64 (63 clients)",
    .summary = "SelectTCPServer: one thread multiplexes up to 63 sockets, rebuilding its sets every call",
    .serve = select_serve,
};

static int select_serve(ss_server *s)
{
    int setsize = s->opts.fd_setsize;
    select_server sel = {.srv = s, .limit = setsize > 0 && setsize < FD_SETSIZE ? setsize : FD_SETSIZE};
    if (ss_set_nonblocking(s->listen_fd, 1) != 0) {
        fprintf(stderr, "select: ioctlsocket(FIONBIO) failed (%d)\n", WSAGetLastError());
        return -1;
    }
    int rc = 0;
    while (!ss_stop_requested(s)) {
        fd_set rset, wset;
        FD_ZERO(&rset);
        FD_ZERO(&wset);
        FD_SET(ss_sock(s->listen_fd), &rset);
        for (int i = 0; i < sel.total; i++) {
            if (sel.info[i]->recvbytes > sel.info[i]->sendbytes)
                FD_SET(ss_sock(sel.info[i]->sock), &wset);
            else
                FD_SET(ss_sock(sel.info[i]->sock), &rset);
        }
        int retval = ss_select(0, &rset, &wset, NULL, NULL);
        if (retval == SOCKET_ERROR) {
            fprintf(stderr, "select: select() failed (%d)\n", WSAGetLastError());
            rc = -1;
            break;
        }
        if (ss_stop_requested(s))
            break;
        if (FD_ISSET(ss_sock(s->listen_fd), &rset)) {
            int client = ss_win_accept(s);
            if (client >= 0 && add_socket_info(&sel, client) != 0)
                ss_conn_closed(s, client);
        }
        for (int i = sel.total - 1; i >= 0; i--) {
            sockinfo *p = sel.info[i];
            if (FD_ISSET(ss_sock(p->sock), &rset)) {
                int r = (int)ss_recv(p->sock, p->buf, SS_BUFSIZE, 0);
                if (r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK)
                    continue;
                if (r == SOCKET_ERROR || r == 0) {
                    remove_socket_info(&sel, i);
                    continue;
                }
                ss_cpu_work(p->sock, s->opts.cpu_work_us);
                p->recvbytes = r;
                p->sendbytes = 0;
            }
            if (FD_ISSET(ss_sock(p->sock), &wset)) {
                int r = (int)ss_send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
                if (r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK)
                    continue;
                if (r == SOCKET_ERROR) {
                    remove_socket_info(&sel, i);
                    continue;
                }
                p->sendbytes += r;
                if (p->recvbytes == p->sendbytes)
                    p->recvbytes = p->sendbytes = 0;
            }
        }
    }
    while (sel.total > 0)
        remove_socket_info(&sel, sel.total - 1);
    return rc;
}
