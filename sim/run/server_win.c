/* server_win.c — server.h on Windows: the listener and the model's thread
 * as on Linux, but the stop signal is the model's own wake-up
 * (server_win.h) instead of a pipe. */
#include "sim/run/server.h"
#include "sim/run/server_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/recorder.h"

struct ss_server_handle {
    ss_server s; /* first: models get &s, the wake-up registry finds the handle from it */
    const ss_model *model;
    HANDLE thread;
    CRITICAL_SECTION hook_lock;
    ss_win_stop_fn hook;
    void *hook_arg;
    int rc;
    /* the listener, set up by the server thread (the program's own
     * socket/bind/listen, as in the textbook's main()) */
    const char *host;
    int port, bound_port;
    char err[256];
    HANDLE ready;          /* set once the thread listens, or failed to */
};

static ss_server_handle *handle_of(ss_server *s) { return (ss_server_handle *)s; }

static DWORD WINAPI server_main(void *arg)
{
    ss_server_handle *h = arg;
    ss_thread_begin(SS_ROLE_SERVER, h->model->name);
    h->s.listen_fd = ss_listen_on(h->host, h->port, SOMAXCONN, h->s.opts.rcvbuf, h->s.opts.sndbuf, &h->bound_port,
                                  h->err, sizeof h->err);
    int listening = h->s.listen_fd >= 0;
    SetEvent(h->ready);
    if (listening) {
        h->rc = h->model->serve(&h->s);
        ss_win_on_stop(&h->s, NULL, NULL);
        ss_close(h->s.listen_fd);
    }
    ss_thread_end();
    return 0;
}

static void free_handle(ss_server_handle *h)
{
    if (h->ready)
        CloseHandle(h->ready);
    DeleteCriticalSection(&h->hook_lock);
    free(h);
}

ss_server_handle *ss_server_start(const ss_model *m, const ss_model_opts *opts, const char *host, int port,
                                  int *bound_port, char *err, size_t n)
{
    ss_server_handle *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, n, "out of memory");
        return NULL;
    }
    h->model = m;
    if (opts)
        h->s.opts = *opts;
    h->s.stop_fd = -1;
    h->s.listen_fd = -1;
    h->host = host;
    h->port = port;
    InitializeCriticalSection(&h->hook_lock);
    /* every run says how "really waited" was decided (or that it was not) */
    ss_run_note("wait detection", ss_rec_detect_waits ? ss_win_wait_method() : "off (--no-wait-detect)");
    h->ready = CreateEvent(NULL, TRUE, FALSE, NULL);
    h->thread = h->ready ? CreateThread(NULL, 0, server_main, h, 0, NULL) : NULL;
    if (!h->thread) {
        snprintf(err, n, "cannot start the server thread (error %lu)", GetLastError());
        free_handle(h);
        return NULL;
    }
    WaitForSingleObject(h->ready, INFINITE);
    if (h->s.listen_fd < 0) {
        WaitForSingleObject(h->thread, INFINITE);
        CloseHandle(h->thread);
        snprintf(err, n, "%s", h->err);
        free_handle(h);
        return NULL;
    }
    if (bound_port)
        *bound_port = h->bound_port;
    return h;
}

ss_server *ss_server_state(ss_server_handle *h) { return &h->s; }

void ss_win_on_stop(ss_server *s, ss_win_stop_fn fn, void *arg)
{
    ss_server_handle *h = handle_of(s);
    EnterCriticalSection(&h->hook_lock);
    h->hook = fn;
    h->hook_arg = arg;
    LeaveCriticalSection(&h->hook_lock);
}

void ss_win_wake_accept(ss_server *s)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    if (ss_getsockname(s->listen_fd, (struct sockaddr *)&a, &len) != 0)
        return;
    if (a.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
        if (v4->sin_addr.s_addr == htonl(INADDR_ANY))
            v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (a.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a;
        if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr))
            v6->sin6_addr = in6addr_loopback;
    }
    /* A full backlog refuses at once on Windows: retry a little (bounded). */
    for (int tries = 0; tries < 50; tries++) {
        int fd = ss_socket(a.ss_family, SOCK_STREAM, 0);
        if (fd < 0)
            return;
        int rc = ss_connect(fd, (struct sockaddr *)&a, len);
        ss_close(fd);
        if (rc == 0)
            return;
        Sleep(10);
    }
    fprintf(stderr, "sockscope: could not wake the server up (connect to its listener failed)\n");
}

int ss_win_accept(ss_server *s)
{
    int fd = ss_accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return -1;
    if (ss_stop_requested(s)) {
        ss_close(fd);
        WSASetLastError(WSAEINTR);
        errno = ECANCELED;
        return -1;
    }
    ss_conn_opened(s, fd);
    return fd;
}

void ss_server_request_stop(ss_server_handle *h)
{
    if (atomic_exchange(&h->s.stopping, 1))
        return;
    EnterCriticalSection(&h->hook_lock);
    if (h->hook)
        h->hook(&h->s, h->hook_arg);
    else
        ss_win_wake_accept(&h->s);
    LeaveCriticalSection(&h->hook_lock);
}

int ss_server_join(ss_server_handle *h)
{
    WaitForSingleObject(h->thread, INFINITE);
    CloseHandle(h->thread);
    int rc = h->rc;
    free_handle(h);
    return rc;
}

/* --- where runs are recorded (server.h) ---------------------------------- */
static char platform[96];
static INIT_ONCE platform_once = INIT_ONCE_STATIC_INIT;

typedef const char *(CDECL *wine_get_version_fn)(void);
typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOW *);

/* Wine says so in ntdll (wine_get_version: Wine's documented way for a
 * program to know); Windows' own version comes from RtlGetVersion, which,
 * unlike GetVersionEx, does not depend on the program's manifest. */
static BOOL CALLBACK platform_init(INIT_ONCE *once, void *param, void **ctx)
{
    (void)once, (void)param, (void)ctx;
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    wine_get_version_fn wine =
        ntdll ? (wine_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "wine_get_version") : NULL;
    rtl_get_version_fn rtl = ntdll ? (rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion") : NULL;
    OSVERSIONINFOW v = {.dwOSVersionInfoSize = sizeof v};
    if (wine)
        snprintf(platform, sizeof platform, "wine %s", wine());
    else if (rtl && rtl(&v) == 0)
        snprintf(platform, sizeof platform, "windows %lu.%lu.%lu", v.dwMajorVersion, v.dwMinorVersion,
                 v.dwBuildNumber);
    else
        snprintf(platform, sizeof platform, "windows");
    return TRUE;
}

void ss_server_origin(const ss_model *m, ss_origin *o)
{
    (void)m; /* every Windows model calls Winsock itself */
    InitOnceExecuteOnce(&platform_once, platform_init, NULL, NULL);
    o->platform = platform;
    o->winsock = "real";
    /* Wine's QueryThreadCycleTime is a stub: no call can be marked waited */
    o->waits = !ss_rec_detect_waits ? "off" : ss_win_waits_known() ? "measured" : "unknown";
}
