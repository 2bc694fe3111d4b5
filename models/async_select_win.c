/* async-select on Winsock — the textbook's AsyncSelectTCPServer: network
 * events arrive as window messages (WM_SOCKET) and one window procedure
 * handles them all. The window is message-only (HWND_MESSAGE): a real
 * window class, procedure and message loop, but nothing drawn, so it runs
 * without a desktop (and under Wine without an X server).
 *
 * The textbook's handling, kept exactly:
 * - the listening socket asks for FD_ACCEPT|FD_CLOSE; each client socket for
 *   FD_READ|FD_WRITE|FD_CLOSE (WSAAsyncSelect also makes it non-blocking);
 * - FD_READ while earlier bytes are still unsent: do not recv (the socket
 *   would not send them first) — remember it (recvdelayed) instead;
 * - FD_READ then falls through to FD_WRITE: send what was received;
 * - when everything is sent and a read was delayed, re-post the FD_READ with
 *   PostMessage, because Winsock posts FD_READ again only after a recv;
 * - FD_CLOSE, or a failed call: remove the socket.
 * Stop: a WM_CLOSE posted to the window; the procedure destroys the window
 * and the loop ends on WM_QUIT.
 *
 * The weakness the book names — one procedure handles the UI's messages and
 * the sockets' — is shown by --ui-rate N, as on Linux: a "ui input" thread
 * posts N ordinary messages (WM_UI) a second to the same window, each taking
 * --ui-cost-us of the procedure's time, and socket messages queue behind
 * them. That thread plays the user and the rest of Windows (control role,
 * not counted as the model's): the system's input thread posts input
 * messages, not the program, so its posts are recorded as msg_post events
 * (id = message number, aux = SS_MSG_UI) without a kernel entry, and the
 * procedure's handling as a msg_dispatch span with the same id, as the
 * Linux model records them. */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <windows.h>

#include "models/model.h"
#include "models/model_win.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define WM_SOCKET (WM_USER + 1)
#define WM_UI (WM_USER + 2) /* an ordinary UI message (--ui-rate): lParam = its number */
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002 /* Windows 10 1803+; older: 15.6 ms ticks */
#endif

typedef struct sockinfo {
    int sock;
    char buf[SS_BUFSIZE + 1];
    int recvbytes, sendbytes;
    BOOL recvdelayed;
    BOOL closing; /* FD_CLOSE came: echo what is left, then close */
    struct sockinfo *next;
} sockinfo;

typedef struct ui_source {
    HWND hwnd;
    int rate;
    HANDLE thread, quit;
} ui_source;

typedef struct async_select_server {
    ss_server *srv;
    HWND hwnd;
    sockinfo *list;
    ui_source ui;
} async_select_server;

static sockinfo *get_socket_info(async_select_server *as, int sock)
{
    for (sockinfo *p = as->list; p; p = p->next)
        if (p->sock == sock)
            return p;
    return NULL;
}

static int add_socket_info(async_select_server *as, int sock)
{
    sockinfo *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    p->sock = sock;
    p->next = as->list;
    as->list = p;
    return 0;
}

static void remove_socket_info(async_select_server *as, int sock)
{
    for (sockinfo **pp = &as->list; *pp; pp = &(*pp)->next) {
        if ((*pp)->sock == sock) {
            sockinfo *p = *pp;
            *pp = p->next;
            ss_conn_closed(as->srv, sock);
            free(p);
            return;
        }
    }
}

