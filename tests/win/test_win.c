/* test_win.c — checks of the Windows platform layer and models, built as a
 * Windows program (cmocka has no mingw package) and run under Wine by CTest.
 * Each check prints "ok"/"FAIL"; the last line is "N passed, N failed".
 *
 *   test_win [group]   groups: errors clock probes trace limits iocp (default: all)
 *
 * No check depends on wall-clock time: waits are bounded only so that a
 * broken build fails instead of hanging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "models/model.h"
#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"
#include "sim/report/stats.h"
#include "sim/run/runner.h"
#include "sim/run/server.h"
#include "sim/trace/clock.h"
#include "sim/trace/reader.h"
#include "sim/trace/recorder.h"

static int passed, failed;

#define CHECK(cond, ...)                                                                                      \
    do {                                                                                                      \
        if (cond) {                                                                                           \
            passed++;                                                                                         \
        } else {                                                                                              \
            failed++;                                                                                         \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                            \
            printf(__VA_ARGS__);                                                                              \
            printf("\n");                                                                                     \
        }                                                                                                     \
    } while (0)

/* --- errors: Winsock codes reach the trace as the portable ones ------------ */
static void test_errors(void)
{
    static const struct { int wsa, ss; } map[] = {
        {WSAEWOULDBLOCK, SS_E_WOULDBLOCK}, {WSAECONNRESET, SS_E_CONNRESET}, {WSAEINTR, SS_E_CANCELED},
        {WSA_OPERATION_ABORTED, SS_E_CANCELED}, {WSAEADDRINUSE, SS_E_ADDRINUSE}, {WSAECONNREFUSED, SS_E_CONNREFUSED},
        {WSAENOTSOCK, SS_E_BADF}, {WSAENOTCONN, SS_E_NOTCONN}, {WSAEMFILE, SS_E_MFILE}, {WSAETIMEDOUT, SS_E_TIMEDOUT},
        {WSAENOBUFS, SS_E_NOBUFS}, {WSAESHUTDOWN, SS_E_PIPE}, {0, SS_E_OK},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        int e = ss_errno_from_wsa(map[i].wsa);
        CHECK(ss_err_from_errno(e) == map[i].ss, "WSA %d -> errno %d -> %s, want %s", map[i].wsa, e,
              ss_err_name(ss_err_from_errno(e)), ss_err_name(map[i].ss));
    }
    CHECK(strstr(strerror(ECONNRESET), "reset") != NULL, "strerror(ECONNRESET) = %s", strerror(ECONNRESET));
    CHECK(strcmp(ss_api_name(SS_API_IOCP_GET), "GetQueuedCompletionStatus") == 0, "%s", ss_api_name(SS_API_IOCP_GET));
    CHECK(ss_api_from_name("WSAAsyncSelect") == SS_API_WSA_ASYNC_SELECT, "name round trip");
    CHECK(ss_api_is_kernel(SS_API_WSA_WAIT) && ss_api_is_kernel(SS_API_WSA_RESET_EVENT), "Windows waits enter the kernel");
}

/* --- the clock: QueryPerformanceCounter ------------------------------------ */
static void test_clock(void)
{
    ss_clock_init();
    CHECK(strncmp(ss_clock_name(), "QueryPerformanceCounter@", 24) == 0, "clock name %s", ss_clock_name());
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    CHECK(ss_clock_ns_per_tick() * (double)f.QuadPart > 0.999e9 && ss_clock_ns_per_tick() * (double)f.QuadPart < 1.001e9,
          "ns per tick %g at %lld Hz", ss_clock_ns_per_tick(), (long long)f.QuadPart);
    uint64_t prev = ss_ticks();
    int back = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = ss_ticks();
        back += t < prev;
        prev = t;
    }
    CHECK(back == 0, "QPC went backwards %d times", back);
    CHECK(ss_wall_ns() > 1600000000ull * 1000000000ull, "wall clock %llu ns since 1970", (unsigned long long)ss_wall_ns());
    uint64_t m0 = ss_mono_ns();
    Sleep(20);
    CHECK(ss_mono_ns() > m0, "monotonic ns advances across a sleep");
}

/* --- probes on real Winsock -------------------------------------------------- */
static int listener(int *port)
{
    char err[200];
    int fd = ss_listen_on("127.0.0.1", 0, &(ss_listen_opts){.backlog = 128}, port, err, sizeof err);
    CHECK(fd >= 0, "listen: %s", err);
    return fd;
}

static int connect_to(int port)
{
    ss_addr a;
    char err[200];
    ss_addr_parse("127.0.0.1", port, &a, err, sizeof err);
    int fd = ss_socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || ss_connect(fd, (struct sockaddr *)&a.ss, a.len) != 0)
        return -1;
    return fd;
}

