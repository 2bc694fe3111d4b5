/* blocking-iterative on Winsock — the textbook's iterative server (table
 * 11-3, TCPServer): one thread, blocking accept, then blocking recv/send
 * with that one client until it leaves; the next client waits in the
 * listen backlog meanwhile. Stop: the wake-up ends the accept; a client
 * being served has its socket shut down and its blocking recv cancelled. */
#include <stdatomic.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"

typedef struct blocking_iterative_server {
    CRITICAL_SECTION lock;
    int current; /* the client being served, -1 when none */
} blocking_iterative_server;

static void stop_current(ss_server *s, void *arg)
{
    blocking_iterative_server *bi = arg;
    ss_win_wake_accept(s);
    EnterCriticalSection(&bi->lock);
    if (bi->current >= 0) {
        ss_shutdown(bi->current, SD_BOTH);
        CancelIoEx((HANDLE)ss_sock(bi->current), NULL);
    }
    LeaveCriticalSection(&bi->lock);
}

static void serve_client(ss_server *s, int client)
{
    char buf[SS_BUFSIZE + 1];
    while (!ss_stop_requested(s)) {
        int retval = (int)ss_recv(client, buf, SS_BUFSIZE, 0);
        if (retval == SOCKET_ERROR || retval == 0)
            return;
        ss_cpu_work(client, s->opts.cpu_work_us);
        for (int sent = 0; sent < retval;) {
            int r = (int)ss_send(client, buf + sent, (size_t)(retval - sent), 0);
            if (r == SOCKET_ERROR)
                return;
            sent += r;
        }
    }
}

static int blocking_iterative_serve(ss_server *s);

const ss_model ss_model_blocking_iterative = {
    .name = "blocking-iterative",
    .family = SS_FAMILY_SYNC,
    .mechanism = "blocking Winsock accept/recv/send on one thread, one client at a time",
    .summary = "table 11-3: one thread, few resources, but each client waits for the one before",
    .serve = blocking_iterative_serve,
};

static int blocking_iterative_serve(ss_server *s)
{
    blocking_iterative_server bi = {.current = -1};
    InitializeCriticalSection(&bi.lock);
    ss_win_on_stop(s, stop_current, &bi);
    while (!ss_stop_requested(s)) {
        int client = ss_win_accept(s);
        if (client < 0) {
            if (!ss_stop_requested(s) && WSAGetLastError() == WSAEMFILE)
                Sleep(10);
            continue;
        }
        EnterCriticalSection(&bi.lock);
        bi.current = client;
        LeaveCriticalSection(&bi.lock);
        serve_client(s, client);
        EnterCriticalSection(&bi.lock);
        bi.current = -1;
        ss_conn_closed(s, client);
        LeaveCriticalSection(&bi.lock);
    }
    ss_win_on_stop(s, NULL, NULL);
    DeleteCriticalSection(&bi.lock);
    return 0;
}
