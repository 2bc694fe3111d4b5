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
 *  - GetMessage sleeps on a futex counting queued messages: with no
 *    window, SDL_WaitEventTimeout would poll the queue every 1 ms and add
 *    that delay to every message, which Windows' GetMessage does not;
 *  - the kernel side of WSAAsyncSelect is the epoll notifier of netevent.c.
 * Recording follows the roles (sim/probe/probe.h): WSAAsyncSelect, GetMessage,
 * the procedure's own PostMessage and DispatchMessage are the model's
 * calls; the notifier (its epoll calls and the posts it makes for Winsock)
 * and the futex under GetMessage are emulation. The "ui input" thread
 * plays the user and the rest of Windows (control role): it is neither the
 * model nor the stand-in.
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
#include "sim/probe/probe.h"
#include "sim/probe/sync.h"
#include "sim/trace/clock.h"
#include "sim/trace/thread.h"

#define GETMESSAGE_SLICE_MS 100 /* the procedure re-checks stop this often when idle */

typedef struct asock {
    ss_ne_sock ne;      /* first: the notifier hands back ss_ne_sock pointers */
    ss_sockinfo si;
    uint32_t serial;    /* 0 is the listening socket */
    int recvdelayed;    /* an FD_READ was deferred while bytes were unsent */
} asock;

typedef struct async_select_server {
    ss_server *srv;
    ss_ne ne;
    asock listener;
    Uint32 wm_socket;   /* the registered SDL event type of our messages */
    _Atomic uint32_t queued; /* messages posted and not yet taken: GetMessage sleeps on it */
    _Atomic uint64_t seq;
    asock **byfd;       /* the procedure's socket table, by descriptor */
    int nbyfd;
    uint32_t next_serial;
    _Atomic int quit;   /* the message loop has ended */
} async_select_server;

typedef struct msg {
    int fd;
    uint32_t serial;
    unsigned code;      /* SS_NE_* bit, SS_MSG_UI or SS_MSG_QUIT */
    uint64_t id;
} msg;

/* --- the queue --------------------------------------------------------------- */
/* PostMessage, step one: the message into the queue. Its fields ride in
 * the SDL user event: code = lParam's event, data1 = wParam (the socket),
 * windowID = its serial, data2 = id. Returns the id, or 0 when the queue
 * was full. */
static uint64_t enqueue(async_select_server *as, int fd, uint32_t serial, unsigned code)
{
    uint64_t id = atomic_fetch_add(&as->seq, 1) + 1;
    SDL_Event e;
    SDL_zero(e);
    e.type = as->wm_socket;
    e.user.code = (Sint32)code;
    e.user.windowID = serial;
    e.user.data1 = (void *)(intptr_t)fd;
    e.user.data2 = (void *)(uintptr_t)id;
    if (SDL_PushEvent(&e) != 1) {
        fprintf(stderr, "async-select: message queue full (%s); a message is lost\n", SDL_GetError());
        return 0;
    }
    return id;
}

/* Step two, after the post is recorded (the dispatch may start at once):
 * count it, and wake GetMessage if it sleeps on an empty queue. */
static void signal_queued(async_select_server *as)
{
    if (atomic_fetch_add(&as->queued, 1) == 0) {
        ss_emul_begin();
        ss_futex_wake(&as->queued, 1);
        ss_emul_end();
    }
}

/* A message posted by Winsock (the notifier, emulation) or by the user (the
 * ui thread). */
static void post(async_select_server *as, int fd, uint32_t serial, unsigned code)
{
    uint64_t t0 = ss_ticks(), id = enqueue(as, fd, serial, code);
    ss_note(SS_API_MSG_POST, fd, 0, id ? 0 : -1, id, code, id ? 0 : SS_EV_FAILED, t0, ss_ticks());
    if (id)
        signal_queued(as);
}

/* The window procedure's own PostMessage (the textbook re-posts FD_READ):
 * a Windows call, one kernel entry there. */
static void post_message(async_select_server *as, int fd, uint32_t serial, unsigned code)
{
    ss_standin call;
    ss_standin_begin(&call);
    uint64_t id = enqueue(as, fd, serial, code);
    ss_standin_end(&call, SS_API_MSG_POST, fd, 0, id ? 0 : -1, id ? 0 : ENOBUFS, id, code, SS_EV_KERNEL, 0);
    if (id)
        signal_queued(as);
}

/* GetMessage: 1 with a message, 0 when stop was requested. It sleeps as
 * long as the queue is empty (the stand-in looks up every
 * GETMESSAGE_SLICE_MS for the stop flag, inside the one call). */