static void process_socket_message(async_select_server *as, HWND hwnd, WPARAM wParam, LPARAM lParam)
{
    int sock = ss_fd((SOCKET)wParam);
    int err = WSAGETSELECTERROR(lParam);
    ss_note_dispatch(sock, WSAGETSELECTEVENT(lParam), err);
    if (err) {
        remove_socket_info(as, sock);
        return;
    }
    sockinfo *ptr;
    switch (WSAGETSELECTEVENT(lParam)) {
    case FD_ACCEPT: {
        int client = ss_win_accept(as->srv);
        if (client < 0)
            return; /* WSAEWOULDBLOCK (the book's rare case), or the stop wake-up */
        if (add_socket_info(as, client) != 0) {
            ss_conn_closed(as->srv, client);
            return;
        }
        if (ss_wsa_async_select(client, hwnd, WM_SOCKET, FD_READ | FD_WRITE | FD_CLOSE) == SOCKET_ERROR)
            remove_socket_info(as, client);
        return;
    }
    case FD_READ:
        ptr = get_socket_info(as, sock);
        if (!ptr)
            return;
        if (ptr->recvbytes > 0) {
            ptr->recvdelayed = TRUE;
            return;
        }
        {
            int retval = (int)ss_recv(sock, ptr->buf, SS_BUFSIZE, 0);
            if (retval == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK)
                    remove_socket_info(as, sock);
                return;
            }
            if (retval == 0) { /* the peer finished (its FD_CLOSE may follow) */
                remove_socket_info(as, sock);
                return;
            }
            ss_cpu_work(sock, as->srv->opts.cpu_work_us);
            ptr->recvbytes = retval;
        }
        /* fall through: send what was received */
        __attribute__((fallthrough));
    case FD_WRITE:
        ptr = get_socket_info(as, sock);
        if (!ptr || ptr->recvbytes <= ptr->sendbytes)
            return;
        {
            int retval = (int)ss_send(sock, ptr->buf + ptr->sendbytes, (size_t)(ptr->recvbytes - ptr->sendbytes), 0);
            if (retval == SOCKET_ERROR) {
                if (WSAGetLastError() != WSAEWOULDBLOCK)
                    remove_socket_info(as, sock);
                return;
            }
            ptr->sendbytes += retval;
        }
        if (ptr->recvbytes == ptr->sendbytes) {
            ptr->recvbytes = ptr->sendbytes = 0;
            if (ptr->recvdelayed || ptr->closing) {
                ptr->recvdelayed = FALSE;
                ss_post_message(hwnd, WM_SOCKET, wParam, WSAMAKESELECTREPLY(FD_READ, 0));
            }
        }
        return;
    case FD_CLOSE:
        /* The book removes the socket at once; bytes the peer sent just
         * before closing would be lost (Winsock's documented FD_CLOSE rule:
         * read what is left first). Read on until recv returns 0. */
        ptr = get_socket_info(as, sock);
        if (!ptr)
            return;
        ptr->closing = TRUE;
        if (ptr->recvbytes == 0)
            ss_post_message(hwnd, WM_SOCKET, wParam, WSAMAKESELECTREPLY(FD_READ, 0));
        return;
    }
}

/* --- ordinary UI messages (--ui-rate) --------------------------------------- */
/* A timer per message rather than Sleep: Sleep's 15.6 ms ticks would cap
 * the rate at 64 a second. Late: no burst to catch up, as on Linux. */
static DWORD WINAPI ui_main(void *arg)
{
    ui_source *u = arg;
    ss_thread_begin(SS_ROLE_CONTROL, "ui input"); /* the user and the rest of Windows, as on Linux */
    HANDLE timer = CreateWaitableTimerExW(NULL, NULL, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, TIMER_ALL_ACCESS);
    if (!timer)
        timer = CreateWaitableTimerExW(NULL, NULL, 0, TIMER_ALL_ACCESS);
    HANDLE waits[2] = {u->quit, timer};
    uint64_t period = 1000000000ull / (uint64_t)u->rate, next = ss_mono_ns() + period, id = 0;
    while (timer) {
        uint64_t now = ss_mono_ns();
        LARGE_INTEGER due = {.QuadPart = next > now ? -(LONGLONG)((next - now + 99) / 100) : -1};
        if (!SetWaitableTimer(timer, &due, 0, NULL, NULL, FALSE) ||
            WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0 + 1)
            break;
        uint64_t t0 = ss_ticks();
        BOOL ok = PostMessage(u->hwnd, WM_UI, (WPARAM)INVALID_SOCKET, (LPARAM)++id);
        ss_note(SS_API_MSG_POST, -1, 0, ok ? 0 : -1, id, SS_MSG_UI, ok ? 0 : SS_EV_FAILED, t0, ss_ticks());
        now = ss_mono_ns();
        next = next + period > now ? next + period : now + period;
    }
    if (timer)
        CloseHandle(timer);
    ss_thread_end();
    return 0;
}

static void ui_start(async_select_server *as)
{
    as->ui = (ui_source){.hwnd = as->hwnd, .rate = as->srv->opts.ui_rate};
    if (as->ui.rate <= 0 || !(as->ui.quit = CreateEvent(NULL, TRUE, FALSE, NULL)))
        return;
    as->ui.thread = CreateThread(NULL, 0, ui_main, &as->ui, 0, NULL);
    if (!as->ui.thread)
        fprintf(stderr, "async-select: cannot start the UI message thread (%lu); running without it\n", GetLastError());
}

