/* async-select — WSAAsyncSelect and the textbook's AsyncSelectTCPServer,
 * rebuilt on Linux with an SDL2 event queue as the window's message queue.
 *
 * Each socket is registered for network events (the listening socket for
 * FD_ACCEPT, clients for FD_READ|FD_WRITE|FD_CLOSE). A network event becomes
 * a WM_SOCKET message (wParam = socket, lParam = event) posted to the queue;
 * one thread, the window procedure, takes messages one at a time and calls
 * accept/recv/send. Winsock's re-enabling rule holds (netevent.h): after
 * FD_READ is posted for a socket, no other FD_READ is posted for it until
 * recv is called on it; FD_WRITE comes again only after a send could not
 * take every byte. As in AsyncSelectTCPServer, an FD_READ that arrives
 * while the socket still has bytes to echo is deferred (recvdelayed) and the
 * procedure posts the FD_READ to itself once the bytes are out.
 *
 * The weakness the textbook names — one procedure handles ordinary window
 * messages and socket messages — is reproduced by --ui-rate N: a "ui input"
 * thread posts N ordinary UI messages per second into the same queue, each
 * taking --ui-cost-us of the procedure's time, and socket messages queue
 * behind them. Every message is recorded: SS_API_MSG_POST when posted
 * (id = message number, aux = FD_* code or SS_MSG_UI) and
 * SS_API_MSG_DISPATCH when the procedure handles it (same id; t0 = when it
 * took the message), so post-to-dispatch delay is in the trace.
 *
 * What backs it on Linux:
 *  - the queue is SDL2's event queue (SDL_PushEvent, a registered user
 *    event type); the procedure takes only that type (SDL_PeepEvents);
 *  - GetMessage's sleep is an SDL semaphore posted once per message: with
 *    no window, SDL_WaitEventTimeout would poll the queue every 1 ms and add
 *    that delay to every message, which Windows' GetMessage does not;
 *  - the kernel side of WSAAsyncSelect is the epoll notifier of netevent.c;
 *    its epoll calls are recorded as extra transitions.
 * A message carries the socket's descriptor and a serial number, so a
 * message still queued for a closed socket whose descriptor number was
 * reused is recognised and ignored (the textbook's GetSocketInfo lookup). */
#define SDL_MAIN_HANDLED
#include <SDL.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"
#include "models/netevent.h"
#include "sim/clock.h"
#include "sim/probe.h"
#include "sim/recorder.h"

#define GETMESSAGE_SLICE_MS 100 /* the procedure re-checks stop this often when idle */

typedef struct asock {
    ss_ne_sock ne;      /* first: the notifier hands back ss_ne_sock pointers */
    ss_sockinfo si;
    uint32_t serial;    /* 0 is the listening socket */
    int recvdelayed;    /* an FD_READ was deferred while bytes were unsent */
} asock;

typedef struct as {
    ss_server *srv;
    ss_ne ne;
    asock listener;
    Uint32 wm_socket;   /* the registered SDL event type of our messages */
    SDL_sem *wake;      /* one post per queued message: GetMessage sleeps on it */
    _Atomic uint64_t seq;
    asock **byfd;       /* the procedure's socket table, by descriptor */
    int nbyfd;
    uint32_t next_serial;
    _Atomic int quit;   /* the message loop has ended */
} as;

typedef struct msg {
    int fd;
    uint32_t serial;
    unsigned code;      /* SS_NE_* bit, SS_MSG_UI or SS_MSG_QUIT */
    uint64_t id;
} msg;

/* --- the queue --------------------------------------------------------------- */
/* PostMessage. The message fields ride in the SDL user event: code = lParam's
 * event, data1 = wParam (the socket), windowID = its serial, data2 = id. */
static void post(as *A, int fd, uint32_t serial, unsigned code)
{
    uint64_t id = atomic_fetch_add(&A->seq, 1) + 1;
    SDL_Event e;
    SDL_zero(e);
    e.type = A->wm_socket;
    e.user.code = (Sint32)code;
    e.user.windowID = serial;
    e.user.data1 = (void *)(intptr_t)fd;
    e.user.data2 = (void *)(uintptr_t)id;
    uint64_t t0 = ss_ticks(); /* before the push: the dispatch may start at once */
    int ok = SDL_PushEvent(&e) == 1;
    ss_note(SS_API_MSG_POST, fd, 0, ok ? 0 : -1, id, code, ok ? 0 : SS_EV_FAILED, t0, ss_ticks());
    if (ok)
        SDL_SemPost(A->wake);
    else
        fprintf(stderr, "async-select: message queue full (%s); a message is lost\n", SDL_GetError());
}

