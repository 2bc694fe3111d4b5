/* sockscope-scale-bench — can the event-driven and completion models hold
 * 100, 1,000 and 10,000 concurrent connections, with every byte verified,
 * and how fast? Prints requests/s and latency percentiles per model and
 * connection count (docs/scale.md has the numbers of this machine).
 *
 * The clients run in a child process: every connection costs one descriptor
 * on each side, and 10,000 of them on both sides do not fit under a typical
 * 20,000-descriptor limit in one process. The child is forked before the
 * server starts, while this process still has a single thread. Both sides
 * raise RLIMIT_NOFILE to the hard limit and say so when it is not enough.
 * Nothing is traced: this measures the models, not the recorder. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/model.h"
#include "sim/base/util.h"
#include "sim/load/net.h"
#include "sim/load/workload.h"
#include "sim/run/server.h"
#include "sim/trace/clock.h"

#define MAX_LIST 16
#define RESULT_TIMEOUT_MS (5 * 60 * 1000)

typedef struct bench_opts {
    char models[MAX_LIST][32];
    int nmodels;
    long conns[MAX_LIST];
    int nconns;
    long requests, size;
} bench_opts;

typedef struct outcome {
    ss_workload_result res;
    long peak_open;
    char err[300];
} outcome;

static int write_all(int fd, const void *p, size_t n)
{
    for (const char *c = p; n > 0;) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n)
{
    for (char *c = p; n > 0;) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static ss_workload_opts workload(const bench_opts *b, long conns)
{
    long messages = b->requests / conns;
    ss_workload_opts w = {.host = "127.0.0.1", .clients = (int)conns, .messages = messages < 2 ? 2 : (int)messages,
                          .size = (int)b->size, .mode = SS_CLIENTS_EVENTS, .timeout_s = 60,
                          .hold_open = 1};
    return w; /* connect = all + hold_open: every connection is open from the first message to the last */
}

/* the child: wait for the port, run the clients, send the result back */
static void client_process(const bench_opts *b, long conns, int port_fd, int result_fd)
{
    outcome out;
    memset(&out, 0, sizeof out);
    int port;
    ss_workload_opts w = workload(b, conns);
    if (read_all(port_fd, &port, sizeof port) != 0)
        _exit(2);
    if (ss_nofile_ensure(ss_workload_fds(&w) + 64, NULL, out.err, sizeof out.err) == 0) {
        w.port = port;
        ss_workload_run(&w, &out.res, NULL, NULL);
    }
    _exit(write_all(result_fd, &out, sizeof out) == 0 ? 0 : 2);
}

/* waits for the child's result while sampling the server's open connections */
static int collect(int result_fd, ss_server_handle *h, outcome *out)
{
    long peak = 0;
    struct pollfd p = {.fd = result_fd, .events = POLLIN};
    for (int waited = 0; waited < RESULT_TIMEOUT_MS; waited++) {
        long open = atomic_load(&ss_server_state(h)->conns_open);
        if (open > peak)
            peak = open;
        int r = poll(&p, 1, 1);
        if (r > 0)
            break;
    }
    int rc = read_all(result_fd, out, sizeof *out);
    out->peak_open = peak;
    return rc;
}

