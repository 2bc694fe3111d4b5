#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "sim/load/net.h"
#include "sim/probe/probe.h"
#include "sim/run/runner.h"
#include "sim/run/server.h"
#include "sim/trace/reader.h"
#include "sim/trace/recorder.h"

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
    ss_rec_opts ro = {0, 1, 0};
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

struct ss_server_handle *tu_plain_server_start(const char *name, const ss_model_opts *mo, int *port)
{
    const ss_model *m = ss_model_find(name);
    assert_non_null(m);
    char err[512];
    ss_server_handle *h = ss_server_start(m, mo, "127.0.0.1", 0, port, err, sizeof err);
    if (!h)
        fail_msg("starting %s: %s", name, err);
    return h;
}

int tu_plain_server_stop(struct ss_server_handle *h)
{
    ss_server_request_stop(h);
    return ss_server_join(h);
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

/* --- a model's server driven by the test's own sockets ---------------------- */
void tu_server_start(tu_server *t, const char *name, const ss_model_opts *mo)
{
    const ss_model *m = ss_model_find(name);
    assert_non_null(m);
    t->path = tu_tmpfile(".sstrace");
    char err[512];
    ss_rec_opts ro = {0, 1, 0};
    assert_int_equal(ss_rec_open(t->path, &ro, err, sizeof err), 0);
    ss_run_info info = {m->name, m->mechanism, NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_CLIENT, "test client");
    ss_model_opts none = {0};
    t->h = ss_server_start(m, mo ? mo : &none, "127.0.0.1", 0, &t->port, err, sizeof err);
    if (!t->h)
        fail_msg("%s: %s", name, err);
}

void tu_server_stop(tu_server *t, ss_stats *st)
{
    char err[512];
    ss_server_request_stop(t->h);
    assert_int_equal(ss_server_join(t->h), 0);
    ss_run_end();
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    if (st && ss_stats_load(t->path, st, err, sizeof err) != 0)
        fail_msg("loading %s: %s", t->path, err);
}

int tu_connect(int port) { return tu_connect_rcvbuf(port, 0); }

int tu_connect_rcvbuf(int port, int rcvbuf)
{
    ss_addr a;
    char err[200];
    assert_int_equal(ss_addr_parse("127.0.0.1", port, &a, err, sizeof err), 0);
    int fd = ss_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {10, 0};
    ss_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ss_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (rcvbuf > 0) /* before connect: the window scale is chosen at the handshake */
        ss_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (ss_connect(fd, (struct sockaddr *)&a.ss, a.len) != 0)
        fail_msg("connect to 127.0.0.1:%d failed: %s", port, strerror(errno));
    return fd;
}

void tu_send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t r = ss_send(fd, c, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            fail_msg("send failed: %s", r < 0 ? strerror(errno) : "0 bytes");
        c += r;
        n -= (size_t)r;
    }
}

size_t tu_recv_upto(int fd, void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = ss_recv(fd, (char *)p + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

void tu_reset(int fd)
{
    struct linger l = {1, 0};
    ss_setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ss_close(fd);
}

void tu_echo_round(int fd, int client, int msg, int size)
{
    unsigned char *out = malloc((size_t)size), *in = malloc((size_t)size);
    assert_non_null(out);
    assert_non_null(in);
    for (int i = 0; i < size; i++)
        out[i] = ss_pattern_byte(client, msg, i, size);
    tu_send_all(fd, out, (size_t)size);
    size_t got = tu_recv_upto(fd, in, (size_t)size);
    if (got != (size_t)size)
        fail_msg("client %d message %d: %zu of %d bytes echoed", client, msg, got, size);
    assert_memory_equal(in, out, (size_t)size);
    free(out);
    free(in);
}

/* --- trace loading ------------------------------------------------------------ */
/* Run ids count on across trace files of one process: keep the file's first. */
static void tt_on_run_begin(void *ud, const ss_run_meta *m)
{
    tu_trace *t = ud;
    if (!t->run)
        t->run = m->id;
}

static void tt_on_thread(void *ud, const ss_thread_meta *m)
{
    tu_trace *t = ud;
    if (m->run != t->run || m->idx >= 512)
        return;
    tu_thread *th = &t->th[m->idx];
    th->role = m->role;
    th->seen = 1;
    th->first_ns = UINT64_MAX;
    snprintf(th->name, sizeof th->name, "%s", m->name);
    if (m->idx >= t->nthreads)
        t->nthreads = m->idx + 1;
}

static void tt_on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    tu_trace *t = ud;
    if (run != t->run || thread >= 512)
        return;
    tu_thread *th = &t->th[thread];
    if (ev->t0 < th->first_ns) th->first_ns = ev->t0;
    if (ev->t1 > th->last_ns) th->last_ns = ev->t1;
    if (t->threads_only)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4096;
        t->ev = realloc(t->ev, t->cap * sizeof *t->ev);
        assert_non_null(t->ev);
    }
    t->ev[t->n++] = (tu_event){*ev, thread};
}

static void tt_on_thread_end(void *ud, const ss_thread_end_info *e)
{
    tu_trace *t = ud;
    if (e->run != t->run || e->idx >= 512)
        return;
    t->th[e->idx].user_ns = e->user_ns;
    t->th[e->idx].sys_ns = e->sys_ns;
}

static void load(const char *path, tu_trace *t, int threads_only)
{
    memset(t, 0, sizeof *t);
    t->threads_only = threads_only;
    ss_visitor v = {.ud = t, .run_begin = tt_on_run_begin, .thread = tt_on_thread, .event = tt_on_event, .thread_end = tt_on_thread_end};
    ss_scan_result res;
    char err[512];
    if (ss_trace_scan(path, !threads_only, &v, &res, err, sizeof err) != 0)
        fail_msg("reading %s: %s", path, err);
    if (res.corrupt || res.truncated)
        fail_msg("%s: %s", path, res.warning);
    if (!t->run || (!threads_only && t->n == 0))
        fail_msg("%s holds no run with events", path);
}

void tu_trace_load(const char *path, tu_trace *t) { load(path, t, 0); }
void tu_trace_load_threads(const char *path, tu_trace *t) { load(path, t, 1); }

void tu_trace_free(tu_trace *t)
{
    free(t->ev);
    memset(t, 0, sizeof *t);
}

int tu_threads_calling(const tu_trace *t, int role, int api)
{
    char seen[512] = {0};
    int n = 0;
    for (size_t i = 0; i < t->n; i++) {
        const tu_event *e = &t->ev[i];
        if (e->ev.api == api && t->th[e->thread].role == role && !seen[e->thread]) {
            seen[e->thread] = 1;
            n++;
        }
    }
    return n;
}

/* An offset in the middle of the payload of the first events chunk at or
 * after `from` (docs/trace-format.md): flipping it fails that chunk's CRC,
 * where a flip in a chunk header could read as a file cut off instead. */
long tu_events_payload_byte(const char *path, long from)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char h[12];
    long off = 16;
    while (fseek(f, off, SEEK_SET) == 0 && fread(h, 1, sizeof h, f) == sizeof h) {
        long len = (long)h[4] | (long)h[5] << 8 | (long)h[6] << 16 | (long)h[7] << 24;
        if (off >= from && memcmp(h, "EVTS", 4) == 0 && len > 2) {
            fclose(f);
            return off + 12 + len / 2;
        }
        off += 12 + len;
    }
    fclose(f);
    fail_msg("no events chunk after byte %ld", from);
    return -1;
}
