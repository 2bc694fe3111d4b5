/* nonblocking on Winsock — the textbook's NonblockTCPServer idea (table
 * 11-2): every socket in non-blocking mode (ioctlsocket FIONBIO; accepted
 * sockets inherit it), and one thread that goes round them calling accept,
 * recv and send, getting WSAEWOULDBLOCK whenever nothing is ready. No thread
 * ever sleeps in a socket call; the price is the CPU burnt on calls that do
 * nothing, which the trace shows as wouldblock returns. Each socket still
 * never reads while it has unsent bytes.
 *
 * After a round in which every call said WSAEWOULDBLOCK the thread gives up
 * the rest of its time slice (SwitchToThread, not a socket call), so the
 * clients sharing the CPU get to run; it is still a busy loop. The textbook
 * serves one client at a time this way; going round all of them is what
 * table 11-2 credits non-blocking sockets with ("without threads, take turns
 * over many sockets"). Stop: the loop sees `stopping` on its next round. */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"

typedef struct sockinfo {
    int sock;
    char buf[SS_BUFSIZE + 1];
    int recvbytes, sendbytes;
} sockinfo;

static void wake_nothing(ss_server *s, void *arg) { (void)s, (void)arg; } /* never blocks: no wake-up */

static int nonblocking_serve(ss_server *s);

const ss_model ss_model_nonblocking = {
    .name = "nonblocking",
    .family = SS_FAMILY_SYNC,
    .mechanism = "ioctlsocket(FIONBIO) sockets, one thread retrying accept/recv/send on WSAEWOULDBLOCK",
    .summary = "NonblockTCPServer: no call ever blocks, so the thread spins through WSAEWOULDBLOCKs",
    .serve = nonblocking_serve,
};

static int nonblocking_serve(ss_server *s)
{
    if (ss_set_nonblocking(s->listen_fd, 1) != 0) {
        fprintf(stderr, "nonblocking: ioctlsocket(FIONBIO) failed (%d)\n", WSAGetLastError());
        return -1;
    }
    ss_win_on_stop(s, wake_nothing, NULL);
    sockinfo **socks = NULL;
    int n = 0, cap = 0;
    while (!ss_stop_requested(s)) {
        int progress = 0;
        int client = ss_win_accept(s);
        if (client >= 0) {
            progress = 1;
            if (n == cap) {
                int ncap = cap ? cap * 2 : 16;
                sockinfo **g = realloc(socks, (size_t)ncap * sizeof *g);
                if (!g) {
                    ss_conn_closed(s, client);
                    continue;
                }
                socks = g;
                cap = ncap;
            }
            sockinfo *p = calloc(1, sizeof *p);
            if (!p) {
                ss_conn_closed(s, client);
                continue;
            }
            p->sock = client;
            socks[n++] = p;
        }
        for (int i = n - 1; i >= 0; i--) {
            sockinfo *p = socks[i];
            int drop = 0;
            if (p->recvbytes == 0) {
                int r = (int)ss_recv(p->sock, p->buf, SS_BUFSIZE, 0);
                if (r == SOCKET_ERROR) {
                    drop = WSAGetLastError() != WSAEWOULDBLOCK;
                } else if (r == 0) {
                    drop = 1;
                } else {
                    progress = 1;
                    ss_cpu_work(p->sock, s->opts.cpu_work_us);
                    p->recvbytes = r;
                    p->sendbytes = 0;
                }
            }
            if (!drop && p->recvbytes > p->sendbytes) {
                int r = (int)ss_send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
                if (r == SOCKET_ERROR) {
                    drop = WSAGetLastError() != WSAEWOULDBLOCK;
                } else {
                    progress = 1;
                    p->sendbytes += r;
                    if (p->sendbytes == p->recvbytes)
                        p->recvbytes = p->sendbytes = 0;
                }
            }
            if (drop) {
                ss_conn_closed(s, p->sock);
                free(p);
                socks[i] = socks[--n];
            }
        }
        if (!progress)
            SwitchToThread();
    }
    ss_win_on_stop(s, NULL, NULL);
    while (n > 0) {
        ss_conn_closed(s, socks[n - 1]->sock);
        free(socks[--n]);
    }
    free(socks);
    return 0;
}
