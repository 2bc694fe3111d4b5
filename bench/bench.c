/* sockscope-bench — what instrumentation costs, measured side by side in one
 * run on this machine (never a pass/fail test):
 *  1. ns per recorded call: probe enter + exit + record into the ring, the
 *     median over batches, beside the same probe with recording off and the
 *     floor of two clock reads;
 *  2. echo throughput traced vs untraced for every available model on the
 *     same workload, alternating rounds, median ratio; also traced with the
 *     wait detection off (--no-wait-detect), which is most of the cost for
 *     models whose every call blocks. Clients run in the same process and
 *     are traced too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench_interpose.h"
#include "bench/median.h"
#include "sim/report/export.h"
#include "sim/report/stats.h"

#include "models/model.h"
#include "sim/probe/probe.h"
#include "sim/probe/probe_int.h"
#include "sim/run/runner.h"
#include "sim/trace/clock.h"
#include "sim/trace/recorder.h"
#include "sim/trace/switchcount.h"

#define BATCH 1000
#define BATCHES 600

typedef enum { FLOOR, PROBE, NVCSW, SWITCHES } what;

/* ns per iteration of `w`, median over batches; a 1 ms pause between
 * batches lets the writer drain, as it would between real calls */
static double per_call(what w)
{
    static double v[BATCHES];
    struct timespec pause = {0, 1000 * 1000};
    volatile uint64_t sink = 0;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t t0 = ss_mono_ns();
        for (int i = 0; i < BATCH; i++) {
            if (w == FLOOR) {
                sink += ss_ticks();
                sink += ss_ticks();
            } else if (w == NVCSW) { /* what one "really waited" reading costs */
                sink += (uint64_t)ss_sw_read_rusage();
            } else if (w == SWITCHES) {
                sink += (uint64_t)ss_sw_read();
            } else {
                ss_probe p;
                ss_probe_enter(&p, 0);
                ss_probe_exit(&p, SS_API_RECV, 5, 512, 512, 0, SS_EV_KERNEL, 0, 0);
            }
        }
        v[b] = (double)(ss_mono_ns() - t0) / BATCH;
        nanosleep(&pause, NULL);
    }
    (void)sink;
    return median(v, BATCHES);
}

static void bench_probe(const char *trace)
{
    char err[256];
    double floor_ns = per_call(FLOOR), off_ns = per_call(PROBE), nvcsw_ns = per_call(NVCSW);
    ss_rec_opts ro = {1 << 16, 1, 0};
    if (ss_rec_open(trace, &ro, err, sizeof err) != 0) {
        fprintf(stderr, "sockscope-bench: %s\n", err);
        exit(1);
    }
    ss_run_info info = {"bench", "probe cost", NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "bench");
    double on_ns = per_call(PROBE);
    uint64_t dropped = ss_rec_dropped();
    ss_bench_pl pl; /* the interposer, measured while the probes record too (bench_interpose.c) */
    int pl_ok = ss_bench_interposer(&pl);
    ss_run_end();
    ss_rec_close(err, sizeof err);
    printf("probe cost (median of %d batches of %d):\n", BATCHES, BATCH);
    printf("  two clock reads (floor)           %6.1f ns   [%s]\n", floor_ns, ss_clock_name());
    printf("  probe, recording off              %6.1f ns\n", off_ns);
    printf("  probe, recorded (enter+exit+ring) %6.1f ns   (dropped %llu)\n", on_ns, (unsigned long long)dropped);
    if (pl_ok == 0) /* the same, in a program traced from outside (docs/trace-any-program.md) */
        ss_bench_interposer_print(&pl, on_ns);
    printf("  one wait reading (getrusage)      %6.1f ns   (after long blocking calls)\n", nvcsw_ns);
    if (ss_sw_attach()) {
        double bpf_ns = per_call(SWITCHES);
        printf("  one wait reading (bpf counter)    %6.1f ns   (used: root may load BPF)\n", bpf_ns);
        ss_sw_detach();
    } else {
        printf("  (no BPF switch counter here: not root? every reading is a getrusage)\n");
    }
}