static int get_message(async_select_server *as, msg *m)
{
    ss_standin call;
    ss_standin_begin(&call);
    SDL_Event e;
    int got = 0;
    while (!ss_stop_requested(as->srv)) {
        uint32_t n = atomic_load(&as->queued);
        if (n == 0) {
            ss_futex_wait(&as->queued, 0, GETMESSAGE_SLICE_MS);
            continue;
        }
        if (SDL_PeepEvents(&e, 1, SDL_GETEVENT, as->wm_socket, as->wm_socket) == 1) {
            atomic_fetch_sub(&as->queued, 1);
            got = 1;
            break;
        }
        SDL_Delay(0); /* counted but not yet visible: the poster is between its two steps */
    }
    if (got) {
        m->fd = (int)(intptr_t)e.user.data1;
        m->serial = e.user.windowID;
        m->code = (unsigned)e.user.code;
        m->id = (uint64_t)(uintptr_t)e.user.data2;
    }
    ss_standin_end(&call, SS_API_GET_MESSAGE, got && m->code < SS_MSG_UI ? m->fd : -1, 0, got, 0, 0,
                   got ? m->code : 0, SS_EV_KERNEL, 1);
    return got;
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
static int table_put(async_select_server *as, asock *c)
{
    int fd = c->ne.fd;
    if (fd >= as->nbyfd) {
        int n = as->nbyfd ? as->nbyfd : 256;
        while (n <= fd)
            n *= 2;
        asock **t = realloc(as->byfd, (size_t)n * sizeof *t);
        if (!t)
            return -1;
        memset(t + as->nbyfd, 0, (size_t)(n - as->nbyfd) * sizeof *t);
        as->byfd = t;
        as->nbyfd = n;
    }
    as->byfd[fd] = c;
    return 0;
}

static asock *table_get(async_select_server *as, int fd, uint32_t serial)
{
    asock *c = fd >= 0 && fd < as->nbyfd ? as->byfd[fd] : NULL;
    return c && c->serial == serial ? c : NULL;
}

static void remove_socket(async_select_server *as, asock *c)
{
    as->byfd[c->ne.fd] = NULL;
    ss_ne_closesocket(&as->ne, &c->ne);
}

/* --- the window procedure ----------------------------------------------------- */
static void accept_one(async_select_server *as)
{
    int fd = ss_ne_accept(&as->ne, &as->listener.ne);
    if (fd < 0)
        return;
    asock *c = calloc(1, sizeof *c);
    if (!c) {
        ss_conn_closed(as->srv, fd);
        return;
    }
    c->si.fd = fd;
    c->ne.fd = fd;
    c->serial = ++as->next_serial;
    if (table_put(as, c) != 0) {
        free(c);
        ss_conn_closed(as->srv, fd);
        return;
    }
    /* WSAAsyncSelect(client, hWnd, WM_SOCKET, FD_READ|FD_WRITE|FD_CLOSE) */
    if (ss_ne_register(&as->ne, &c->ne, fd, SS_NE_READ | SS_NE_WRITE | SS_NE_CLOSE, 0) != 0)
        remove_socket(as, c);
}

static void on_write(async_select_server *as, asock *c)
{
    if (!ss_si_pending(&c->si))
        return; /* the FD_WRITE after registration, or nothing left to echo */
    int rc = ss_ne_send(&as->ne, &c->ne, &c->si);
    if (rc < 0) {
        remove_socket(as, c);
    } else if (rc > 0 && c->recvdelayed) {
        c->recvdelayed = 0;
        post_message(as, c->ne.fd, c->serial, SS_NE_READ); /* the textbook's PostMessage(FD_READ) */
    }
}

/* FD_READ — and FD_CLOSE, which the textbook answers by closing: here the
 * peer may have half-closed with bytes unread or unechoed, so it is answered
 * with a recv too, and the recv that returns 0 (or fails) closes. */
static void on_read(async_select_server *as, asock *c)
{
    if (ss_si_pending(&c->si)) {
        c->recvdelayed = 1;
        return;
    }
    int rc = ss_ne_recv(&as->ne, &c->ne, &c->si);
    if (rc < 0)
        remove_socket(as, c);
    else if (rc > 0)
        on_write(as, c);
}

/* An ordinary window message (paint, input): the procedure's time, not a
 * request's (the CPU work is marked with the UI message code). */
static void on_ui_message(async_select_server *as)
{
    ss_cpu_work_for(-1, as->srv->opts.ui_cost_us ? as->srv->opts.ui_cost_us : SS_UI_COST_US, SS_MSG_UI);
}

/* Returns 1 on WM_QUIT. */
static int window_proc(async_select_server *as, const msg *m)
{
    if (m->code == SS_MSG_QUIT)
        return 1;
    if (m->code == SS_MSG_UI) {
        on_ui_message(as);
        return 0;
    }
    if (m->code == SS_NE_ACCEPT) {
        accept_one(as);
        return 0;
    }
    asock *c = table_get(as, m->fd, m->serial);
    if (!c)
        return 0; /* queued for a socket closed since */
    if (m->code == SS_NE_WRITE)
        on_write(as, c);
    else
        on_read(as, c);
    return 0;
}

static void message_loop(async_select_server *as)
{
    int quit = 0;
    while (!quit && !ss_stop_requested(as->srv)) {
        msg m;
        if (!get_message(as, &m))
            continue;
        uint64_t t0 = ss_ticks();
        quit = window_proc(as, &m);
        ss_note(SS_API_MSG_DISPATCH, m.fd, 0, 0, m.id, m.code, 0, t0, ss_ticks());
    }
    atomic_store(&as->quit, 1);
}

/* --- ordinary UI messages (--ui-rate) ------------------------------------------ */
typedef struct ui_source {
    async_select_server *as;
    int rate;
    pthread_t thread;
} ui_source;

/* Sleep until `deadline` (CLOCK_MONOTONIC ns), or until the message loop
 * ends, in short slices. */
static void sleep_until(async_select_server *as, uint64_t deadline)
{
    for (uint64_t now = ss_mono_ns(); now < deadline && !atomic_load(&as->quit); now = ss_mono_ns()) {
        uint64_t d = deadline - now < 20000000u ? deadline - now : 20000000u;
        struct timespec ts = {0, (long)d};
        nanosleep(&ts, NULL);
    }
}

static void *ui_main(void *arg)
{
    ui_source *u = arg;
    ss_thread_begin(SS_ROLE_CONTROL, "ui input"); /* the user and the rest of Windows */
    uint64_t period = 1000000000ull / (uint64_t)u->rate, next = ss_mono_ns() + period;
    while (!atomic_load(&u->as->quit)) {
        sleep_until(u->as, next);
        post(u->as, -1, 0, SS_MSG_UI);
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

static int start(async_select_server *as)
{
    static const ss_ne_ops ops = {deliver, post_quit, release, SS_API_WSA_ASYNC_SELECT};
    char why[200];
    if (sdl_open(why, sizeof why) != 0) {
        fprintf(stderr, "async-select: %s\n", why);
        return -1;
    }
    as->wm_socket = SDL_RegisterEvents(1); /* WM_SOCKET = WM_USER + 1 */
    if (as->wm_socket == (Uint32)-1) {
        fprintf(stderr, "async-select: cannot set up the message queue: %s\n", SDL_GetError());
        return -1;
    }
    if (ss_ne_init(&as->ne, as->srv, &ops, as) != 0 ||
        ss_ne_register(&as->ne, &as->listener.ne, as->srv->listen_fd, SS_NE_ACCEPT, 1) != 0)
        return -1;
    return ss_ne_start(&as->ne);
}

static void finish(async_select_server *as)
{
    for (int fd = 0; fd < as->nbyfd; fd++)
        if (as->byfd[fd])
            remove_socket(as, as->byfd[fd]);
    free(as->byfd);
    ss_ne_finish(&as->ne);
    if (as->wm_socket != (Uint32)-1)
        SDL_FlushEvent(as->wm_socket); /* messages posted after WM_QUIT */
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
    SDL_TLSCleanup(); /* SDL's per-thread error buffer: this thread ends after serve() */
}

static int async_select_serve(ss_server *s);

const ss_model ss_model_async_select = {
    .name = "async-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "Linux stand-in: network events posted as messages into an SDL2 event queue by an epoll notifier "
                 "thread (emulation of Winsock's kernel side), drained by one window-procedure thread "
                 "(futex + SDL_PeepEvents as GetMessage); --ui-rate adds UI messages to the same queue",
    .summary = "WSAAsyncSelect: socket events as window messages; UI and sockets share one procedure",
    .available = async_select_available,
    .serve = async_select_serve,
};

static int async_select_serve(ss_server *s)
{
    async_select_server as = {.srv = s, .wm_socket = (Uint32)-1, .ne = {.epfd = -1}};
    ui_source ui = {.as = &as, .rate = s->opts.ui_rate};
    int rc = start(&as);
    int ui_started = rc == 0 && ui.rate > 0 && pthread_create(&ui.thread, NULL, ui_main, &ui) == 0;
    if (rc == 0)
        message_loop(&as);
    atomic_store(&as.quit, 1);
    if (ui_started)
        pthread_join(ui.thread, NULL);
    finish(&as);
    return rc;
}
