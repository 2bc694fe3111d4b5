/* iocp on Winsock — the textbook's CompletionPortTCPServer: one completion
 * port (CreateIoCompletionPort), 2 x CPU worker threads (GetSystemInfo) each
 * looping on GetQueuedCompletionStatus, a main thread that accepts with a
 * blocking accept, ties each client to the port (key = the socket) and
 * starts an overlapped WSARecv. A worker that dequeues a packet updates the
 * socket's recvbytes/sendbytes as the book does and issues the next
 * WSASend (bytes left to echo) or WSARecv. Each socket has one operation in
 * flight at a time, so no two workers ever touch the same SOCKETINFO.
 *
 * Recorded: every WSARecv/WSASend (op_submit, one kernel entry each), every
 * GetQueuedCompletionStatus (the wait), and every packet dequeued
 * (op_complete: bytes, key, the worker that took it, packets still queued).
 * Stop: the wake-up ends the accept; pending operations are cancelled
 * (CancelIoEx) so their packets free the sockets; then one null packet per
 * worker (PostQueuedCompletionStatus) ends the workers. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "models/wsaio_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/thread.h"

typedef struct sockinfo {
    OVERLAPPED overlapped; /* first: the packet's OVERLAPPED* is the SOCKETINFO* */
    ss_wsa_io io;           /* the SOCKETINFO's buffer and counters */
    struct sockinfo *prev, *next;
} sockinfo;

typedef struct iocp_server {
    ss_server *srv;
    HANDLE hcp;
    CRITICAL_SECTION lock; /* the live list, for stop */
    sockinfo *live;
    int nlive;
    _Atomic uint64_t next_op;
    _Atomic int worker_no;
} iocp_server;

static void unlink_info(iocp_server *cp, sockinfo *p)
{
    EnterCriticalSection(&cp->lock);
    SS_LIVE_REMOVE(cp->live, p);
    cp->nlive--;
    LeaveCriticalSection(&cp->lock);
}

static void close_info(iocp_server *cp, sockinfo *p)
{
    unlink_info(cp, p);
    ss_conn_closed(cp->srv, p->io.sock);
    free(p);
}

/* WSASend of what is not yet echoed, else WSARecv (models/wsaio_win.c) */
static int start_io(iocp_server *cp, sockinfo *p)
{
    return ss_wsa_post_next(&p->io, &p->overlapped, NULL, atomic_fetch_add(&cp->next_op, 1) + 1);
}

static DWORD WINAPI worker_thread(void *arg)
{
    iocp_server *cp = arg;
    char name[32];
    snprintf(name, sizeof name, "worker %d", atomic_fetch_add(&cp->worker_no, 1));
    ss_thread_begin(SS_ROLE_SERVER, name);
    for (;;) {
        DWORD cbTransferred = 0;
        ULONG_PTR key = 0;
        sockinfo *ptr = NULL;
        BOOL retval = ss_get_queued_completion_status(cp->hcp, &cbTransferred, &key, (OVERLAPPED **)&ptr, INFINITE);
        if (!ptr) { /* a null packet: stop (or the port failed) */
            if (!retval && GetLastError() != ERROR_ABANDONED_WAIT_0)
                fprintf(stderr, "iocp: GetQueuedCompletionStatus failed (%lu)\n", GetLastError());
            break;
        }
        int err = 0;
        if (!retval) {
            DWORD tmp1, tmp2;
            ss_wsa_get_overlapped_result(ptr->io.sock, &ptr->overlapped, &tmp1, &tmp2);
            err = WSAGetLastError();
        }
        ss_note_complete(ptr->io.op_id, ptr->io.op_api, ss_fd((SOCKET)key), retval ? (int64_t)cbTransferred : -1, err,
                         ss_iocp_depth(cp->hcp));
        if (!retval || cbTransferred == 0) { /* error, or the client closed */
            close_info(cp, ptr);
            continue;
        }
        /* the textbook's data-transfer bookkeeping */
        ss_wsa_io_done(&ptr->io, cp->srv, cbTransferred);
        if (start_io(cp, ptr) != 0)
            close_info(cp, ptr);
    }
    ss_thread_end();
    return 0;
}

