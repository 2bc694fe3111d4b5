#include "sim/run/program.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/base/util.h"
#include "sim/interpose/drain.h"
#include "sim/interpose/ipc.h"
#include "sim/interpose/spawn.h"
#include "sim/load/net.h"
#include "sim/trace/clock.h"
#include "sim/trace/codec.h"
#include "sim/trace/recorder.h"

#define READY_TIMEOUT_MS 10000 /* for it to accept a connection */
#define STOP_TIMEOUT_MS 3000   /* for it to end on SIGTERM, before SIGKILL */

struct ss_program {
    char *cmd, *name;
    int index;
    char marker[96]; /* the run's mechanism until the patch */
    char path[PATH_MAX], preload[PATH_MAX];
    ss_kv params[4];
    char offset[64];
    /* while it runs */
    ss_ipc ipc;
    ss_drain *drain;
    FILE *log; /* its stdout and stderr */
    pid_t pid;
    int root_pid;
    /* after it ran */
    int ran;
    char mechanism[160], detail[96];
};

/* --- the command line ------------------------------------------------------ */
char **ss_split_command(const char *cmd, int port, char *err, size_t errlen)
{
    size_t n = strlen(cmd);
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    /* every word fits in the command's length with each {port} grown to 5
     * digits; the pointers fit in one per byte */
    size_t text = n * 2 + 16, ptrs = (n / 2 + 2) * sizeof(char *);
    char **argv = malloc(ptrs + text);
    if (!argv) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *out = (char *)argv + ptrs;
    size_t argc = 0;
    const char *p = cmd;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        argv[argc++] = out;
        char quote = 0;
        for (; *p && (quote || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
            if (quote == '\'' && *p == '\'') {
                quote = 0;
            } else if (quote == '"' && *p == '"') {
                quote = 0;
            } else if (!quote && (*p == '\'' || *p == '"')) {
                quote = *p;
            } else if (*p == '\\' && quote != '\'' && p[1]) {
                *out++ = *++p;
            } else if (strncmp(p, "{port}", 6) == 0) {
                out += sprintf(out, "%s", portstr);
                p += 5;
            } else {
                *out++ = *p;
            }
        }
        if (quote) {
            free(argv);
            snprintf(err, errlen, "unbalanced %c quote in the command '%s'", quote, cmd);
            return NULL;
        }
        *out++ = 0;
    }
    argv[argc] = NULL;
    if (!argc) {
        free(argv);
        snprintf(err, errlen, "--program needs a command, e.g. --program './myserver {port}'");
        return NULL;
    }
    return argv;
}

ss_program *ss_program_new(const char *cmd, const char *name, int index, int *code, char *err, size_t errlen)
{
    *code = SS_EXIT_USAGE;
    if (!strstr(cmd, "{port}")) {
        snprintf(err, errlen,
                 "--program '%s' has no {port}: sockscope picks a free port and puts it where {port} "
                 "is (e.g. --program './myserver {port}')",
                 cmd);
        return NULL;
    }
    char **argv = ss_split_command(cmd, 0, err, errlen);
    if (!argv)
        return NULL;
    ss_program *p = calloc(1, sizeof *p);
    if (!p) {
        free(argv);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *code = ss_program_find(argv[0], p->path, sizeof p->path, err, errlen);
    if (*code == 0 && ss_preload_path(p->preload, sizeof p->preload, err, errlen) != 0)
        *code = SS_EXIT_ENV;
    if (*code == 0 && !name) {
        const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        p->name = strdup(base);
    } else if (*code == 0) {
        p->name = strdup(name);
    }
    free(argv);
    p->cmd = strdup(cmd);
    if (*code != 0 || !p->cmd || !p->name) {
        if (*code == 0) {
            *code = SS_EXIT_ENV;
            snprintf(err, errlen, "out of memory");
        }
        ss_program_free(p);
        return NULL;
    }
    p->index = index;
    snprintf(p->marker, sizeof p->marker, "outside program #%d (its I/O model is observed at the end of the run)",
             index + 1);
    return p;
}

const char *ss_program_name(const ss_program *p) { return p->name; }

void ss_program_free(ss_program *p)
{
    if (!p)
        return;
    free(p->cmd);
    free(p->name);
    free(p);
}

/* --- the drain's sink: the recorder's run ---------------------------------------- */
static void *sink_thread(void *ud, ss_drain_proc *proc, uint32_t tid, const char *name)
{
    ss_program *p = ud;
    char full[48];
    if ((int)proc->pid == p->root_pid)
        snprintf(full, sizeof full, "%s", name[0] ? name : p->name);
    else /* a forked child's thread: which process it is in */
        snprintf(full, sizeof full, "%.24s (pid %u)", name[0] ? name : p->name, proc->pid);
    return ss_rec_foreign_begin(SS_ROLE_SERVER, tid, full);
}

static void sink_events(void *ud, void *th, const ss_event *ev, size_t n)
{
    (void)ud;
    ss_rec_foreign_push(th, ev, n);
}

static void sink_end(void *ud, void *th, const ss_drain_thread_end *e)
{
    (void)ud;
    ss_rec_foreign_end(th, e->cpu_user_ns, e->cpu_sys_ns, e->dropped);
}

/* --- start and stop --------------------------------------------------------------- */
static int free_port(const char *host, char *err, size_t errlen)
{
    ss_addr a;
    if (ss_addr_parse(host, 0, &a, err, errlen) != 0)
        return -1;
    int fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_storage got;
    socklen_t len = sizeof got;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a.ss, a.len) == 0 &&
        getsockname(fd, (struct sockaddr *)&got, &len) == 0)
        port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
                                               : ((struct sockaddr_in *)&got)->sin_port);
    else
        snprintf(err, errlen, "cannot find a free port on %s: %s", host, strerror(errno));
    if (fd >= 0)
        close(fd);
    return port;
}