/* GetMessage: 1 with a message, 0 after an idle slice. */
static int get_message(as *A, msg *m)
{
    if (SDL_SemWaitTimeout(A->wake, GETMESSAGE_SLICE_MS) != 0)
        return 0;
    SDL_Event e;
    if (SDL_PeepEvents(&e, 1, SDL_GETEVENT, A->wm_socket, A->wm_socket) != 1)
        return 0;
    m->fd = (int)(intptr_t)e.user.data1;
    m->serial = e.user.windowID;
    m->code = (unsigned)e.user.code;
    m->id = (uint64_t)(uintptr_t)e.user.data2;
    return 1;
}

/* --- the notifier's side (netevent ops) ------------------------------------ */
static void deliver(void *ud, ss_ne_sock *ns, unsigned events)
{
    static const unsigned order[] = {SS_NE_ACCEPT, SS_NE_READ, SS_NE_WRITE, SS_NE_CLOSE};
    asock *s = (asock *)ns;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (events & order[i])
            post(ud, s->ne.fd, s->serial, order[i]);
}

static void post_quit(void *ud) { post(ud, -1, 0, SS_MSG_QUIT); }

static void release(ss_ne_sock *ns) { free(ns); }

/* --- the socket table (AddSocketInfo / GetSocketInfo / RemoveSocketInfo) --- */
static int table_put(as *A, asock *c)
{
    int fd = c->ne.fd;
    if (fd >= A->nbyfd) {
        int n = A->nbyfd ? A->nbyfd : 256;
        while (n <= fd)
            n *= 2;
        asock **t = realloc(A->byfd, (size_t)n * sizeof *t);
        if (!t)
            return -1;
        memset(t + A->nbyfd, 0, (size_t)(n - A->nbyfd) * sizeof *t);
        A->byfd = t;
        A->nbyfd = n;
    }
    A->byfd[fd] = c;
    return 0;
}

static asock *table_get(as *A, int fd, uint32_t serial)
{
    asock *c = fd >= 0 && fd < A->nbyfd ? A->byfd[fd] : NULL;
    return c && c->serial == serial ? c : NULL;
}

static void remove_socket(as *A, asock *c)
{
    A->byfd[c->ne.fd] = NULL;
    ss_ne_closesocket(&A->ne, &c->ne);
}

/* --- the window procedure ----------------------------------------------------- */
static void accept_one(as *A)
{
    int fd = ss_ne_accept(&A->ne, &A->listener.ne);
    if (fd < 0)
        return;
    asock *c = calloc(1, sizeof *c);
    if (!c) {
        ss_conn_closed(A->srv, fd);
        return;
    }
    c->si.fd = fd;
    c->ne.fd = fd;
    c->serial = ++A->next_serial;
    if (table_put(A, c) != 0) {
        free(c);
        ss_conn_closed(A->srv, fd);
        return;
    }
    /* WSAAsyncSelect(client, hWnd, WM_SOCKET, FD_READ|FD_WRITE|FD_CLOSE) */
    if (ss_ne_register(&A->ne, &c->ne, fd, SS_NE_READ | SS_NE_WRITE | SS_NE_CLOSE, 0) != 0)
        remove_socket(A, c);
}

static void on_write(as *A, asock *c)
{
    if (!ss_si_pending(&c->si))
        return; /* the FD_WRITE after registration, or nothing left to echo */
    int rc = ss_ne_send(&A->ne, &c->ne, &c->si);
    if (rc < 0) {
        remove_socket(A, c);
    } else if (rc > 0 && c->recvdelayed) {
        c->recvdelayed = 0;
        post(A, c->ne.fd, c->serial, SS_NE_READ); /* the textbook's PostMessage(FD_READ) */
    }
}

/* FD_READ — and FD_CLOSE, which the textbook answers by closing: here the
 * peer may have half-closed with bytes unread or unechoed, so it is answered
 * with a recv too, and the recv that returns 0 (or fails) closes. */
static void on_read(as *A, asock *c)
{
    if (ss_si_pending(&c->si)) {
        c->recvdelayed = 1;
        return;
    }
    int rc = ss_ne_recv(&A->ne, &c->ne, &c->si);
    if (rc < 0)
        remove_socket(A, c);
    else if (rc > 0)
        on_write(A, c);
}

static void on_ui_message(as *A)
{
    ss_cpu_work(-1, A->srv->opts.ui_cost_us ? A->srv->opts.ui_cost_us : SS_UI_COST_US);
}

/* Returns 1 on WM_QUIT. */
static int window_proc(as *A, const msg *m)
{
    if (m->code == SS_MSG_QUIT)
        return 1;
    if (m->code == SS_MSG_UI) {
        on_ui_message(A);
        return 0;
    }
    if (m->code == SS_NE_ACCEPT) {
        accept_one(A);
        return 0;
    }
    asock *c = table_get(A, m->fd, m->serial);
    if (!c)
        return 0; /* queued for a socket closed since */
    if (m->code == SS_NE_WRITE)
        on_write(A, c);
    else
        on_read(A, c);
    return 0;
}

