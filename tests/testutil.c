#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sim/recorder.h"
#include "sim/runner.h"
#include "sim/server.h"
#include "sim/trace_reader.h"

static char *paths[256];
static int npaths;

static void cleanup(void)
{
    for (int i = 0; i < npaths; i++) {
        if (!getenv("SS_KEEP"))
            unlink(paths[i]);
        free(paths[i]);
    }
}

const char *tu_tmpfile(const char *suffix)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char buf[512];
    static int seq;
    snprintf(buf, sizeof buf, "%s/sockscope-test-%d-%d%s", dir, (int)getpid(), seq++, suffix);
    if (npaths == 0)
        atexit(cleanup);
    if (npaths < 256)
        paths[npaths++] = strdup(buf);
    return npaths <= 256 ? paths[npaths - 1] : strdup(buf);
}

ss_workload_opts tu_workload(int clients, int messages, int size)
{
    ss_workload_opts w = {.host = "127.0.0.1", .clients = clients, .messages = messages, .size = size,
                          .timeout_s = 20};
    return w;
}

const char *tu_record(const char *name, const ss_model_opts *mo, const ss_workload_opts *w,
                      ss_workload_result *res, ss_stats *st, int expect_ok)
{
    const ss_model *m = ss_model_find(name);
    assert_non_null(m);
    const char *path = tu_tmpfile(".sstrace");
    char err[512];
    ss_rec_opts ro = {0, 1};
    assert_int_equal(ss_rec_open(path, &ro, err, sizeof err), 0);
    ss_model_opts none = {0};
    int rc = ss_run_one(m, mo ? mo : &none, w, NULL, res, err, sizeof err);
    char cerr[256];
    int crc = ss_rec_close(cerr, sizeof cerr); /* close first: a failure must not leave it open */
    if (expect_ok && rc != 0)
        fail_msg("%s: %s", name, err);
    if (crc != 0)
        fail_msg("closing %s: %s", path, cerr);
    if (st) {
        int lrc = ss_stats_load(path, st, err, sizeof err);
        if (lrc != 0)
            fail_msg("loading %s: %s", path, err);
    }
    return path;
}

struct ss_server_handle *tu_server_start(const char *name, const ss_model_opts *mo, int *port)
{
    const ss_model *m = ss_model_find(name);
    assert_non_null(m);
    char err[512];
    ss_server_handle *h = ss_server_start(m, mo, "127.0.0.1", 0, port, err, sizeof err);
    if (!h)
        fail_msg("starting %s: %s", name, err);
    return h;
}

int tu_server_stop(struct ss_server_handle *h)
{
    ss_server_request_stop(h);
    return ss_server_join(h);
}

int tu_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void fill(unsigned char *p, int size, int seed)
{
    for (int i = 0; i < size; i++)
        p[i] = ss_pattern_byte(seed, 0, i, size);
}

static int send_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

int tu_reset_mid_message(int port, int size)
{
    int fd = tu_connect(port);
    if (fd < 0)
        return -1;
    unsigned char *msg = malloc((size_t)size);
    fill(msg, size, 7);
    int rc = send_all(fd, msg, (size_t)size / 2);
    struct linger lg = {1, 0}; /* close sends RST, not FIN */
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    free(msg);
    return rc;
}

int tu_half_close_echo(int port, int size)
{
    int fd = tu_connect(port);
    if (fd < 0)
        return -1;
    unsigned char *out = malloc((size_t)size), *in = calloc(1, (size_t)size + 1);
    fill(out, size, 11);
    int rc = send_all(fd, out, (size_t)size) == 0 && shutdown(fd, SHUT_WR) == 0 ? 0 : -1;
    ssize_t got = rc == 0 ? recv(fd, in, (size_t)size, MSG_WAITALL) : -1;
    if (got != size || memcmp(in, out, (size_t)size) != 0)
        rc = -1;
    else if (recv(fd, in, 1, 0) != 0) /* then the server closes: end of file */
        rc = -1;
    close(fd);
    free(out);
    free(in);
    return rc;
}

typedef struct scan_ctx {
    int roles[65536];
    tu_event_fn fn;
    void *ud;
} scan_ctx;

static void on_thread(void *ud, const ss_thread_meta *t)
{
    scan_ctx *c = ud;
    if (t->idx < 65536)
        c->roles[t->idx] = t->role;
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    scan_ctx *c = ud;
    (void)run;
    c->fn(c->ud, thread < 65536 ? c->roles[thread] : SS_ROLE_SERVER, thread, ev);
}

void tu_scan(const char *path, tu_event_fn fn, void *ud)
{
    scan_ctx *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->fn = fn;
    c->ud = ud;
    ss_visitor v = {.ud = c, .thread = on_thread, .event = on_event};
    ss_scan_result res;
    char err[256];
    int rc = ss_trace_scan(path, 0, &v, &res, err, sizeof err);
    free(c);
    if (rc != 0)
        fail_msg("reading %s: %s", path, err);
}