/* the last lines it wrote (stdout and stderr), for a message */
static void log_tail(ss_program *p, char *out, size_t n)
{
    out[0] = 0;
    if (!p->log)
        return;
    int fd = fileno(p->log);
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size == 0)
        return;
    char buf[600];
    off_t from = st.st_size > (off_t)sizeof buf - 1 ? st.st_size - (off_t)sizeof buf + 1 : 0;
    ssize_t got = pread(fd, buf, sizeof buf - 1, from);
    if (got <= 0)
        return;
    buf[got] = 0;
    char *start = buf;
    if (from > 0 && strchr(buf, '\n'))
        start = strchr(buf, '\n') + 1; /* whole lines only */
    size_t len = strlen(start);
    while (len && start[len - 1] == '\n')
        start[--len] = 0;
    snprintf(out, n, "%s", start);
}

static int connects(const char *host, int port)
{
    ss_addr a;
    char err[128];
    if (ss_addr_parse(host, port, &a, err, sizeof err) != 0)
        return 0;
    int fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a.ss, a.len) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void nap_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* the program is gone or going: its pid reaped (status), then the drain's last pass */
static void finish(ss_program *p)
{
    ss_drain_stop(p->drain);
    ss_observe total = {0};
    for (size_t i = 0; i < ss_drain_nprocs(p->drain); i++)
        ss_observe_add(&total, &ss_drain_proc_at(p->drain, i)->obs);
    const char *model = ss_observe_model(&total, p->detail, sizeof p->detail);
    snprintf(p->mechanism, sizeof p->mechanism, "%s", model[0] ? model : "no socket calls recorded");
    ss_run_note("observed", p->detail);
    int counted = 0;
    for (size_t i = 0; i < ss_drain_nprocs(p->drain); i++)
        counted |= ss_drain_proc_at(p->drain, i)->counter_used;
    if (ss_rec_wait_detection())
        ss_run_note("wait_counter_program",
                    counted ? "bpf sched_switch (in the traced program)" : "getrusage (in the traced program)");
    uint64_t lost = atomic_load(&p->ipc.hdr->lost_calls);
    if (lost) {
        char note[96];
        snprintf(note, sizeof note, "%llu calls: every ring or process slot was taken", (unsigned long long)lost);
        ss_run_note("unrecorded", note);
    }
    ss_drain_free(p->drain);
    p->drain = NULL;
    ss_ipc_destroy(&p->ipc);
    p->ran = 1;
}

