/* bench_interpose.c — what tracing a program from outside costs
 * (docs/trace-any-program.md), measured in the same run as the built-in
 * probe's figures (bench.c), never a pass/fail:
 *  1. ns per recorded call in the interposer (libsockscope-preload.so,
 *     loaded here with dlopen and recording into a shared-memory ring that a
 *     drain empties, as under `sockscope trace`), measured as the built-in
 *     probe is: enter + exit + ring, no real call; and both around a real
 *     call (a recv that finds nothing), against the bare call;
 *  2. the throughput of an outside epoll echo server (tests/progs/epoll_server)
 *     untraced and under `sockscope trace`, alternating rounds, median ratio;
 *     the clients are sockscope's, in this process, unrecorded. */
#include "bench/bench_interpose.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/median.h"
#include "sim/interpose/drain.h"
#include "sim/interpose/ipc.h"
#include "sim/interpose/spawn.h"
#include "sim/load/net.h"
#include "sim/load/workload.h"
#include "sim/probe/probe.h"
#include "sim/trace/clock.h"

/* --- 1. per call ----------------------------------------------------------- */
static int dummy;
static void *null_thread(void *ud, ss_drain_proc *p, uint32_t tid, const char *name)
{
    (void)ud, (void)p, (void)tid, (void)name;
    return &dummy;
}
static void null_events(void *ud, void *th, const ss_event *ev, size_t n) { (void)ud, (void)th, (void)ev, (void)n; }
static void null_end(void *ud, void *th, const ss_drain_thread_end *e) { (void)ud, (void)th, (void)e; }

#define BATCH 1000
#define BATCHES 600

/* ns per recorded call, no real call: median over batches, a 1 ms pause
 * between them for the drain to empty the ring (bench.c's way) */
static double rec_cost(void (*rec)(long))
{
    static double v[BATCHES];
    struct timespec pause = {0, 1000 * 1000};
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = ss_mono_ns();
        rec(BATCH);
        v[b] = (double)(ss_mono_ns() - t0) / BATCH;
        nanosleep(&pause, NULL);
    }
    return median(v, BATCHES);
}

/* A real call (a recv that finds nothing) bare, through the built-in probe
 * and through the interposer, the three interleaved batch by batch so that
 * a busy machine slows them alike; medians. */
static void real_call(ssize_t (*pl_recv)(int, void *, size_t, int), int fd, double out[3])
{
    static double v[3][BATCHES / 2];
    struct timespec pause = {0, 1000 * 1000};
    char buf[16];
    for (int b = 0; b < BATCHES / 2; b++) {
        for (int k = 0; k < 3; k++) {
            uint64_t t0 = ss_mono_ns();
            for (int i = 0; i < BATCH / 4; i++) {
                if (k == 0)
                    (void)recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                else if (k == 1)
                    (void)ss_recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                else
                    (void)pl_recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            }
            v[k][b] = (double)(ss_mono_ns() - t0) / (BATCH / 4);
        }
        nanosleep(&pause, NULL);
    }
    for (int k = 0; k < 3; k++)
        out[k] = median(v[k], BATCHES / 2);
}

int ss_bench_interposer(ss_bench_pl *o)
{
    char err[256], path[PATH_MAX];
    memset(o, 0, sizeof *o);
    if (ss_preload_path(path, sizeof path, err, sizeof err) != 0) {
        snprintf(o->why, sizeof o->why, "%s", err);
        return -1;
    }
    ss_ipc ipc;
    ss_ipc_opts io = {.detect_waits = 1};
    if (ss_ipc_create(&ipc, &io, err, sizeof err) != 0) {
        snprintf(o->why, sizeof o->why, "%s", err);
        return -1;
    }
    ss_drain_sink sink = {NULL, NULL, null_thread, null_events, NULL, null_end, NULL, NULL};
    ss_drain *d = ss_drain_start(&ipc, &sink, err, sizeof err);
    /* the library maps the region named in its environment when it loads */
    putenv(ipc.env);
    void *h = d ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
    void (*rec)(long) = h ? (void (*)(long))dlsym(h, "sockscope_preload_bench") : NULL;
    ssize_t (*pl_recv)(int, void *, size_t, int) = h ? (ssize_t(*)(int, void *, size_t, int))dlsym(h, "recv") : NULL;
    int sv[2] = {-1, -1};
    int rc = -1;
    if (!rec || !pl_recv || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        snprintf(o->why, sizeof o->why, "cannot load %.200s: %.80s", path, h ? "symbols missing" : dlerror());
    } else {
        o->rec_ns = rec_cost(rec);
        real_call(pl_recv, sv[0], o->real);
        rc = 0;
    }
    ss_drain_stop(d);
    for (size_t i = 0; d && i < ss_drain_nprocs(d); i++)
        o->dropped += ss_drain_proc_at(d, i)->dropped;
    if (sv[0] >= 0) {
        close(sv[0]);
        close(sv[1]);
    }
    ss_drain_free(d);
    ss_ipc_destroy(&ipc);
    return rc;
}

void ss_bench_interposer_print(const ss_bench_pl *o, double probe_ns)
{
    printf("  interposer, recorded (enter+exit+ring) %5.1f ns   (LD_PRELOAD library, shared-memory ring: %.2f x the "
           "probe; dropped %llu)\n",
           o->rec_ns, probe_ns > 0 ? o->rec_ns / probe_ns : 0, o->dropped);
    printf(
        "  a real call (recv finding nothing) %6.1f ns: %+.1f ns recorded by the probe, %+.1f ns by the interposer\n",
        o->real[0], o->real[1] - o->real[0], o->real[2] - o->real[0]);
}

