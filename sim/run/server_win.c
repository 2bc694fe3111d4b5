/* server_win.c — server.h on Windows: the listener and the model's thread
 * as on Linux, but the stop signal is the model's own wake-up
 * (models/model_win.h) instead of a pipe. */
#include "sim/run/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "models/model_win.h"
#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/trace/recorder.h"

struct ss_server_handle {
    ss_server s; /* models get &s */
    const ss_model *model;
    HANDLE thread;
    int rc;
    /* the listener, set up by the server thread (the program's own
     * socket/bind/listen, as in the textbook's main()) */
    const char *host;
    int port, bound_port;
    char err[256];
    HANDLE ready;          /* set once the thread listens, or failed to */
};

static DWORD WINAPI server_main(void *arg)
{
    ss_server_handle *h = arg;
    ss_thread_begin(SS_ROLE_SERVER, h->model->name);
    ss_listen_opts lo = {SOMAXCONN, h->s.opts.rcvbuf, h->s.opts.sndbuf, h->s.opts.nodelay};
    h->s.listen_fd = ss_listen_on(h->host, h->port, &lo, &h->bound_port, h->err, sizeof h->err);
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
    ss_win_stop_free(&h->s);
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
    if (ss_win_stop_init(&h->s) != 0) {
        snprintf(err, n, "out of memory");
        free(h);
        return NULL;
    }
    /* every run says how "really waited" was decided (or that it was not) */
    ss_run_note("wait detection", ss_rec_wait_detection() ? ss_win_wait_method() : "off (--no-wait-detect)");
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

void ss_server_request_stop(ss_server_handle *h)
{
    if (atomic_exchange(&h->s.stopping, 1))
        return;
    ss_win_stop_request(&h->s);
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
    o->waits = !ss_rec_wait_detection() ? "off" : ss_win_waits_known() ? "measured" : "unknown";
}