static void cancel_all(iocp_server *cp)
{
    EnterCriticalSection(&cp->lock);
    for (sockinfo *p = cp->live; p; p = p->next)
        CancelIoEx((HANDLE)ss_sock(p->io.sock), NULL);
    LeaveCriticalSection(&cp->lock);
}

static int iocp_serve(ss_server *s);

const ss_model ss_model_iocp = {
    .name = "iocp",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "CreateIoCompletionPort + overlapped WSARecv/WSASend, GetQueuedCompletionStatus in 2 x CPU workers",
    .summary = "CompletionPortTCPServer: a few workers take completion packets from one port",
    .serve = iocp_serve,
};

static int iocp_serve(ss_server *s)
{
    iocp_server cp = {.srv = s};
    InitializeCriticalSection(&cp.lock);
    cp.hcp = ss_create_io_completion_port(INVALID_HANDLE_VALUE, NULL, 0, 0, -1);
    if (!cp.hcp) {
        fprintf(stderr, "iocp: CreateIoCompletionPort failed (%lu)\n", GetLastError());
        DeleteCriticalSection(&cp.lock);
        return -1;
    }
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    int nworkers = s->opts.workers > 0 ? s->opts.workers : (int)si.dwNumberOfProcessors * 2;
    HANDLE *workers = calloc((size_t)nworkers, sizeof *workers);
    int started = 0;
    for (int i = 0; workers && i < nworkers; i++) {
        workers[i] = CreateThread(NULL, 0, worker_thread, &cp, 0, NULL);
        if (!workers[i])
            break;
        started++;
    }
    int rc = started > 0 ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "iocp: cannot start worker threads (%lu)\n", GetLastError());
    while (rc == 0 && !ss_stop_requested(s)) {
        int client = ss_win_accept(s);
        if (client < 0) {
            if (!ss_stop_requested(s) && WSAGetLastError() == WSAEMFILE)
                Sleep(10);
            continue;
        }
        HANDLE hResult =
            ss_create_io_completion_port((HANDLE)ss_sock(client), cp.hcp, (ULONG_PTR)ss_sock(client), 0, client);
        sockinfo *ptr = hResult ? calloc(1, sizeof *ptr) : NULL;
        if (!ptr) {
            ss_conn_closed(s, client);
            continue;
        }
        ptr->io.sock = client;
        EnterCriticalSection(&cp.lock);
        SS_LIVE_PUSH(cp.live, ptr);
        cp.nlive++;
        LeaveCriticalSection(&cp.lock);
        if (start_io(&cp, ptr) != 0)
            close_info(&cp, ptr);
    }
    /* Stopping: cancel what is in flight; the workers free each socket as its
     * aborted packet arrives. Bounded: 5 s, then the workers are told to stop
     * regardless (a socket left then is closed below). */
    for (int tries = 0; tries < 500; tries++) {
        cancel_all(&cp);
        EnterCriticalSection(&cp.lock);
        int left = cp.nlive;
        LeaveCriticalSection(&cp.lock);
        if (left == 0 || started == 0)
            break;
        Sleep(10);
    }
    for (int i = 0; i < started; i++)
        ss_post_queued_completion_status(cp.hcp, 0, 0, NULL);
    if (started)
        WaitForMultipleObjects((DWORD)started, workers, TRUE, INFINITE);
    for (int i = 0; i < started; i++)
        CloseHandle(workers[i]);
    free(workers);
    while (cp.live) { /* only if cancellation did not finish in time */
        sockinfo *p = cp.live;
        cp.live = p->next;
        ss_conn_closed(s, p->io.sock);
        /* its OVERLAPPED may still be referenced by the kernel: leak it */
    }
    CloseHandle(cp.hcp);
    DeleteCriticalSection(&cp.lock);
    return rc;
}