static void test_probes(void)
{
    int port = 0, lfd = listener(&port);
    if (lfd < 0)
        return;
    CHECK(ss_set_nonblocking(lfd, 1) == 0 && ss_fd_is_nonblocking(lfd), "listener non-blocking");
    struct sockaddr_storage a;
    socklen_t alen = sizeof a;
    CHECK(ss_accept(lfd, (struct sockaddr *)&a, &alen) < 0 && WSAGetLastError() == WSAEWOULDBLOCK &&
              errno == EWOULDBLOCK,
          "accept with nobody waiting: WSAEWOULDBLOCK (%d), errno %d", WSAGetLastError(), errno);
    int c = connect_to(port);
    CHECK(c >= 0, "connect");
    int s = -1;
    for (int i = 0; i < 500 && s < 0; i++) { /* bounded: the connection is already queued */
        s = ss_accept(lfd, NULL, NULL);
        if (s < 0)
            Sleep(10);
    }
    CHECK(s >= 0, "accept a queued connection");
    CHECK(ss_fd_is_nonblocking(s), "an accepted socket inherits the listener's mode (Winsock rule)");
    char buf[64];
    CHECK(ss_recv(s, buf, sizeof buf, 0) < 0 && WSAGetLastError() == WSAEWOULDBLOCK, "recv on empty: WSAEWOULDBLOCK");
    CHECK(ss_send(c, "ping", 4, 0) == 4, "send");
    int got = -1;
    for (int i = 0; i < 500 && got < 0; i++) {
        got = (int)ss_recv(s, buf, sizeof buf, 0);
        if (got < 0)
            Sleep(10);
    }
    CHECK(got == 4 && memcmp(buf, "ping", 4) == 0, "recv got %d", got);
    /* SO_RCVTIMEO given as a struct timeval (POSIX) must become a DWORD of ms */
    struct timeval tv = {1, 0};
    CHECK(ss_setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0, "setsockopt SO_RCVTIMEO");
    DWORD ms = 0;
    int len = sizeof ms;
    getsockopt(ss_sock(c), SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, &len);
    CHECK(ms == 1000, "SO_RCVTIMEO is %lu ms, want 1000", (unsigned long)ms);
    CHECK(ss_recv(c, buf, sizeof buf, 0) < 0 && errno == ETIMEDOUT, "blocking recv times out: errno %d", errno);
    ss_close(c);
    ss_close(s);
    ss_close(lfd);
}

/* --- what a recorded run holds ----------------------------------------------- */
typedef struct tally {
    uint64_t n[SS_API_COUNT], wouldblock, mayblock_recv, nb_recv, refused;
    uint64_t submit_ids, complete_ids;
    char notes[SS_MAX_PARAMS][2][96];
    int nnotes;
    char clock[96];
} tally;

static void on_run(void *ud, const ss_run_meta *m) { snprintf(((tally *)ud)->clock, 96, "%s", m->clock); }

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run, (void)thread;
    tally *t = ud;
    if (ev->api < SS_API_COUNT)
        t->n[ev->api]++;
    if (ev->err == SS_E_WOULDBLOCK)
        t->wouldblock++;
    if (ev->api == SS_API_RECV)
        (ev->flags & SS_EV_MAYBLOCK) ? t->mayblock_recv++ : t->nb_recv++;
    if (ev->api == SS_API_OP_SUBMIT)
        t->submit_ids += ev->id;
    if (ev->api == SS_API_OP_COMPLETE)
        t->complete_ids += ev->id;
}

static void on_end(void *ud, const ss_run_end_info *r)
{
    tally *t = ud;
    t->nnotes = r->nnotes;
    memcpy(t->notes, r->notes, sizeof t->notes);
}

static int scan(const char *path, tally *t)
{
    memset(t, 0, sizeof *t);
    ss_visitor v = {.ud = t, .run_begin = on_run, .event = on_event, .run_end = on_end};
    ss_scan_result res;
    char err[200];
    int rc = ss_trace_scan(path, 1, &v, &res, err, sizeof err);
    CHECK(rc == 0 && !res.corrupt && !res.truncated, "scan %s: %s", path, err);
    return rc;
}

static const char *note(const tally *t, const char *key)
{
    for (int i = 0; i < t->nnotes; i++)
        if (strcmp(t->notes[i][0], key) == 0)
            return t->notes[i][1];
    return "";
}

static void trace_path(char *out, size_t n, const char *tag)
{
    char dir[MAX_PATH];
    GetTempPathA(sizeof dir, dir);
    snprintf(out, n, "%ssockscope-test-%lu-%s.sstrace", dir, GetCurrentProcessId(), tag);
}