/* --- 2. an outside epoll server, traced vs untraced -------------------------- */
static void nap_ms(int ms)
{
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

static int free_port(void)
{
    ss_addr a;
    char err[64];
    ss_addr_parse("127.0.0.1", 0, &a, err, sizeof err);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    socklen_t len = a.len;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a.ss, a.len) == 0 &&
        getsockname(fd, (struct sockaddr *)&a.ss, &len) == 0)
        port = ntohs(((struct sockaddr_in *)&a.ss)->sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int connects(int port)
{
    ss_addr a;
    char err[64];
    ss_addr_parse("127.0.0.1", port, &a, err, sizeof err);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a.ss, a.len) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* one round: the server alone or under `sockscope trace`; requests/s over
 * the clients' echo phase */
/* one round: requests/s over the clients' echo phase; *cpu_us gets the CPU
 * per request of what ran (the server, or sockscope with the server it
 * traced and reaped: wait4's rusage counts both) */
static double round_rps(const char *server, const char *sockscope, const char *trace, int waits, int port, int clients,
                        int messages, double *cpu_us)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    char *plain[] = {(char *)server, portstr, NULL};
    char *traced[10];
    int k = 0;
    traced[k++] = (char *)sockscope;
    traced[k++] = "trace";
    traced[k++] = "-q";
    traced[k++] = "-o";
    traced[k++] = (char *)trace;
    if (!waits)
        traced[k++] = "--no-wait-detect";
    traced[k++] = "--";
    traced[k++] = (char *)server;
    traced[k++] = portstr;
    traced[k] = NULL;
    char **argv = trace ? traced : plain;
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < 500 && !connects(port); i++)
        nap_ms(10);
    ss_workload_opts w = {.host = "127.0.0.1", .port = port, .clients = clients, .messages = messages, .size = 512};
    ss_workload_result res;
    int rc = ss_workload_run(&w, &res, NULL, NULL);
    kill(pid, SIGTERM); /* sockscope passes it on, then writes the trace */
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    double cpu =
        (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    *cpu_us = res.requests_ok > 0 ? cpu / (double)res.requests_ok : 0;
    return rc == 0 && res.seconds > 0 ? (double)res.requests_ok / res.seconds : 0;
}

void ss_bench_outside(int rounds, int clients, int messages)
{
    char self[PATH_MAX], server[PATH_MAX], sockscope[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return;
    self[n] = 0;
    *strrchr(self, '/') = 0;
    snprintf(server, sizeof server, "%.4000s/tests/progs/epoll_server", self);
    snprintf(sockscope, sizeof sockscope, "%.4000s/sockscope", self);
    printf("\nan outside epoll echo server (tests/progs/epoll_server), untraced and under 'sockscope trace',\n"
           "%d clients x %d messages x 512 B, %d alternating rounds, medians:\n",
           clients, messages, rounds);
    if (access(server, X_OK) != 0) {
        printf("  (not built: %s; build the tests)\n", server);
        return;
    }
    char trace[] = "/tmp/sockscope-bench-outside-XXXXXX";
    int fd = mkstemp(trace);
    if (fd < 0)
        return;
    close(fd);
    double rps[3][SS_BENCH_MAX_ROUNDS], cpu[3][SS_BENCH_MAX_ROUNDS], ratio[SS_BENCH_MAX_ROUNDS],
        nwratio[SS_BENCH_MAX_ROUNDS];
    for (int r = 0; r < rounds && r < SS_BENCH_MAX_ROUNDS; r++) {
        /* the order turns each round: no setting always runs first */
        for (int k = 0; k < 3; k++) {
            int which = (k + r) % 3; /* 0 untraced, 1 traced, 2 traced without wait detection */
            rps[which][r] = round_rps(server, sockscope, which ? trace : NULL, which == 1, free_port(), clients,
                                      messages, &cpu[which][r]);
        }
        ratio[r] = rps[0][r] > 0 ? rps[1][r] / rps[0][r] : 0;
        nwratio[r] = rps[0][r] > 0 ? rps[2][r] / rps[0][r] : 0;
    }
    struct stat st;
    stat(trace, &st);
    printf("  %-18s %12s %12s %8s %14s %8s\n", "server", "untraced/s", "traced/s", "ratio", "no-waits/s", "ratio");
    printf("  %-18s %12.0f %12.0f %8.3f %14.0f %8.3f   (a trace: %.1f MiB)\n", "epoll_server", median(rps[0], rounds),
           median(rps[1], rounds), median(ratio, rounds), median(rps[2], rounds), median(nwratio, rounds),
           st.st_size / 1048576.0);
    /* CPU per request is steadier than requests/s on a shared machine: it
     * does not depend on who else got the cores */
    double c0 = median(cpu[0], rounds), c1 = median(cpu[1], rounds), c2 = median(cpu[2], rounds);
    printf("  CPU per request: %.2f us untraced; traced %.2f us (x%.3f), without wait detection %.2f us (x%.3f)\n"
           "  (traced: the server and sockscope's drain and trace writer together)\n",
           c0, c1, c0 > 0 ? c1 / c0 : 0, c2, c0 > 0 ? c2 / c0 : 0);
    unlink(trace);
}
