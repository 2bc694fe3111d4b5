/* trace.c — `sockscope trace [-o FILE] -- PROGRAM ARGS...`: run any
 * dynamically linked program with the interposer preloaded, drain what it
 * records, and write a trace with a run per process (docs/trace-any-program.md).
 *
 * sockscope waits for the whole process tree, as `strace -f` does: it is
 * the tree's subreaper, so a child whose parent exits is reparented to it
 * and still waited for. The program stays in the terminal's foreground
 * process group, so Ctrl-C reaches it as it would without sockscope;
 * sockscope takes SIGINT and SIGTERM synchronously, passes on those sent to
 * it alone, and stops waiting at a second one (the trace then holds what
 * was recorded, the runs still running marked so). */
#include "cli/trace.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/base/util.h"
#include "sim/interpose/drain.h"
#include "sim/interpose/ipc.h"
#include "sim/interpose/spawn.h"
#include "sim/interpose/spool.h"
#include "sim/trace/clock.h"

static const char help[] = "usage: sockscope trace [-o FILE] [--no-wait-detect] [--quiet] [--] PROGRAM [ARGS...]\n\n"
                           "Run PROGRAM (any dynamically linked program: your own echo server, nginx,\n"
                           "a Python script) and record its socket calls into a trace, as the built-in\n"
                           "models are recorded: accept, connect, the recv and send families, read and\n"
                           "write on sockets, select, poll, epoll, non-blocking mode, shutdown, close.\n"
                           "Each process (forked children too) is a run of its own; threads keep the\n"
                           "names the program gives them; the I/O model is recognised from the calls.\n"
                           "Then: sockscope stats FILE, sockscope view FILE, sockscope export FILE ...\n\n"
                           "  -o, --output FILE     the trace (default sockscope-trace.sstrace)\n"
                           "  --no-wait-detect      do not measure whether blocking calls really waited\n"
                           "  --verify-waits        check the lazy \"really waited\" rule: read the switch count\n"
                           "                        around every blocking call, flag where the rule would differ\n"
                           "  --ring-events N       events per thread's ring (a power of two, default 8192)\n"
                           "  --quiet               no summary line\n\n"
                           "sockscope waits for PROGRAM and every process it started. Ctrl-C reaches\n"
                           "PROGRAM as usual; a second Ctrl-C stops waiting and writes the trace.\n"
                           "Not recordable: a statically linked program (refused before it runs), and\n"
                           "socket calls made without libc (Go, liburing's inline calls): sockscope then\n"
                           "says that no socket call was recorded and exits 1. See docs/trace-any-program.md.\n"
                           "Exit: 0 recorded (and PROGRAM exited 0, or was stopped by Ctrl-C); 1 PROGRAM\n"
                           "failed or nothing was recorded (the trace is still written when anything was);\n"
                           "2 bad command line; 3 PROGRAM missing, not executable or statically linked;\n"
                           "4 the system refused.\n";

#define MAX_STATUS 4096
typedef struct exit_status {
    pid_t pid;
    int status;
} exit_status;

typedef struct tracer {
    const char *out;
    char **argv;
    char path[PATH_MAX];
    pid_t child;
    int child_status, child_done;
    int stopped_by_user;        /* SIGINT/SIGTERM came while waiting */
    exit_status st[MAX_STATUS]; /* of the processes we reaped */
    int nst;
    char platform[160];
    int detect_waits; /* 0 off, 1 the lazy rule, 2 verify it */
    uint32_t ring_events;
    ss_spool *spool;
} tracer;

static int fail(int code, const char *msg)
{
    fprintf(stderr, "sockscope: %s\n", msg);
    return code;
}

/* reaps what has exited; 0 when no child (nor orphan of the tree) is left */
static int reap(tracer *t)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == t->child) {
            t->child_status = status;
            t->child_done = 1;
        }
        if (t->nst < MAX_STATUS)
            t->st[t->nst++] = (exit_status){pid, status};
    }
    return !(pid < 0 && errno == ECHILD);
}

static int status_of(const tracer *t, pid_t pid, int *status)
{
    for (int i = t->nst - 1; i >= 0; i--)
        if (t->st[i].pid == pid) {
            *status = t->st[i].status;
            return 1;
        }
    return 0;
}

