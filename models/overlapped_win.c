/* overlapped on Winsock — the textbook's overlapped model with completion
 * routines (table 11-5; the book's OverlappedTCPServer2): WSARecv/WSASend
 * are issued with a completion routine, and the kernel runs that routine as
 * an APC on the thread that issued the operation, but only while that
 * thread sits in an alertable wait (here SleepEx(INFINITE, TRUE)). So the
 * completions are handled by the issuing thread, as with the io_uring model
 * on Linux.
 *
 * Two threads, as in the book: an accept thread (blocking accept) hands
 * each new socket to the I/O thread with QueueUserAPC (the book signals an
 * event instead; an APC is the same wake-up through the same alertable
 * wait), and the I/O thread (this model's server thread) starts the first
 * WSARecv. Every routine updates recvbytes/sendbytes as CompletionPortTCPServer
 * does and issues the next WSASend or WSARecv. Stop: the wake-up ends the
 * accept thread, an APC tells the I/O thread; pending operations are
 * cancelled (CancelIoEx) and their routines, run in a last alertable wait,
 * free the sockets. */
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
    WSAOVERLAPPED overlapped; /* first: the routine's WSAOVERLAPPED* is the SOCKETINFO* */
    struct overlapped_server *owner;
    ss_wsa_io io;           /* the SOCKETINFO's buffer and counters */
    struct sockinfo *prev, *next;
} sockinfo;

typedef struct overlapped_server {
    ss_server *srv;
    HANDLE io_thread;
    int io_index;           /* the I/O thread's index in the trace */
    int stop;               /* set by the stop APC: the I/O thread leaves its loop */
    sockinfo *live;         /* touched only by the I/O thread (APCs run there) */
    int nlive;
    uint64_t next_op;
} overlapped_server;

static void CALLBACK completion_routine(DWORD err, DWORD cbTransferred, LPWSAOVERLAPPED lp_overlapped, DWORD flags);

static void close_info(overlapped_server *ov, sockinfo *p)
{
    SS_LIVE_REMOVE(ov->live, p);
    ov->nlive--;
    ss_conn_closed(ov->srv, p->io.sock);
    free(p);
}

static int start_io(overlapped_server *ov, sockinfo *p)
{
    return ss_wsa_post_next(&p->io, &p->overlapped, completion_routine, ++ov->next_op);
}

static void CALLBACK completion_routine(DWORD err, DWORD cbTransferred, LPWSAOVERLAPPED lp_overlapped, DWORD flags)
{
    (void)flags;
    sockinfo *ptr = (sockinfo *)lp_overlapped;
    overlapped_server *ov = ptr->owner;
    ss_apc_begin();
    ss_note_complete(ptr->io.op_id, ptr->io.op_api, ptr->io.sock, err ? -1 : (int64_t)cbTransferred, (int)err, 0);
    if (err != 0 || cbTransferred == 0 || ov->stop) {
        close_info(ov, ptr);
        ss_apc_end();
        return;
    }
    ss_wsa_io_done(&ptr->io, ov->srv, cbTransferred);
    if (start_io(ov, ptr) != 0)
        close_info(ov, ptr);
    ss_apc_end();
}

/* runs on the I/O thread: a socket the accept thread handed over */
typedef struct handoff {
    overlapped_server *ov;
    int sock;
} handoff;

static void CALLBACK new_client_apc(ULONG_PTR arg)
{
    handoff *h = (handoff *)arg;
    overlapped_server *ov = h->ov;
    int sock = h->sock;
    free(h);
    ss_apc_begin();
    sockinfo *p = ov->stop ? NULL : calloc(1, sizeof *p);
    if (!p) {
        ss_conn_closed(ov->srv, sock);
        ss_apc_end();
        return;
    }
    p->owner = ov;
    p->io.sock = sock;
    SS_LIVE_PUSH(ov->live, p);
    ov->nlive++;
    if (start_io(ov, p) != 0)
        close_info(ov, p);
    ss_apc_end();
}

static void CALLBACK stop_apc(ULONG_PTR arg)
{
    ss_apc_begin();
    ((overlapped_server *)arg)->stop = 1;
    ss_apc_end();
}

static DWORD WINAPI accept_thread(void *arg)
{
    overlapped_server *ov = arg;
    ss_thread_begin(SS_ROLE_SERVER, "accept");
    while (!ss_stop_requested(ov->srv)) {
        int client = ss_win_accept(ov->srv);
        if (client < 0) {
            if (!ss_stop_requested(ov->srv) && WSAGetLastError() == WSAEMFILE)
                Sleep(10);
            continue;
        }
        handoff *h = malloc(sizeof *h);
        if (h) {
            h->ov = ov;
            h->sock = client;
        }
        if (!h || !ss_queue_user_apc(new_client_apc, ov->io_thread, (ULONG_PTR)h, ov->io_index)) {
            free(h);
            ss_conn_closed(ov->srv, client);
        }
    }
    ss_thread_end();
    return 0;
}

static void on_stop(ss_server *s, void *arg)
{
    overlapped_server *ov = arg;
    ss_win_wake_accept(s);
    QueueUserAPC(stop_apc, ov->io_thread, (ULONG_PTR)ov);
}

static int overlapped_serve(ss_server *s);

const ss_model ss_model_overlapped = {
    .name = "overlapped",
    .family = SS_FAMILY_ASYNC,
    .mechanism = "overlapped WSARecv/WSASend with completion routines, run as APCs in an alertable SleepEx",
    .summary = "overlapped I/O: the issuing thread runs each completion routine in its alertable wait",
    .serve = overlapped_serve,
};

static int overlapped_serve(ss_server *s)
{
    overlapped_server ov = {.srv = s, .io_index = ss_thread_index()};
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &ov.io_thread, 0, FALSE,
                         DUPLICATE_SAME_ACCESS)) {
        fprintf(stderr, "overlapped: DuplicateHandle failed (%lu)\n", GetLastError());
        return -1;
    }
    ss_win_on_stop(s, on_stop, &ov);
    if (ss_stop_requested(s)) /* stop came before the wake-up was in place */
        ov.stop = 1;
    HANDLE acc = CreateThread(NULL, 0, accept_thread, &ov, 0, NULL);
    int rc = acc ? 0 : -1;
    if (!acc) {
        fprintf(stderr, "overlapped: cannot start the accept thread (%lu)\n", GetLastError());
        ov.stop = 1;
    }
    while (!ov.stop)
        ss_sleep_ex(INFINITE, TRUE); /* completion routines and hand-overs run in here */
    if (acc) {
        /* the accept thread may still hand over a socket: keep taking APCs */
        while (WaitForSingleObjectEx(acc, INFINITE, TRUE) == WAIT_IO_COMPLETION) {}
        CloseHandle(acc);
    }
    ss_win_on_stop(s, NULL, NULL);
    /* cancel what is in flight; the routines (aborted) free the sockets */
    for (int tries = 0; ov.live && tries < 500; tries++) {
        for (sockinfo *p = ov.live; p; p = p->next)
            CancelIoEx((HANDLE)ss_sock(p->io.sock), NULL);
        ss_sleep_ex(10, TRUE);
    }
    while (ov.live) { /* cancellation did not finish in time: close, leak the OVERLAPPED */
        sockinfo *p = ov.live;
        ov.live = p->next;
        ss_conn_closed(s, p->io.sock);
    }
    CloseHandle(ov.io_thread);
    return rc;
}