static double run_rps(const ss_model *m, const ss_workload_opts *w, const char *trace, int detect_waits)
{
    char err[256];
    ss_rec_opts ro = {0, detect_waits, 0};
    if (trace && ss_rec_open(trace, &ro, err, sizeof err) != 0) {
        fprintf(stderr, "sockscope-bench: %s\n", err);
        exit(1);
    }
    ss_model_opts mo = {0};
    ss_workload_result res;
    int rc = ss_run_one(m, &mo, w, NULL, &res, err, sizeof err);
    /* the echo phase (first message to last reply), timed by the clients:
     * server start and stop, poll-paced in 10 ms steps, would be noise */
    double secs = res.seconds;
    if (trace)
        ss_rec_close(err, sizeof err);
    if (rc != 0 || secs <= 0) {
        fprintf(stderr, "sockscope-bench: %s: %s\n", m->name, rc ? err : "no echo phase measured");
        return 0;
    }
    return (double)res.requests_ok / secs;
}

static void bench_models(const char *trace, int rounds, int clients, int messages, const char *only)
{
    ss_workload_opts w = {.host = "127.0.0.1", .clients = clients, .messages = messages, .size = 512};
    printf("\necho throughput, %d clients x %d messages x 512 B, %d alternating rounds, medians:\n", clients,
           messages, rounds);
    printf("  %-18s %12s %12s %8s %14s %8s\n", "model", "untraced/s", "traced/s", "ratio", "no-waits/s", "ratio");
    size_t n;
    const ss_model *const *ms = ss_models(&n);
    for (size_t i = 0; i < n; i++) {
        char why[200];
        if (!ss_model_available(ms[i], why, sizeof why) || (only && strcmp(only, ms[i]->name) != 0))
            continue;
        double off[SS_BENCH_MAX_ROUNDS], on[SS_BENCH_MAX_ROUNDS], ratio[SS_BENCH_MAX_ROUNDS], nw[SS_BENCH_MAX_ROUNDS],
            nwratio[SS_BENCH_MAX_ROUNDS];
        for (int r = 0; r < rounds; r++) {
            off[r] = run_rps(ms[i], &w, NULL, 0);
            on[r] = run_rps(ms[i], &w, trace, 1);
            nw[r] = run_rps(ms[i], &w, trace, 0);
            ratio[r] = off[r] > 0 ? on[r] / off[r] : 0;
            nwratio[r] = off[r] > 0 ? nw[r] / off[r] : 0;
        }
        printf("  %-18s %12.0f %12.0f %8.3f %14.0f %8.3f\n", ms[i]->name, median(off, rounds), median(on, rounds),
               median(ratio, rounds), median(nw, rounds), median(nwratio, rounds));
        fflush(stdout);
    }
}

/* --- 3. streaming: reader memory does not grow with the file -------------- */
static void record_events(const char *path, long n)
{
    char err[256];
    ss_rec_opts ro = {1 << 16, 0, 0};
    ss_rec_open(path, &ro, err, sizeof err);
    ss_run_info info = {"synthetic", "bench", NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "emitter");
    struct timespec pause = {0, 2 * 1000 * 1000};
    for (long i = 0; i < n; i++) {
        uint64_t t = ss_ticks();
        ss_note(SS_API_RECV, (int)(i & 1023), 512, 512, 0, 0, SS_EV_KERNEL, t, t + 300);
        if (i % 20000 == 19999)
            nanosleep(&pause, NULL); /* let the writer keep up: no drops */
    }
    ss_run_end();
    ss_rec_close(err, sizeof err);
}

/* peak RSS (KiB) of `sockscope stats` (0) or `sockscope export` (1), the
 * binary beside this one, run as a fresh process */