/* Waits for the tree. Returns when no child is left, or when the user asks
 * twice (the first request is the program's to answer). */
static void wait_tree(tracer *t, ss_drain *d, const sigset_t *stopset, int quiet)
{
    int asked = 0, said = 0;
    for (;;) {
        if (!reap(t))
            return;
        if (t->child_done && !said && !quiet) {
            char st[96];
            ss_describe_status(t->child_status, st, sizeof st);
            fprintf(stderr,
                    "sockscope: %s %s; %d process(es) it started still run: waiting for them "
                    "(Ctrl-C to stop recording)\n",
                    t->argv[0], st, ss_drain_live(d) > 0 ? ss_drain_live(d) : 1);
            said = 1;
        }
        struct timespec slice = {0, 50 * 1000 * 1000};
        siginfo_t si;
        int sig = sigtimedwait(stopset, &si, &slice);
        if (sig != SIGINT && sig != SIGTERM)
            continue;
        t->stopped_by_user = 1;
        if (asked++ || t->child_done)
            return; /* asked again, or only leftovers remain: stop recording */
        /* a signal sent to sockscope alone is passed on; the terminal's
         * Ctrl-C reached the program's process group already */
        if (si.si_code == SI_USER || si.si_code == SI_QUEUE)
            kill(t->child, sig);
    }
}

/* --- what each run says -------------------------------------------------------- */
/* Process i's model; a parent whose forked children served clients is a
 * process-per-client server. */
static const char *observed(ss_drain *d, size_t i, char *detail, size_t n)
{
    ss_observe o = ss_drain_proc_at(d, i)->obs;
    for (size_t k = 0; k < ss_drain_nprocs(d); k++) {
        const ss_drain_proc *c = ss_drain_proc_at(d, k);
        o.io_children += c->parent == (int)i && c->obs.io_threads && !c->obs.accept_threads;
    }
    return ss_observe_model(&o, detail, n);
}

static void describe(void *ud, ss_drain *d, size_t i, ss_spool_run *r)
{
    tracer *t = ud;
    ss_drain_proc *p = ss_drain_proc_at(d, i);
    const char *name = p->exe[0] ? p->exe : p->comm;
    if (p->pid == (uint32_t)t->child && !p->exec_replaced)
        snprintf(r->model, sizeof r->model, "%.63s", name);
    else
        snprintf(r->model, sizeof r->model, "%.40s[%u]", name, p->pid);
    char detail[96];
    const char *model = observed(d, i, detail, sizeof detail);
    snprintf(r->mechanism, sizeof r->mechanism, "%s", model[0] ? model : "no socket calls recorded");
    /* where it was recorded, first, as every run says (docs/trace-format.md) */
    ss_spool_param(r, "platform", "%s", t->platform);
    ss_spool_param(r, "winsock", "none");
    ss_spool_param(r, "waits", "%s", t->detect_waits ? "measured" : "off");
    ss_spool_param(r, "mode", "trace");
    char cmd[96] = "";
    for (int k = 0, used = 0; t->argv[k] && used < (int)sizeof cmd; k++)
        used += snprintf(cmd + used, sizeof cmd - (size_t)used, "%s%s", k ? " " : "", t->argv[k]);
    ss_spool_param(r, "program", "%s", cmd);
    ss_spool_param(r, "pid", "%u", p->pid);
    ss_spool_param(r, "parent_pid", "%u", p->ppid);
    if (p->parent >= 0)
        ss_spool_param(r, "parent_run", "%d", p->parent + 1);
    ss_spool_param(r, "observed", "%s", detail);
    ss_spool_param(r, "recorded_by", "interposer (LD_PRELOAD)");
    uint64_t wall, err;
    int64_t off;
    ss_spool_clock(t->spool, &wall, &off, &err);
    ss_spool_param(r, "clock_realtime_offset_ns", "%lld +- %llu", (long long)off, (unsigned long long)err);

    int status;
    if (p->exec_replaced)
        ss_spool_note(r, "end", "replaced by an exec (the next run with pid %u)", p->pid);
    else if (p->still_running)
        ss_spool_note(r, "end", "still running when recording stopped");
    else if (status_of(t, (pid_t)p->pid, &status)) {
        char st[96];
        ss_describe_status(status, st, sizeof st);
        ss_spool_note(r, "end", "%s", st);
    } else {
        ss_spool_note(r, "end", "exited (its parent took its status)");
    }
    if (!p->cpu_known)
        ss_spool_note(r, "cpu", "its threads' as of their last blocking call: it did not exit normally");
    if (t->detect_waits)
        ss_spool_note(r, "wait_counter", "%s (in the traced program)%s",
                      p->counter_used ? "bpf sched_switch" : "getrusage",
                      t->detect_waits == 2 ? ", verified against getrusage around every call" : "");
    if (t->detect_waits == 2) /* docs/instrumentation.md: the lazy rule, checked */
        ss_spool_note(r, "wait_rule_check", "%llu of %llu blocking calls disagreed (%llu really waited)",
                      (unsigned long long)p->obs.wait_missed, (unsigned long long)p->obs.may_block,
                      (unsigned long long)p->obs.waited);
    if (p->dropped)
        ss_spool_note(r, "dropped", "%llu events: a ring stayed full", (unsigned long long)p->dropped);
    if (p->unrecorded)
        ss_spool_note(r, "unrecorded", "%llu calls by signal handlers that fired too fast for their thread",
                      (unsigned long long)p->unrecorded);
}