static int run_case(const bench_opts *b, const ss_model *m, long conns, outcome *out)
{
    int port_pipe[2], result_pipe[2];
    memset(out, 0, sizeof *out);
    if (pipe(port_pipe) != 0 || pipe(result_pipe) != 0) {
        snprintf(out->err, sizeof out->err, "pipe() failed: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(port_pipe[1]);
        close(result_pipe[0]);
        client_process(b, conns, port_pipe[0], result_pipe[1]);
    }
    close(port_pipe[0]);
    close(result_pipe[1]);
    int port = 0, rc = -1;
    ss_model_opts mo = {0};
    ss_server_handle *h = NULL;
    if (pid < 0)
        snprintf(out->err, sizeof out->err, "fork() failed: %s", strerror(errno));
    else if (ss_nofile_ensure(conns + 64, NULL, out->err, sizeof out->err) == 0)
        h = ss_server_start(m, &mo, "127.0.0.1", 0, &port, out->err, sizeof out->err);
    if (h && write_all(port_pipe[1], &port, sizeof port) == 0)
        rc = collect(result_pipe[0], h, out);
    close(port_pipe[1]); /* a child still waiting for a port gives up */
    close(result_pipe[0]);
    if (h) {
        ss_server_request_stop(h);
        ss_server_join(h);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    if (rc != 0 && !out->err[0])
        snprintf(out->err, sizeof out->err, "the client process did not report");
    return rc == 0 && !out->err[0] ? 0 : -1;
}

static void print_row(const char *model, long conns, const outcome *o)
{
    const ss_workload_result *r = &o->res;
    double rps = r->seconds > 0 ? (double)r->requests_ok / r->seconds : 0;
    int verified = r->requests_failed == 0 && r->mismatches == 0 && r->requests_ok > 0;
    printf("%-12s %7ld %9ld %10.0f %9.1f %9.1f %9.1f %8ld  %s\n", model, conns, r->requests_ok, rps,
           (double)ss_hist_pct(&r->latency, 50) / 1e3, (double)ss_hist_pct(&r->latency, 99) / 1e3,
           r->latency.count ? (double)r->latency.max / 1e3 : 0.0, o->peak_open,
           verified ? "all bytes verified" : r->first_error[0] ? r->first_error : "FAILED");
    fflush(stdout);
}

static int split(const char *arg, char (*names)[32], long *nums, int *n)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", arg);
    *n = 0;
    for (char *save, *tok = strtok_r(buf, ",", &save); tok && *n < MAX_LIST; tok = strtok_r(NULL, ",", &save)) {
        if (names) {
            snprintf(names[(*n)++], 32, "%s", tok);
            continue;
        }
        char err[160];
        if (ss_parse_long(tok, 1, 100000, &nums[*n], "--conns", err, sizeof err) != 0) {
            fprintf(stderr, "sockscope-scale-bench: %s\n", err);
            return -1;
        }
        (*n)++;
    }
    return *n > 0 ? 0 : -1;
}

static int parse_args(int argc, char **argv, bench_opts *b)
{
    static const struct option lo[] = {{"models", required_argument, 0, 'm'}, {"conns", required_argument, 0, 'c'},
                                       {"requests", required_argument, 0, 'r'}, {"size", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    char err[160];
    int c;
    split("epoll,io_uring,iocp", b->models, NULL, &b->nmodels);
    split("100,1000,10000", NULL, b->conns, &b->nconns);
    b->requests = 200000;
    b->size = 512;
    while ((c = getopt_long(argc, argv, "m:c:r:s:h", lo, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'm': bad = split(optarg, b->models, NULL, &b->nmodels); break;
        case 'c': bad = split(optarg, NULL, b->conns, &b->nconns); break;
        case 'r': bad = ss_parse_long(optarg, 1000, 100000000, &b->requests, "--requests", err, sizeof err); break;
        case 's': bad = ss_parse_long(optarg, 1, 65536, &b->size, "--size", err, sizeof err); break;
        case 'h':
            printf("usage: sockscope-scale-bench [--models epoll,io_uring,iocp] [--conns 100,1000,10000]\n"
                   "                             [--requests 200000] [--size 512]\n\n"
                   "For each model and connection count: open every connection (clients in a child\n"
                   "process), then echo about --requests messages over them in total, verifying\n"
                   "every byte. Prints requests/s, p50/p99/max latency and the server's peak of\n"
                   "open connections. Models this build lacks are skipped.\n");
            exit(0);
        default: bad = 1;
        }
        if (bad) {
            if (c == 'r' || c == 's')
                fprintf(stderr, "sockscope-scale-bench: %s\n", err);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts b;
    if (parse_args(argc, argv, &b) != 0)
        return SS_EXIT_USAGE;
    signal(SIGPIPE, SIG_IGN);
    long limit = 0;
    char err[400];
    ss_nofile_ensure(0, &limit, err, sizeof err);
    printf("descriptor limit per process: %ld (clients run in a separate process)\n\n", limit);
    printf("%-12s %7s %9s %10s %9s %9s %9s %8s  %s\n", "model", "conns", "requests", "req/s", "p50 us", "p99 us",
           "max us", "peak", "verification");
    int rc = 0;
    for (int i = 0; i < b.nmodels; i++) {
        const ss_model *m = ss_model_find(b.models[i]);
        char why[200];
        if (!m || !ss_model_available(m, why, sizeof why)) {
            printf("%-12s skipped: %s\n", b.models[i], m ? why : "not in this build");
            continue;
        }
        for (int j = 0; j < b.nconns; j++) {
            outcome o;
            if (run_case(&b, m, b.conns[j], &o) != 0) {
                printf("%-12s %7ld  refused or failed: %s\n", m->name, b.conns[j], o.err);
                rc = SS_EXIT_ENV;
                continue;
            }
            print_row(m->name, b.conns[j], &o);
            if (o.res.requests_failed || o.res.mismatches)
                rc = SS_EXIT_FAIL;
        }
    }
    return rc;
}