static long child_rss(const char *path, int export)
{
    static char bin[4096];
    if (!bin[0]) {
        ssize_t n = readlink("/proc/self/exe", bin, sizeof bin - 16);
        if (n <= 0)
            return -1;
        bin[n] = 0;
        char *slash = strrchr(bin, '/');
        strcpy(slash ? slash + 1 : bin, "sockscope");
    }
    /* posix_spawn, not fork: a forked copy of this process would count in
     * the child's peak RSS */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv_stats[] = {bin, "stats", (char *)path, NULL};
    char *argv_export[] = {bin, "export", (char *)path, "--format", "chrome", "-o", "-", NULL};
    pid_t pid;
    if (posix_spawn(&pid, bin, &fa, NULL, export ? argv_export : argv_stats, NULL) != 0)
        return -1;
    posix_spawn_file_actions_destroy(&fa);
    /* The child's own peak (VmHWM of its address space), sampled until it
     * exits: getrusage's ru_maxrss would also count the address space it
     * was spawned from. */
    long hwm = -1;
    char status_path[64], line[256];
    snprintf(status_path, sizeof status_path, "/proc/%d/status", (int)pid);
    for (;;) {
        FILE *f = fopen(status_path, "r");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "VmHWM:", 6) == 0)
                hwm = atol(line + 6);
        if (f)
            fclose(f);
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return hwm;
        struct timespec nap = {0, 1000 * 1000};
        nanosleep(&nap, NULL);
    }
}

static void bench_streaming(const char *trace)
{
    printf("\nreader memory (peak RSS of a process that reads the whole trace):\n");
    printf("  %12s %10s %12s %12s\n", "events", "file MiB", "stats KiB", "export KiB");
    const long sizes[] = {100000, 4000000};
    for (int i = 0; i < 2; i++) {
        record_events(trace, sizes[i]);
        struct stat sb;
        stat(trace, &sb);
        printf("  %12ld %10.1f %12ld %12ld\n", sizes[i], sb.st_size / 1048576.0, child_rss(trace, 0),
               child_rss(trace, 1));
    }
}

int main(int argc, char **argv)
{
    int rounds = 5, clients = 16, messages = 2000, only_models = 0, only_outside = 0, only_probe = 0;
    const char *model = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            rounds = 3;
            messages = 300;
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc && ss_model_find(argv[i + 1])) {
            model = argv[++i];
            only_models = 1;
        } else if (strcmp(argv[i], "--outside") == 0) {
            only_outside = 1;
        } else if (strcmp(argv[i], "--probe") == 0) {
            only_probe = 1;
        } else if (strcmp(argv[i], "--messages") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 10) {
            messages = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
                   atoi(argv[i + 1]) <= SS_BENCH_MAX_ROUNDS) {
            rounds = atoi(argv[++i]);
        } else {
            if (strcmp(argv[i], "--help") != 0)
                fprintf(stderr, "sockscope-bench: %s%s%s: %s\n", argv[i], i + 1 < argc ? " " : "",
                        i + 1 < argc ? argv[i + 1] : "",
                        strcmp(argv[i], "--model") == 0 ? "no such model here (see 'sockscope models')"
                                                         : "unknown option or bad value");
            printf("usage: sockscope-bench [--quick] [--model M | --outside | --probe] [--rounds 1..64]\n"
                   "                       [--messages N]\n"
                   "  --model M     only the throughput of model M (skips the probe and reader parts)\n"
                   "  --outside     only the outside epoll server, untraced and under 'sockscope trace'\n"
                   "  --probe       only the cost of a recorded call: the built-in probe and the interposer\n"
                   "  --rounds N    alternating rounds per model, medians (default 5)\n"
                   "  --messages N  per client, 16 clients (default 2000): longer runs, less noise\n");
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    char trace[] = "/tmp/sockscope-bench-XXXXXX";
    int fd = mkstemp(trace);
    if (fd < 0)
        return 1;
    close(fd);
    ss_clock_init();
    if (only_outside) {
        ss_bench_outside(rounds, clients, messages);
        unlink(trace);
        return 0;
    }
    if (!only_models)
        bench_probe(trace);
    if (only_probe) {
        unlink(trace);
        return 0;
    }
    bench_models(trace, rounds, clients, messages, model);
    if (!only_models) {
        ss_bench_outside(rounds, clients, messages);
        bench_streaming(trace);
    }
    unlink(trace);
    return 0;
}