/* one model, one small workload, recorded; returns the exit code of the run */
static int record(const char *model, int clients, int messages, const char *path)
{
    const ss_model *m = ss_model_find(model);
    CHECK(m != NULL, "model %s registered", model);
    if (!m)
        return -1;
    char err[300];
    ss_rec_opts ro = {0, 1, 0};
    if (ss_rec_open(path, &ro, err, sizeof err) != 0) {
        CHECK(0, "%s", err);
        return -1;
    }
    ss_model_opts mo = {0};
    ss_workload_opts w = {.host = "127.0.0.1", .clients = clients, .messages = messages, .size = 512};
    ss_run_progress pg = {model, 1, 1, 0, 1};
    ss_workload_result res;
    int rc = ss_run_one(m, &mo, &w, &pg, &res, err, sizeof err);
    CHECK(rc == 0, "%s: %s", model, err);
    CHECK(ss_rec_close(err, sizeof err) == 0, "close: %s", err);
    return rc;
}

static void test_trace(void)
{
    static const struct { const char *model; int api; } uses[] = {
        {"blocking-iterative", SS_API_ACCEPT}, {"blocking-threads", SS_API_ACCEPT}, {"nonblocking", SS_API_IOCTL},
        {"select", SS_API_SELECT}, {"poll", SS_API_POLL}, {"async-select", SS_API_WSA_ASYNC_SELECT},
        {"event-select", SS_API_WSA_ENUM_EVENTS}, {"overlapped", SS_API_SLEEP_EX},
        {"overlapped-event", SS_API_WSA_GET_OVERLAPPED}, {"iocp", SS_API_IOCP_GET},
    };
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
        char path[MAX_PATH + 64];
        trace_path(path, sizeof path, uses[i].model);
        if (record(uses[i].model, 6, 20, path) != 0)
            continue;
        tally t;
        if (scan(path, &t) == 0) {
            const char *m = uses[i].model;
            CHECK(t.n[uses[i].api] > 0, "%s recorded no %s", m, ss_api_name(uses[i].api));
            CHECK(t.n[SS_API_REQUEST] == 120, "%s: %llu requests", m, (unsigned long long)t.n[SS_API_REQUEST]);
            CHECK(strcmp(note(&t, "client verification"), "120 ok, 0 failed, 0 mismatched") == 0, "%s: %s", m,
                  note(&t, "client verification"));
            CHECK(note(&t, "wait detection")[0] != 0, "%s: the run says how waits were detected", m);
            CHECK(strncmp(t.clock, "QueryPerformanceCounter", 23) == 0, "%s: clock %s", m, t.clock);
            CHECK(t.mayblock_recv > 0, "%s: the clients' blocking recvs are may-block calls", m);
            if (!strcmp(m, "async-select")) {
                CHECK(t.n[SS_API_GET_MESSAGE] > 0 && t.n[SS_API_MSG_DISPATCH] > 0, "async-select: messages");
            }
            if (!strcmp(m, "event-select"))
                CHECK(t.n[SS_API_WSA_WAIT] > 0 && t.n[SS_API_EVENT_SIGNAL] > 0, "event-select: waits and signals");
            if (!strcmp(m, "iocp") || !strcmp(m, "overlapped") || !strcmp(m, "overlapped-event")) {
                /* every operation completed, and completions match their submissions by id */
                CHECK(t.n[SS_API_OP_SUBMIT] > 240 && t.n[SS_API_OP_SUBMIT] == t.n[SS_API_OP_COMPLETE] &&
                          t.submit_ids == t.complete_ids,
                      "%s: %llu submitted, %llu completed", m, (unsigned long long)t.n[SS_API_OP_SUBMIT],
                      (unsigned long long)t.n[SS_API_OP_COMPLETE]);
            }
            if (!strcmp(m, "nonblocking"))
                CHECK(t.nb_recv > 0, "nonblocking: its recvs are not may-block calls");
        }
        remove(path);
    }
}

/* --- the 64-socket limits of select and WSAWaitForMultipleEvents ------------- */
static int echo_once(int fd)
{
    char out[16] = "limit-check\n", in[16];
    if (ss_send(fd, out, 12, 0) != 12)
        return -1;
    int got = 0;
    while (got < 12) {
        int r = (int)ss_recv(fd, in + got, (size_t)(12 - got), 0);
        if (r <= 0)
            return -1;
        got += r;
    }
    return memcmp(in, out, 12) == 0 ? 0 : -1;
}