static int program_start(void *ud, const char *host, int *port_out, char *err, size_t errlen)
{
    ss_program *p = ud;
    int port = free_port(host, err, errlen);
    if (port < 0)
        return SS_EXIT_ENV;
    char **argv = ss_split_command(p->cmd, port, err, errlen);
    if (!argv)
        return SS_EXIT_USAGE;
    ss_ipc_opts io = {.detect_waits = ss_rec_wait_detection()};
    ss_drain_sink sink = {p, NULL, sink_thread, sink_events, NULL, sink_end, NULL, NULL};
    if (ss_ipc_create(&p->ipc, &io, err, errlen) != 0) {
        free(argv);
        return SS_EXIT_ENV;
    }
    p->log = tmpfile();
    /* a child the program forked and left behind is reparented to us, and
     * reaped at the stop (not left a zombie in its process group) */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    p->drain = ss_drain_start(&p->ipc, &sink, err, errlen);
    ss_spawn_opts so = {p->path, argv, p->preload, p->ipc.env, 1, p->log ? fileno(p->log) : -1};
    p->pid = p->drain ? ss_spawn(&so, err, errlen) : -1;
    free(argv);
    if (p->pid < 0) {
        ss_drain_free(p->drain);
        p->drain = NULL;
        ss_ipc_destroy(&p->ipc);
        return SS_EXIT_ENV;
    }
    p->root_pid = p->pid;
    /* polled every millisecond: the run's time (and so its requests/s)
     * includes the server's start, as it does a built-in model's */
    for (int waited = 0;; waited++) {
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            char st[96], tail[400];
            ss_describe_status(status, st, sizeof st);
            log_tail(p, tail, sizeof tail);
            snprintf(err, errlen, "%s (%s) %s before it accepted a connection on port %d%s%s", p->name, p->cmd, st,
                     port, tail[0] ? "; its last output:\n" : " (it wrote nothing)", tail);
            p->pid = -1;
            finish(p);
            return SS_EXIT_FAIL;
        }
        if (connects(host, port))
            break;
        if (waited >= READY_TIMEOUT_MS) { /* (a millisecond per try, at least) */
            snprintf(err, errlen,
                     "%s (%s) did not accept a connection on port %d within %d s (does it listen on "
                     "{port}, on %s?)",
                     p->name, p->cmd, port, READY_TIMEOUT_MS / 1000, host);
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
            p->pid = -1;
            finish(p);
            return SS_EXIT_FAIL;
        }
        nap_ms(1);
    }
    char note[32];
    snprintf(note, sizeof note, "%d", (int)p->pid);
    ss_run_note("program_pid", note);
    *port_out = port;
    return SS_EXIT_OK;
}

static int program_stop(void *ud, char *err, size_t errlen)
{
    ss_program *p = ud;
    int status = 0, rc = 0;
    char st[96], note[160];
    if (waitpid(p->pid, &status, WNOHANG) == p->pid) { /* it died under the workload */
        char tail[400];
        ss_describe_status(status, st, sizeof st);
        log_tail(p, tail, sizeof tail);
        snprintf(err, errlen, "%s (%s) %s before it was asked to stop%s%s", p->name, p->cmd, st,
                 tail[0] ? "; its last output:\n" : " (it wrote nothing)", tail);
        snprintf(note, sizeof note, "%s before it was asked to stop", st);
        rc = -1;
    } else {
        kill(-p->pid, SIGTERM); /* its process group: forked children too */
        int waited = 0, done = 0;
        for (; waited < STOP_TIMEOUT_MS; waited++) { /* polled every millisecond, as the start is */
            if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
                done = 1;
                break;
            }
            nap_ms(1);
        }
        if (!done) {
            kill(-p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
        }
        ss_describe_status(status, st, sizeof st);
        snprintf(note, sizeof note, "%s %s", done ? "stopped by SIGTERM:" : "ignored SIGTERM for 3 s, then", st);
        /* its children still in the group: orphans now, ours to reap (we
         * are the subreaper), so none lingers as a zombie */
        for (; waited < STOP_TIMEOUT_MS && kill(-p->pid, 0) == 0; waited++) {
            while (waitpid(-p->pid, NULL, WNOHANG) > 0)
                ;
            nap_ms(1);
        }
        kill(-p->pid, SIGKILL);
        while (waitpid(-p->pid, NULL, WNOHANG) > 0)
            ;
    }
    ss_run_note("program_end", note);
    p->pid = -1;
    finish(p);
    if (p->log)
        fclose(p->log);
    p->log = NULL;
    return rc;
}