/* Before the window goes: no UI message is posted to a destroyed window. */
static void ui_stop(async_select_server *as)
{
    if (as->ui.thread) {
        SetEvent(as->ui.quit);
        WaitForSingleObject(as->ui.thread, INFINITE);
        CloseHandle(as->ui.thread);
        as->ui.thread = NULL;
    }
    if (as->ui.quit) {
        CloseHandle(as->ui.quit);
        as->ui.quit = NULL;
    }
}

/* The UI's own work, in the same procedure as the sockets' */
static void on_ui_message(async_select_server *as, LPARAM id)
{
    uint64_t t0 = ss_ticks();
    ss_cpu_work(-1, as->srv->opts.ui_cost_us ? as->srv->opts.ui_cost_us : SS_UI_COST_US);
    ss_note(SS_API_MSG_DISPATCH, -1, 0, 0, (uint64_t)id, SS_MSG_UI, 0, t0, ss_ticks());
}

static LRESULT CALLBACK wnd_proc(HWND hwnd, UINT uMsg, WPARAM wParam, LPARAM lParam)
{
    async_select_server *as = (async_select_server *)GetWindowLongPtr(hwnd, GWLP_USERDATA);
    switch (uMsg) {
    case WM_SOCKET:
        if (as)
            process_socket_message(as, hwnd, wParam, lParam);
        return 0;
    case WM_UI:
        if (as)
            on_ui_message(as, lParam);
        return 0;
    case WM_CLOSE:
        if (as)
            ui_stop(as);
        DestroyWindow(hwnd);
        return 0;
    case WM_DESTROY:
        PostQuitMessage(0);
        return 0;
    }
    return DefWindowProc(hwnd, uMsg, wParam, lParam);
}

static void post_close(ss_server *s, void *arg)
{
    (void)s;
    PostMessage(((async_select_server *)arg)->hwnd, WM_CLOSE, 0, 0);
}

static int async_select_serve(ss_server *s);

const ss_model ss_model_async_select = {
    .name = "async-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "WSAAsyncSelect: FD_* events as window messages to a message-only window's procedure; "
                 "--ui-rate adds UI messages to the same window",
    .summary = "AsyncSelectTCPServer: one window procedure handles every socket's network events",
    .serve = async_select_serve,
};

static int async_select_serve(ss_server *s)
{
    async_select_server as = {.srv = s};
    WNDCLASSA wc = {0};
    wc.lpfnWndProc = wnd_proc;
    wc.hInstance = GetModuleHandle(NULL);
    wc.lpszClassName = "sockscope.AsyncSelectTCPServer";
    if (!RegisterClassA(&wc) && GetLastError() != ERROR_CLASS_ALREADY_EXISTS) {
        fprintf(stderr, "async-select: RegisterClass failed (%lu)\n", GetLastError());
        return -1;
    }
    as.hwnd = CreateWindowA(wc.lpszClassName, "sockscope", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, wc.hInstance, NULL);
    if (!as.hwnd) {
        fprintf(stderr, "async-select: cannot create the message-only window (%lu)\n", GetLastError());
        return -1;
    }
    SetWindowLongPtr(as.hwnd, GWLP_USERDATA, (LONG_PTR)&as);
    ss_win_on_stop(s, post_close, &as);
    int rc = 0;
    if (ss_wsa_async_select(s->listen_fd, as.hwnd, WM_SOCKET, FD_ACCEPT | FD_CLOSE) == SOCKET_ERROR) {
        fprintf(stderr, "async-select: WSAAsyncSelect failed (%d)\n", WSAGetLastError());
        rc = -1;
        DestroyWindow(as.hwnd);
    }
    if (rc == 0)
        ui_start(&as);
    if (rc == 0 && ss_stop_requested(s)) /* stop came before the hook was in place */
        PostMessage(as.hwnd, WM_CLOSE, 0, 0);
    MSG msg;
    BOOL got;
    while ((got = ss_get_message(&msg, NULL)) > 0) {
        TranslateMessage(&msg);
        DispatchMessage(&msg);
    }
    if (got < 0) {
        fprintf(stderr, "async-select: GetMessage failed (%lu)\n", GetLastError());
        rc = -1;
    }
    ui_stop(&as); /* already stopped by WM_CLOSE, unless the loop failed */
    ss_win_on_stop(s, NULL, NULL);
    ss_wsa_async_select(s->listen_fd, NULL, 0, 0); /* the listener goes back to silence */
    while (as.list)
        remove_socket_info(&as, as.list->sock);
    return rc;
}