static void test_limit(const char *model, int max_clients, int fd_setsize)
{
    const ss_model *m = ss_model_find(model);
    char err[300];
    int port = 0;
    ss_model_opts mo = {.fd_setsize = fd_setsize};
    ss_server_handle *h = ss_server_start(m, &mo, "127.0.0.1", 0, &port, err, sizeof err);
    CHECK(h != NULL, "%s: start: %s", model, err);
    if (!h)
        return;
    int fds[64], n = 0, ok = 0;
    for (; n < max_clients; n++) {
        fds[n] = connect_to(port);
        struct timeval tv = {20, 0}; /* bounded: a broken server fails the check */
        ss_setsockopt(fds[n], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ok += fds[n] >= 0 && echo_once(fds[n]) == 0; /* served: it holds a slot now */
    }
    CHECK(ok == max_clients, "%s: %d of %d clients served", model, ok, max_clients);
    int extra = connect_to(port);
    struct timeval tv = {20, 0};
    ss_setsockopt(extra, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    CHECK(extra >= 0 && echo_once(extra) != 0, "%s: client %d is refused", model, max_clients + 1);
    ss_close(extra);
    ss_close(fds[0]); /* a slot frees up ... */
    int again = -1, served = 0;
    for (int tries = 0; tries < 50 && !served; tries++) { /* ... once the server has seen the close */
        again = connect_to(port);
        ss_setsockopt(again, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        served = again >= 0 && echo_once(again) == 0;
        if (!served) {
            ss_close(again);
            Sleep(20);
        }
    }
    CHECK(served, "%s: a new client is served once a slot is free", model);
    ss_close(again);
    for (int i = 1; i < n; i++)
        ss_close(fds[i]);
    ss_server_request_stop(h);
    CHECK(ss_server_join(h) == 0, "%s: clean stop", model);
}

static void test_limits(void)
{
    test_limit("select", FD_SETSIZE - 1, 0);
    test_limit("select", 7, 8); /* --fd-setsize 8: the listener and 7 clients */
    test_limit("event-select", WSA_MAXIMUM_WAIT_EVENTS - 1, 0);
    test_limit("overlapped-event", WSA_MAXIMUM_WAIT_EVENTS - 1, 0);
}

/* --- iocp: 2 x CPU workers, packets taken by several of them ----------------- */
static void on_thread(void *ud, const ss_thread_meta *t)
{
    if (strncmp(t->name, "worker ", 7) == 0)
        (*(int *)ud)++;
}

static void test_iocp(void)
{
    char path[MAX_PATH + 64];
    trace_path(path, sizeof path, "iocp-workers");
    if (record("iocp", 8, 50, path) != 0)
        return;
    int workers = 0;
    ss_visitor v = {.ud = &workers, .thread = on_thread};
    ss_scan_result res;
    char err[200];
    ss_trace_scan(path, 0, &v, &res, err, sizeof err);
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    CHECK(workers == 2 * (int)si.dwNumberOfProcessors, "%d workers for %lu CPUs", workers,
          (unsigned long)si.dwNumberOfProcessors);
    ss_stats st;
    CHECK(ss_stats_load(path, &st, err, sizeof err) == 0, "stats: %s", err);
    if (st.nruns == 1) {
        const ss_side *s = &st.runs[0].server;
        CHECK(s->completions == s->submissions && s->completions >= 800, "%llu packets",
              (unsigned long long)s->completions);
        /* one WSARecv/WSASend is one kernel entry and one socket call, not
         * two; the port's own calls are transitions but not socket calls */
        uint64_t port_calls = s->calls[SS_API_IOCP_CREATE] + s->calls[SS_API_IOCP_GET] + s->calls[SS_API_IOCP_POST];
        CHECK(s->socket_calls + port_calls == s->transitions, "socket calls %llu + port calls %llu, transitions %llu",
              (unsigned long long)s->socket_calls, (unsigned long long)port_calls,
              (unsigned long long)s->transitions);
        CHECK(s->bytes_in == 8 * 50 * 512 && s->bytes_out == 8 * 50 * 512, "bytes %llu in, %llu out",
              (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out);
    }
    ss_stats_free(&st);
    remove(path);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *only = argc > 1 ? argv[1] : NULL;
    static const struct { const char *name; void (*fn)(void); } groups[] = {
        {"errors", test_errors}, {"clock", test_clock}, {"probes", test_probes},
        {"trace", test_trace}, {"limits", test_limits}, {"iocp", test_iocp},
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (only && strcmp(only, groups[i].name) != 0)
            continue;
        int f0 = failed;
        groups[i].fn();
        printf("%s %s\n", failed == f0 ? "ok  " : "FAIL", groups[i].name);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