int ss_program_run(ss_program *p, const ss_model_opts *mo, const ss_workload_opts *w, ss_run_progress *pg,
                   ss_workload_result *res, char *err, size_t errlen)
{
    /* what a later merge of traces from several hosts needs: the offset of
     * real time to the monotonic clock, read between two monotonic reads */
    uint64_t m0 = ss_mono_ns(), wall = ss_wall_ns(), m1 = ss_mono_ns();
    snprintf(p->offset, sizeof p->offset, "%lld +- %llu", (long long)(wall - (m0 + (m1 - m0) / 2)),
             (unsigned long long)((m1 - m0) / 2));
    p->params[0] = (ss_kv){"program", p->cmd};
    p->params[1] = (ss_kv){"recorded_by", "interposer (LD_PRELOAD)"};
    p->params[2] = (ss_kv){"clock_realtime_offset_ns", p->offset};
    ss_run_target t = {p->name, p->marker, NULL, p->params, 3, p, program_start, program_stop};
    int rc = ss_run_target_one(&t, mo, w, pg, res, err, errlen);
    if (p->log) { /* it never got to stop (a relay failed) */
        fclose(p->log);
        p->log = NULL;
    }
    return rc;
}

/* --- the patch: the observed model into the run's RUNB ------------------------------ */
static int copy_chunk(FILE *in, FILE *out, const ss_program *const *progs, int n, int *patched)
{
    uint8_t head[SS_CHUNK_HEADER_SIZE];
    size_t got = fread(head, 1, sizeof head, in);
    if (got == 0)
        return 0;
    if (got != sizeof head)
        return -1;
    uint32_t type = (uint32_t)head[0] | (uint32_t)head[1] << 8 | (uint32_t)head[2] << 16 | (uint32_t)head[3] << 24;
    uint32_t len = (uint32_t)head[4] | (uint32_t)head[5] << 8 | (uint32_t)head[6] << 16 | (uint32_t)head[7] << 24;
    if (len > SS_CHUNK_MAX_PAYLOAD)
        return -1;
    uint8_t *pay = malloc(len ? len : 1);
    if (!pay || fread(pay, 1, len, in) != len) {
        free(pay);
        return -1;
    }
    const ss_program *match = NULL;
    ss_buf b = {0};
    if (type == SS_CHUNK_RUN_BEGIN) {
        ss_cur c = {pay, pay + len, 0};
        uint64_t id = ss_get_uv(&c);
        char model[64], mech[512], clock[96];
        ss_get_str(&c, model, sizeof model);
        ss_get_str(&c, mech, sizeof mech);
        ss_get_str(&c, clock, sizeof clock);
        uint64_t wall = ss_get_uv(&c);
        (void)ss_get_uv(&c); /* pid: sockscope's, becomes the program's */
        for (int i = 0; i < n && !c.bad; i++)
            if (progs[i]->ran && strcmp(mech, progs[i]->marker) == 0)
                match = progs[i];
        if (match) {
            ss_chunk_begin(&b, type);
            ss_put_uv(&b, id);
            ss_put_str(&b, model);
            ss_put_str(&b, match->mechanism);
            ss_put_str(&b, clock);
            ss_put_uv(&b, wall);
            ss_put_uv(&b, (uint64_t)match->root_pid);
            ss_put_bytes(&b, c.p, (size_t)(c.end - c.p)); /* the parameters, as they were */
            ss_chunk_seal(&b);
            (*patched)++;
        }
    }
    int ok = match ? !b.oom && fwrite(b.p, 1, b.len, out) == b.len
                   : fwrite(head, 1, sizeof head, out) == sizeof head && fwrite(pay, 1, len, out) == len;
    ss_buf_free(&b);
    free(pay);
    return ok ? 1 : -1;
}

int ss_program_patch_trace(const char *trace, ss_program *const *progs, int n, char *err, size_t errlen)
{
    FILE *in = fopen(trace, "rb");
    if (!in) {
        snprintf(err, errlen, "cannot reopen '%s' to name the programs' I/O models: %s", trace, strerror(errno));
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.partial-XXXXXX", trace);
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    uint8_t hdr[SS_FILE_HEADER_SIZE];
    int ok = out && fread(hdr, 1, sizeof hdr, in) == sizeof hdr && fwrite(hdr, 1, sizeof hdr, out) == sizeof hdr;
    int r = 1, patched = 0;
    while (ok && (r = copy_chunk(in, out, (const ss_program *const *)progs, n, &patched)) > 0)
        ;
    ok = ok && r == 0;
    struct stat st;
    if (ok && fstat(fileno(in), &st) == 0)
        (void)fchmod(fd, st.st_mode & 0777);
    fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    else if (!out && fd >= 0)
        close(fd);
    if (!ok || rename(tmp, trace) != 0) {
        snprintf(err, errlen, "cannot name the programs' I/O models in '%s': %s", trace,
                 ok ? strerror(errno) : "it could not be copied");
        if (fd >= 0)
            unlink(tmp);
        return -1;
    }
    return 0;
}