static int parse(int argc, char **argv, tracer *t, int *quiet)
{
    static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                       {"no-wait-detect", no_argument, 0, 'W'},
                                       {"verify-waits", no_argument, 0, 'V'},
                                       {"ring-events", required_argument, 0, 'R'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    char err[200];
    long ring;
    int c;
    optind = 1;
    /* '+': options end at the program's name, its own options are its own */
    while ((c = getopt_long(argc, argv, "+o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'o': t->out = optarg; break;
        case 'W': t->detect_waits = 0; break;
        case 'V': t->detect_waits = 2; break;
        case 'R':
            if (ss_parse_long(optarg, 16, 1 << 20, &ring, "--ring-events", err, sizeof err) != 0)
                return fail(SS_EXIT_USAGE, err);
            if (ring & (ring - 1))
                return fail(SS_EXIT_USAGE, "--ring-events must be a power of two (e.g. 8192)");
            t->ring_events = (uint32_t)ring;
            break;
        case 'q': *quiet = 1; break;
        case 'h': fputs(help, stdout); return 0;
        default: return fail(SS_EXIT_USAGE, "see 'sockscope trace --help'");
        }
    }
    if (optind >= argc)
        return fail(SS_EXIT_USAGE, "trace needs a PROGRAM to run: sockscope trace [-o FILE] -- PROGRAM [ARGS...]");
    t->argv = argv + optind;
    return -1;
}

static void platform(char *out, size_t n)
{
    struct utsname u;
    if (uname(&u) != 0) {
        snprintf(out, n, "linux");
        return;
    }
    snprintf(out, n, "%s %s", u.sysname, u.release);
    for (char *c = out; *c && *c != ' '; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
}

/* socket calls the program's processes made; said in one line unless quiet */
static uint64_t summary(ss_drain *d, int quiet, const char *out)
{
    uint64_t calls = 0;
    for (size_t i = 0; i < ss_drain_nprocs(d); i++)
        calls += ss_observe_socket_calls(&ss_drain_proc_at(d, i)->obs);
    if (!quiet && calls) {
        const char *model = observed(d, 0, NULL, 0);
        fprintf(stderr, "sockscope: recorded %llu socket calls in %zu process(es): %s%s; trace written to %s\n",
                (unsigned long long)calls, ss_drain_nprocs(d), model[0] ? model : "no socket calls in the first",
                ss_drain_nprocs(d) > 1 ? " (the first process)" : "", out);
    }
    return calls;
}

int ss_cli_trace(int argc, char **argv)
{
    tracer *t = calloc(1, sizeof *t);
    if (!t)
        return fail(SS_EXIT_ENV, "out of memory");
    t->out = "sockscope-trace.sstrace";
    t->detect_waits = 1;
    int quiet = 0;
    int rc = parse(argc, argv, t, &quiet);
    if (rc >= 0) {
        free(t);
        return rc;
    }
    char err[1024], preload[PATH_MAX];
    rc = ss_program_find(t->argv[0], t->path, sizeof t->path, err, sizeof err);
    if (rc == 0 && ss_preload_path(preload, sizeof preload, err, sizeof err) != 0)
        rc = SS_EXIT_ENV;
    if (rc != 0) {
        free(t);
        return fail(rc, err);
    }
    platform(t->platform, sizeof t->platform);
    ss_clock_init();

    /* SIGINT/SIGTERM: taken synchronously (wait_tree); the mask as it was
     * is what the program gets back (ss_spawn empties it anyway) */
    sigset_t stopset;
    sigemptyset(&stopset);
    sigaddset(&stopset, SIGINT);
    sigaddset(&stopset, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopset, NULL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    ss_ipc ipc;
    ss_ipc_opts io = {.detect_waits = t->detect_waits, .ring_events = t->ring_events};
    if (ss_ipc_create(&ipc, &io, err, sizeof err) != 0) {
        free(t);
        return fail(SS_EXIT_ENV, err);
    }
    t->spool = ss_spool_open(ss_ticks(), err, sizeof err);
    ss_drain_sink sink;
    ss_drain *d = NULL;
    if (t->spool) {
        ss_spool_sink(t->spool, &sink);
        d = ss_drain_start(&ipc, &sink, err, sizeof err);
    }
    ss_spawn_opts so = {t->path, t->argv, preload, ipc.env, 0, -1};
    if (!d || (t->child = ss_spawn(&so, err, sizeof err)) < 0) {
        ss_drain_free(d);
        ss_spool_close(t->spool);
        ss_ipc_destroy(&ipc);
        rc = d ? SS_EXIT_BADINPUT : SS_EXIT_ENV;
        free(t);
        return fail(rc, err);
    }
    wait_tree(t, d, &stopset, quiet);
    ss_drain_stop(d);

    uint32_t images = atomic_load(&ipc.hdr->images);
    uint64_t lost = atomic_load(&ipc.hdr->lost_calls);
    uint64_t calls = summary(d, 1, t->out);
    char st[96] = "still running";
    if (t->child_done)
        ss_describe_status(t->child_status, st, sizeof st);
    if (!calls) {
        /* never an empty success: say what could not be seen */
        if (!images)
            snprintf(err, sizeof err,
                     "no socket calls recorded: %s %s, but the interposer was never loaded into it "
                     "(statically linked, set-user-ID, or LD_PRELOAD cleared?); no trace written",
                     t->argv[0], st);
        else
            snprintf(err, sizeof err,
                     "no socket calls recorded: %s ran (%s) with the interposer loaded, but made no "
                     "socket call through libc (statically linked / raw system calls, as Go and liburing make?); "
                     "no trace written",
                     t->argv[0], st);
        rc = fail(SS_EXIT_FAIL, err);
    } else if (ss_spool_write(t->spool, t->out, d, describe, t, err, sizeof err) != 0) {
        rc = fail(SS_EXIT_FAIL, err);
    } else {
        summary(d, quiet, t->out);
        if (lost)
            fprintf(stderr,
                    "sockscope: warning: %llu calls were not recorded: every ring or process slot was taken "
                    "(docs/trace-any-program.md, limits)\n",
                    (unsigned long long)lost);
        int failed = t->child_done && !(WIFEXITED(t->child_status) && WEXITSTATUS(t->child_status) == 0);
        int stopped = t->child_done && WIFSIGNALED(t->child_status) && t->stopped_by_user &&
                      (WTERMSIG(t->child_status) == SIGINT || WTERMSIG(t->child_status) == SIGTERM);
        if (failed && !stopped) {
            fprintf(stderr, "sockscope: %s %s\n", t->argv[0], st);
            rc = SS_EXIT_FAIL;
        } else {
            rc = SS_EXIT_OK;
        }
    }
    ss_drain_free(d);
    ss_spool_close(t->spool);
    ss_ipc_destroy(&ipc);
    free(t);
    return rc;
}