static void message_loop(as *A)
{
    int quit = 0;
    while (!quit && !ss_stop_requested(A->srv)) {
        msg m;
        if (!get_message(A, &m))
            continue;
        uint64_t t0 = ss_ticks();
        quit = window_proc(A, &m);
        ss_note(SS_API_MSG_DISPATCH, m.fd, 0, 0, m.id, m.code, 0, t0, ss_ticks());
    }
    atomic_store(&A->quit, 1);
}

/* --- ordinary UI messages (--ui-rate) ------------------------------------------ */
typedef struct ui_source {
    as *A;
    int rate;
    pthread_t thread;
} ui_source;

/* Sleep until `deadline` (CLOCK_MONOTONIC ns), or until the message loop
 * ends, in short slices. */
static void sleep_until(as *A, uint64_t deadline)
{
    for (uint64_t now = ss_mono_ns(); now < deadline && !atomic_load(&A->quit); now = ss_mono_ns()) {
        uint64_t d = deadline - now < 20000000u ? deadline - now : 20000000u;
        struct timespec ts = {0, (long)d};
        nanosleep(&ts, NULL);
    }
}

static void *ui_main(void *arg)
{
    ui_source *u = arg;
    ss_thread_begin(SS_ROLE_SERVER, "ui input");
    uint64_t period = 1000000000ull / (uint64_t)u->rate, next = ss_mono_ns() + period;
    while (!atomic_load(&u->A->quit)) {
        sleep_until(u->A, next);
        post(u->A, -1, 0, SS_MSG_UI);
        uint64_t now = ss_mono_ns();
        next = next + period > now ? next + period : now + period; /* late: no burst to catch up */
    }
    ss_thread_end();
    return NULL;
}

/* --- setup ---------------------------------------------------------------------- */
static int sdl_open(char *why, size_t n)
{
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); /* leave SIGINT/SIGTERM to sockscope */
    if (SDL_InitSubSystem(SDL_INIT_EVENTS) != 0) {
        snprintf(why, n, "SDL_InitSubSystem(SDL_INIT_EVENTS) failed: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

static int async_select_available(char *why, size_t n)
{
    if (sdl_open(why, n) != 0)
        return 0;
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
    return 1;
}

static int start(as *A)
{
    static const ss_ne_ops ops = {deliver, post_quit, release};
    char why[200];
    if (sdl_open(why, sizeof why) != 0) {
        fprintf(stderr, "async-select: %s\n", why);
        return -1;
    }
    A->wm_socket = SDL_RegisterEvents(1); /* WM_SOCKET = WM_USER + 1 */
    A->wake = SDL_CreateSemaphore(0);
    if (A->wm_socket == (Uint32)-1 || !A->wake) {
        fprintf(stderr, "async-select: cannot set up the message queue: %s\n", SDL_GetError());
        return -1;
    }
    if (ss_ne_init(&A->ne, A->srv, &ops, A) != 0 ||
        ss_ne_register(&A->ne, &A->listener.ne, A->srv->listen_fd, SS_NE_ACCEPT, 1) != 0)
        return -1;
    return ss_ne_start(&A->ne);
}

static void finish(as *A)
{
    for (int fd = 0; fd < A->nbyfd; fd++)
        if (A->byfd[fd])
            remove_socket(A, A->byfd[fd]);
    free(A->byfd);
    ss_ne_finish(&A->ne);
    if (A->wm_socket != (Uint32)-1)
        SDL_FlushEvent(A->wm_socket); /* messages posted after WM_QUIT */
    if (A->wake)
        SDL_DestroySemaphore(A->wake);
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
    SDL_TLSCleanup(); /* SDL's per-thread error buffer: this thread ends after serve() */
}

static int async_select_serve(ss_server *s)
{
    as A = {.srv = s, .wm_socket = (Uint32)-1, .ne = {.epfd = -1}};
    ui_source ui = {.A = &A, .rate = s->opts.ui_rate};
    int rc = start(&A);
    int ui_started = rc == 0 && ui.rate > 0 && pthread_create(&ui.thread, NULL, ui_main, &ui) == 0;
    if (rc == 0)
        message_loop(&A);
    atomic_store(&A.quit, 1);
    if (ui_started)
        pthread_join(ui.thread, NULL);
    finish(&A);
    return rc;
}

const ss_model ss_model_async_select = {
    .name = "async-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "network events posted as messages into an SDL2 event queue by an epoll notifier thread "
                 "(stand-in for Winsock's kernel side), drained by one window-procedure thread "
                 "(SDL semaphore + SDL_PeepEvents as GetMessage); --ui-rate adds UI messages to the same queue",
    .summary = "WSAAsyncSelect: socket events as window messages; UI and sockets share one procedure",
    .available = async_select_available,
    .serve = async_select_serve,
};
