/* overlapped-event on Winsock — the textbook's overlapped model with event
 * objects (table 11-5; the book's OverlappedTCPServer1): each socket's
 * WSAOVERLAPPED carries an event (WSACreateEvent) that the kernel signals
 * when the operation completes. The main thread accepts and starts each
 * client's first WSARecv; a worker thread waits on every event with
 * WSAWaitForMultipleEvents, resets the one signalled (WSAResetEvent), reads
 * the result with WSAGetOverlappedResult and issues the next WSASend or
 * WSARecv. Event 0 belongs to no socket: the main thread signals it so the
 * worker re-reads the array after a client was added (and on stop).
 * 64 events per wait: event 0 and 63 clients; the 64th client is refused. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "models/wsaio_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

typedef struct sockinfo {
    WSAOVERLAPPED overlapped;
    ss_wsa_io io;           /* the SOCKETINFO's buffer and counters */
} sockinfo;

typedef struct overlapped_event_server {
    ss_server *srv;
    CRITICAL_SECTION cs;
    int total; /* events in use, event 0 included */
    sockinfo *info[WSA_MAXIMUM_WAIT_EVENTS];
    WSAEVENT events[WSA_MAXIMUM_WAIT_EVENTS];
    _Atomic uint64_t next_op;
} overlapped_event_server;

static int start_io(overlapped_event_server *ov, sockinfo *p)
{
    return ss_wsa_post_next(&p->io, &p->overlapped, NULL, atomic_fetch_add(&ov->next_op, 1) + 1);
}

/* worker side, under V->cs */
static void remove_socket_info(overlapped_event_server *ov, int i)
{
    sockinfo *p = ov->info[i];
    ss_conn_closed(ov->srv, p->io.sock);
    ss_wsa_close_event(p->overlapped.hEvent);
    free(p);
    ov->info[i] = ov->info[ov->total - 1];
    ov->events[i] = ov->events[ov->total - 1];
    ov->total--;
}

static DWORD WINAPI worker_thread(void *arg)
{
    overlapped_event_server *ov = arg;
    ss_thread_begin(SS_ROLE_SERVER, "worker");
    while (!ss_stop_requested(ov->srv)) {
        EnterCriticalSection(&ov->cs);
        int n = ov->total;
        WSAEVENT evs[WSA_MAXIMUM_WAIT_EVENTS];
        memcpy(evs, ov->events, (size_t)n * sizeof evs[0]);
        LeaveCriticalSection(&ov->cs);
        DWORD r = ss_wsa_wait_for_multiple_events((DWORD)n, evs, FALSE, WSA_INFINITE, FALSE);
        if (r == WSA_WAIT_FAILED)
            break;
        int i = (int)(r - WSA_WAIT_EVENT_0);
        if (i <= 0 || i >= n) { /* event 0: the array changed, or stop */
            ss_wsa_reset_event(evs[0], -1);
            continue;
        }
        EnterCriticalSection(&ov->cs);
        sockinfo *ptr = ov->info[i];
        ss_wsa_reset_event(ov->events[i], ptr->io.sock);
        DWORD cbTransferred = 0, flags = 0;
        BOOL ok = ss_wsa_get_overlapped_result(ptr->io.sock, &ptr->overlapped, &cbTransferred, &flags);
        ss_note_complete(ptr->io.op_id, ptr->io.op_api, ptr->io.sock, ok ? (int64_t)cbTransferred : -1,
                         ok ? 0 : WSAGetLastError(), 0);
        int drop = !ok || cbTransferred == 0;
        if (!drop) {
            ss_wsa_io_done(&ptr->io, ov->srv, cbTransferred);
            drop = start_io(ov, ptr) != 0;
        }
        if (drop)
            remove_socket_info(ov, i);
        LeaveCriticalSection(&ov->cs);
    }
    ss_thread_end();
    return 0;
}

static void on_stop(ss_server *s, void *arg)
{
    overlapped_event_server *ov = arg;
    ss_win_wake_accept(s);
    WSASetEvent(ov->events[0]);
}

static int overlapped_event_serve(ss_server *s);

const ss_model ss_model_overlapped_event = {
    .name = "overlapped-event",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "overlapped WSARecv/WSASend signalling event objects, WSAWaitForMultipleEvents (64 per wait)",
    .summary = "overlapped I/O with events: one worker waits on every operation's event",
    .serve = overlapped_event_serve,
};

static int overlapped_event_serve(ss_server *s)
{
    overlapped_event_server ov = {.srv = s};
    InitializeCriticalSection(&ov.cs);
    ov.events[0] = ss_wsa_create_event();
    if (ov.events[0] == WSA_INVALID_EVENT) {
        DeleteCriticalSection(&ov.cs);
        return -1;
    }
    ov.total = 1;
    ss_win_on_stop(s, on_stop, &ov);
    HANDLE worker = CreateThread(NULL, 0, worker_thread, &ov, 0, NULL);
    int rc = worker ? 0 : -1;
    while (rc == 0 && !ss_stop_requested(s)) {
        int client = ss_win_accept(s);
        if (client < 0) {
            if (!ss_stop_requested(s) && WSAGetLastError() == WSAEMFILE)
                Sleep(10);
            continue;
        }
        sockinfo *p = calloc(1, sizeof *p);
        WSAEVENT ev = p ? ss_wsa_create_event() : WSA_INVALID_EVENT;
        EnterCriticalSection(&ov.cs);
        int room = ov.total < WSA_MAXIMUM_WAIT_EVENTS;
        if (room && ev != WSA_INVALID_EVENT) {
            p->io.sock = client;
            p->overlapped.hEvent = ev;
            ov.info[ov.total] = p;
            ov.events[ov.total] = ev;
            ov.total++;
            if (start_io(&ov, p) != 0)
                remove_socket_info(&ov, ov.total - 1);
            LeaveCriticalSection(&ov.cs);
            ss_wsa_set_event(ov.events[0], client); /* the worker re-reads the array */
            continue;
        }
        LeaveCriticalSection(&ov.cs);
        if (!room) {
            uint64_t t = ss_ticks();
            ss_note(SS_API_REFUSED, client, WSA_MAXIMUM_WAIT_EVENTS, -1, 0, SS_API_WSA_WAIT, 0, t, t);
        }
        if (ev != WSA_INVALID_EVENT)
            ss_wsa_close_event(ev);
        free(p);
        ss_conn_closed(s, client);
    }
    if (worker) {
        WSASetEvent(ov.events[0]);
        WaitForSingleObject(worker, INFINITE);
        CloseHandle(worker);
    }
    ss_win_on_stop(s, NULL, NULL);
    /* the worker is gone: cancel and wait for each pending operation */
    for (int i = 1; i < ov.total; i++)
        CancelIoEx((HANDLE)ss_sock(ov.info[i]->io.sock), NULL);
    for (int i = 1; i < ov.total; i++)
        WaitForSingleObject(ov.info[i]->overlapped.hEvent, 2000);
    while (ov.total > 1)
        remove_socket_info(&ov, ov.total - 1);
    ss_wsa_close_event(ov.events[0]);
    DeleteCriticalSection(&ov.cs);
    return rc;
}
