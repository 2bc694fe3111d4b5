/* blocking-threads on Winsock — the textbook's concurrent server (table
 * 11-4, TCPServer_MultiThread): blocking accept in a loop, CreateThread per
 * client, the thread does blocking recv/send until the client leaves.
 * Stop: the default wake-up ends the accept, then every live client socket
 * is shut down and its pending blocking recv cancelled (CancelIoEx). */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/thread.h"

typedef struct blocking_threads_server {
    CRITICAL_SECTION lock;
    CONDITION_VARIABLE all_gone;
    struct conn *live;
    int nlive;
} blocking_threads_server;

typedef struct conn {
    int sock, id;
    ss_server *srv;
    blocking_threads_server *st;
    struct conn *prev, *next;
} conn;

static void echo(conn *c)
{
    char buf[SS_BUFSIZE + 1];
    for (;;) {
        int retval = (int)ss_recv(c->sock, buf, SS_BUFSIZE, 0);
        if (retval == SOCKET_ERROR || retval == 0)
            return; /* error, the client closed, or we are stopping */
        ss_cpu_work(c->sock, c->srv->opts.cpu_work_us);
        int sent = 0;
        while (sent < retval) { /* a blocking send sends it all, but be exact */
            int r = (int)ss_send(c->sock, buf + sent, (size_t)(retval - sent), 0);
            if (r == SOCKET_ERROR)
                return;
            sent += r;
        }
    }
}

static DWORD WINAPI process_client(void *arg)
{
    conn *c = arg;
    char name[32];
    snprintf(name, sizeof name, "conn %d", c->id);
    ss_thread_begin(SS_ROLE_SERVER, name);
    echo(c);
    blocking_threads_server *st = c->st;
    EnterCriticalSection(&st->lock);
    SS_LIVE_REMOVE(st->live, c);
    ss_conn_closed(c->srv, c->sock);
    ss_thread_end(); /* before the count drops: the run may end right after */
    free(c);
    if (--st->nlive == 0)
        WakeAllConditionVariable(&st->all_gone);
    LeaveCriticalSection(&st->lock);
    return 0;
}

static void stop_clients(ss_server *s, void *arg)
{
    blocking_threads_server *st = arg;
    ss_win_wake_accept(s);
    EnterCriticalSection(&st->lock);
    for (conn *c = st->live; c; c = c->next) {
        ss_shutdown(c->sock, SD_BOTH);
        CancelIoEx((HANDLE)ss_sock(c->sock), NULL);
    }
    LeaveCriticalSection(&st->lock);
}

static int blocking_threads_serve(ss_server *s);

const ss_model ss_model_blocking_threads = {
    .name = "blocking-threads",
    .family = SS_FAMILY_SYNC,
    .mechanism = "blocking Winsock accept/recv/send, one CreateThread thread per client",
    .summary = "table 11-4: simple code, but one blocked thread per client",
    .serve = blocking_threads_serve,
};

static int blocking_threads_serve(ss_server *s)
{
    blocking_threads_server st = {0};
    InitializeCriticalSection(&st.lock);
    InitializeConditionVariable(&st.all_gone);
    ss_win_on_stop(s, stop_clients, &st);
    int id = 0;
    while (!ss_stop_requested(s)) {
        int client = ss_win_accept(s);
        if (client < 0) {
            if (!ss_stop_requested(s) && WSAGetLastError() == WSAEMFILE)
                Sleep(10); /* out of sockets: let clients finish */
            continue;
        }
        conn *c = calloc(1, sizeof *c);
        if (!c) {
            ss_conn_closed(s, client);
            continue;
        }
        *c = (conn){.sock = client, .id = id++, .srv = s, .st = &st};
        EnterCriticalSection(&st.lock);
        SS_LIVE_PUSH(st.live, c);
        st.nlive++;
        HANDLE h = CreateThread(NULL, 256 * 1024, process_client, c, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!h) {
            SS_LIVE_REMOVE(st.live, c);
            st.nlive--;
        }
        LeaveCriticalSection(&st.lock);
        if (h) {
            CloseHandle(h);
        } else {
            fprintf(stderr, "blocking-threads: CreateThread failed (%lu); closing the client\n", GetLastError());
            ss_conn_closed(s, client);
            free(c);
        }
    }
    /* stopping: stop_clients has woken the threads; a client accepted after
     * it ran is woken here */
    EnterCriticalSection(&st.lock);
    for (conn *c = st.live; c; c = c->next) {
        ss_shutdown(c->sock, SD_BOTH);
        CancelIoEx((HANDLE)ss_sock(c->sock), NULL);
    }
    while (st.nlive > 0)
        SleepConditionVariableCS(&st.all_gone, &st.lock, INFINITE);
    LeaveCriticalSection(&st.lock);
    ss_win_on_stop(s, NULL, NULL);
    DeleteCriticalSection(&st.lock);
    return 0;
}
