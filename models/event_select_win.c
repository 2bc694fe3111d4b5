/* event-select on Winsock — the textbook's EventSelectTCPServer (table
 * 11-5): each socket gets an event object (WSACreateEvent) tied to its
 * network events with WSAEventSelect; one thread waits on all of them with
 * WSAWaitForMultipleEvents, asks the signalled socket what happened with
 * WSAEnumNetworkEvents, and handles FD_ACCEPT, FD_READ/FD_WRITE, FD_CLOSE.
 *
 * One wait watches at most WSA_MAXIMUM_WAIT_EVENTS = 64 events: the
 * listener's and 63 clients'; the 64th client is refused as the book
 * refuses it. The book's FD_READ/FD_WRITE handling: recv when nothing is
 * pending, then send what is pending. An FD_READ that arrives while bytes
 * are still unsent is remembered (as AsyncSelectTCPServer's recvdelayed),
 * because Winsock signals FD_READ again only after a recv; the recv is made
 * as soon as the send finishes. Stop: the default wake-up signals the
 * listener's FD_ACCEPT. */
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
    char buf[SS_BUFSIZE + 1];
    int recvbytes, sendbytes;
    BOOL recvdelayed, closing;
} sockinfo;

typedef struct event_select_server {
    ss_server *srv;
    int total;
    sockinfo *info[WSA_MAXIMUM_WAIT_EVENTS];
    WSAEVENT events[WSA_MAXIMUM_WAIT_EVENTS];
} event_select_server;

static int add_socket_info(event_select_server *es, int sock)
{
    if (es->total >= WSA_MAXIMUM_WAIT_EVENTS)
        return -1;
    sockinfo *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    WSAEVENT ev = ss_wsa_create_event();
    if (ev == WSA_INVALID_EVENT) {
        free(p);
        return -1;
    }
    p->sock = sock;
    es->info[es->total] = p;
    es->events[es->total] = ev;
    es->total++;
    return 0;
}

static void remove_socket_info(event_select_server *es, int i)
{
    sockinfo *p = es->info[i];
    if (i > 0) /* the listener is closed by the server layer */
        ss_conn_closed(es->srv, p->sock);
    ss_wsa_close_event(es->events[i]);
    free(p);
    if (i != es->total - 1) {
        es->info[i] = es->info[es->total - 1];
        es->events[i] = es->events[es->total - 1];
    }
    es->total--;
}

/* recv (when nothing is pending) and send (what is pending); -1 to remove.
 * After FD_CLOSE (closing) it keeps going until recv says the peer is done:
 * a client that half-closes still gets every byte echoed. */
static int echo_step(event_select_server *es, sockinfo *p, int readable, int closing)
{
    for (int round = 0; round < 64; round++) {
        if ((readable || closing) && p->recvbytes == 0) {
            int r = (int)ss_recv(p->sock, p->buf, SS_BUFSIZE, 0);
            if (r == SOCKET_ERROR)
                return WSAGetLastError() == WSAEWOULDBLOCK ? 0 : -1;
            if (r == 0)
                return -1;
            ss_cpu_work(p->sock, es->srv->opts.cpu_work_us);
            p->recvbytes = r;
            p->sendbytes = 0;
        } else if (readable) {
            p->recvdelayed = TRUE;
        }
        if (p->recvbytes > p->sendbytes) {
            int r = (int)ss_send(p->sock, p->buf + p->sendbytes, (size_t)(p->recvbytes - p->sendbytes), 0);
            if (r == SOCKET_ERROR)
                return WSAGetLastError() == WSAEWOULDBLOCK ? 0 : -1;
            p->sendbytes += r;
            if (p->recvbytes == p->sendbytes)
                p->recvbytes = p->sendbytes = 0;
        }
        if (p->recvbytes != 0)
            return 0; /* FD_WRITE will come */
        if (!closing && !p->recvdelayed)
            return 0;
        p->recvdelayed = FALSE; /* all sent: make the read that was put off */
        readable = 1;
    }
    return 0;
}

static int event_select_serve(ss_server *s);

const ss_model ss_model_event_select = {
    .name = "event-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "WSAEventSelect + WSAWaitForMultipleEvents (64 events per wait: 63 clients)",
    .summary = "EventSelectTCPServer: one event object per socket, one thread waits on up to 64",
    .serve = event_select_serve,
};

static int event_select_serve(ss_server *s)
{
    event_select_server es = {.srv = s};
    int rc = 0;
    if (add_socket_info(&es, s->listen_fd) != 0 ||
        ss_wsa_event_select(s->listen_fd, es.events[0], FD_ACCEPT | FD_CLOSE) == SOCKET_ERROR) {
        fprintf(stderr, "event-select: WSAEventSelect on the listener failed (%d)\n", WSAGetLastError());
        rc = -1;
    }
    while (rc == 0 && !ss_stop_requested(s)) {
        DWORD r = ss_wsa_wait_for_multiple_events((DWORD)es.total, es.events, FALSE, WSA_INFINITE, FALSE);
        if (r == WSA_WAIT_FAILED) {
            fprintf(stderr, "event-select: WSAWaitForMultipleEvents failed (%d)\n", WSAGetLastError());
            rc = -1;
            break;
        }
        int i = (int)(r - WSA_WAIT_EVENT_0);
        if (i < 0 || i >= es.total)
            continue;
        uint64_t t = ss_ticks();
        ss_note(SS_API_EVENT_SIGNAL, es.info[i]->sock, (uint64_t)i, 0, 0, 0, 0, t, t);
        WSANETWORKEVENTS ne;
        if (ss_wsa_enum_network_events(es.info[i]->sock, es.events[i], &ne) == SOCKET_ERROR)
            continue;
        if (ne.lNetworkEvents & FD_ACCEPT) {
            if (ne.iErrorCode[FD_ACCEPT_BIT] != 0 || ss_stop_requested(s))
                continue;
            int client = ss_win_accept(s);
            if (client < 0)
                continue;
            if (es.total >= WSA_MAXIMUM_WAIT_EVENTS) { /* "[오류] 더 이상 접속을 받아들일 수 없습니다!" */
                uint64_t t1 = ss_ticks();
                ss_note(SS_API_REFUSED, client, WSA_MAXIMUM_WAIT_EVENTS, -1, 0, SS_API_WSA_WAIT, 0, t1, t1);
                ss_conn_closed(s, client);
                continue;
            }
            if (add_socket_info(&es, client) != 0) {
                ss_conn_closed(s, client);
                continue;
            }
            if (ss_wsa_event_select(client, es.events[es.total - 1], FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR)
                remove_socket_info(&es, es.total - 1);
            continue;
        }
        if (i == 0)
            continue;
        sockinfo *p = es.info[i];
        if (ne.lNetworkEvents & FD_CLOSE)
            p->closing = TRUE;
        if (ne.lNetworkEvents & (FD_READ | FD_WRITE | FD_CLOSE)) {
            int err = (ne.lNetworkEvents & FD_READ) ? ne.iErrorCode[FD_READ_BIT]
                      : (ne.lNetworkEvents & FD_WRITE) ? ne.iErrorCode[FD_WRITE_BIT] : 0;
            if (err != 0 || echo_step(&es, p, (ne.lNetworkEvents & FD_READ) != 0, p->closing) != 0)
                remove_socket_info(&es, i);
        }
    }
    while (es.total > 0)
        remove_socket_info(&es, es.total - 1);
    return rc;
}
