#include "sim/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "models/model.h"
#include "sim/export.h"
#include "sim/net.h"
#include "sim/recorder.h"
#include "sim/runner.h"
#include "sim/server.h"
#include "sim/stats.h"
#include "sim/stopsig.h"
#include "sim/util.h"

#define ERRLEN 512

static int fail(int code, const char *fmt, const char *msg)
{
    fprintf(stderr, "sockscope: ");
    fprintf(stderr, fmt, msg);
    fputc('\n', stderr);
    return code;
}

/* --- model options shared by serve and run ------------------------------- */
enum { OPT_FD_SETSIZE = 1000, OPT_ET, OPT_SQPOLL, OPT_WORKERS, OPT_CPU_US, OPT_RCVBUF, OPT_SNDBUF,
       OPT_NO_WAIT, OPT_THINK, OPT_JSON, OPT_BIND, OPT_DURATION };

#define MODEL_LONGOPTS                                                                               \
    {"fd-setsize", required_argument, 0, OPT_FD_SETSIZE}, {"edge-triggered", no_argument, 0, OPT_ET}, \
    {"sqpoll", no_argument, 0, OPT_SQPOLL}, {"workers", required_argument, 0, OPT_WORKERS},           \
    {"cpu-us", required_argument, 0, OPT_CPU_US}, {"rcvbuf", required_argument, 0, OPT_RCVBUF},       \
    {"sndbuf", required_argument, 0, OPT_SNDBUF}, {"no-wait-detect", no_argument, 0, OPT_NO_WAIT},    \
    {"help", no_argument, 0, 'h'}

#define MODEL_HELP                                                                                  \
    "model options:\n"                                                                              \
    "  --fd-setsize N      select: refuse clients beyond N sockets per set (64 = Winsock's)\n"      \
    "  --edge-triggered    epoll: EPOLLET instead of level-triggered\n"                             \
    "  --sqpoll            io_uring: kernel SQ polling thread (fewer transitions)\n"                \
    "  --workers N         completion models: worker threads\n"                                     \
    "  --cpu-us N          server computation per received chunk, in microseconds\n"                \
    "  --rcvbuf N, --sndbuf N  socket buffer sizes for accepted sockets (tiny = partial sends)\n"  \
    "  --no-wait-detect    do not measure whether blocking calls really waited\n"

/* returns 1 if the option was a model option, -1 on a bad value */
static int model_opt(int c, const char *arg, ss_model_opts *mo, ss_rec_opts *ro, char *err)
{
    long v;
    switch (c) {
    case OPT_FD_SETSIZE:
        if (ss_parse_long(arg, 2, 1024, &v, "--fd-setsize", err, ERRLEN)) return -1;
        mo->fd_setsize = (int)v;
        return 1;
    case OPT_ET: mo->edge_triggered = 1; return 1;
    case OPT_SQPOLL: mo->sqpoll = 1; return 1;
    case OPT_WORKERS:
        if (ss_parse_long(arg, 1, 256, &v, "--workers", err, ERRLEN)) return -1;
        mo->workers = (int)v;
        return 1;
    case OPT_CPU_US:
        if (ss_parse_long(arg, 0, 1000000, &v, "--cpu-us", err, ERRLEN)) return -1;
        mo->cpu_work_us = (unsigned)v;
        return 1;
    case OPT_RCVBUF:
    case OPT_SNDBUF:
        if (ss_parse_long(arg, 1, 64 << 20, &v, c == OPT_RCVBUF ? "--rcvbuf" : "--sndbuf", err, ERRLEN)) return -1;
        *(c == OPT_RCVBUF ? &mo->rcvbuf : &mo->sndbuf) = (int)v;
        return 1;
    case OPT_NO_WAIT: ro->detect_waits = 0; return 1;
    default: return 0;
    }
}

static const ss_model *find_model(const char *name, char *err)
{
    const ss_model *m = ss_model_find(name);
    if (!m) {
        char names[300];
        ss_model_names(names, sizeof names);
        snprintf(err, ERRLEN, "unknown model '%s'; valid models: %s (see 'sockscope models')", name, names);
        return NULL;
    }
    char why[200];
    if (!ss_model_available(m, why, sizeof why)) {
        snprintf(err, ERRLEN, "model '%s' is not available on this machine: %s", name, why);
        return NULL;
    }
    return m;
}

/* --- models ---------------------------------------------------------------- */
static int cmd_models(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: sockscope models\n\nList every I/O model: name, family, the real mechanism behind it\n"
               "on this platform, and whether it can run here.\n");
        return 0;
    }
    if (argc > 1)
        return fail(SS_EXIT_USAGE, "models takes no arguments (got '%s')", argv[1]);
    size_t n;
    const ss_model *const *ms = ss_models(&n);
    printf("%-18s %-13s %-10s %s\n", "MODEL", "FAMILY", "AVAILABLE", "MECHANISM ON THIS PLATFORM");
    for (size_t i = 0; i < n; i++) {
        char why[200];
        int ok = ss_model_available(ms[i], why, sizeof why);
        printf("%-18s %-13s %-10s %s\n", ms[i]->name, ms[i]->family == SS_FAMILY_SYNC ? "synchronous" : "asynchronous",
               ok ? "yes" : "no", ms[i]->mechanism);
        if (!ok)
            printf("%-18s %-13s %-10s   (%s)\n", "", "", "", why);
    }
    return 0;
}

/* --- serve ----------------------------------------------------------------- */
static const char serve_help[] =
    "usage: sockscope serve --model M [--port 9000] [--bind 127.0.0.1] [--trace FILE]\n"
    "                       [--duration SECONDS] [model options]\n\n"
    "Run a real TCP echo server under model M (the textbook's: 512-byte buffer,\n"
    "per-socket counters). Test it with 'nc 127.0.0.1 9000'. Stops on Ctrl-C,\n"
    "SIGTERM or when --duration ends, then writes the trace (if --trace).\n\n" MODEL_HELP;

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"model", required_argument, 0, 'm'}, {"port", required_argument, 0, 'p'},
                                       {"bind", required_argument, 0, OPT_BIND}, {"trace", required_argument, 0, 't'},
                                       {"duration", required_argument, 0, OPT_DURATION}, MODEL_LONGOPTS, {0, 0, 0, 0}};
    const char *model = NULL, *bind = "127.0.0.1", *trace = NULL;
    long port = 9000;
    double duration = 0;
    ss_model_opts mo = {0};
    ss_rec_opts ro = {0, 1};
    char err[ERRLEN];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:t:h", lo, NULL)) != -1) {
        int r = model_opt(c, optarg, &mo, &ro, err);
        if (r < 0) return fail(SS_EXIT_USAGE, "%s", err);
        if (r > 0) continue;
        switch (c) {
        case 'm': model = optarg; break;
        case 'p': if (ss_parse_long(optarg, 0, 65535, &port, "--port", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case OPT_BIND: bind = optarg; break;
        case 't': trace = optarg; break;
        case OPT_DURATION: if (ss_parse_double(optarg, 0.001, 1e7, &duration, "--duration", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 'h': fputs(serve_help, stdout); return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope serve --help'");
        }
    }
    if (optind < argc)
        return fail(SS_EXIT_USAGE, "unexpected argument '%s' (see 'sockscope serve --help')", argv[optind]);
    if (!model)
        return fail(SS_EXIT_USAGE, "%s", "serve needs --model M (see 'sockscope models')");
    ss_addr addr;
    if (ss_addr_parse(bind, (int)port, &addr, err, ERRLEN) != 0)
        return fail(SS_EXIT_USAGE, "%s", err);
    const ss_model *m = find_model(model, err);
    if (!m) return fail(ss_model_find(model) ? SS_EXIT_ENV : SS_EXIT_USAGE, "%s", err);

    /* Stop requests (SIGINT/SIGTERM, Ctrl-C) are taken synchronously by this
     * thread (sim/stopsig.h), so the stop path can record its calls. */
    ss_stopsig_init();
    if (trace && ss_rec_open(trace, &ro, err, ERRLEN) != 0)
        return fail(SS_EXIT_ENV, "%s", err);
    char dur[32];
    snprintf(dur, sizeof dur, "%g", duration);
    ss_kv params[] = {{"mode", "serve"}, {"bind", bind}, {"duration_s", dur}};
    ss_run_info info = {m->name, m->mechanism, params, 3};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "main");
    int bound = 0;
    ss_server_handle *h = ss_server_start(m, &mo, bind, (int)port, &bound, err, ERRLEN);
    if (!h) {
        ss_rec_close(NULL, 0);
        return fail(SS_EXIT_ENV, "%s", err);
    }
    fprintf(stderr, "sockscope: %s echo server listening on %s:%d (Ctrl-C to stop)\n", m->name, bind, bound);
    double waited = 0;
    for (;;) {
        if (ss_stopsig_wait(100))
            break;
        waited += 0.1;
        if (duration > 0 && waited >= duration)
            break;
    }
    ss_server_request_stop(h);
    long total = atomic_load(&ss_server_state(h)->conns_total);
    int src = ss_server_join(h);
    ss_run_end();
    int rc = ss_rec_close(err, ERRLEN);
    fprintf(stderr, "sockscope: stopped; %ld connection(s) served%s%s\n", total, trace ? ", trace written to " : "",
            trace ? trace : "");
    if (rc != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
    return src == 0 ? 0 : SS_EXIT_FAIL;
}

/* --- run ------------------------------------------------------------------- */
static const char run_help[] =
    "usage: sockscope run --model M[,M...]|all [--clients N] [--messages M] [--size BYTES]\n"
    "                     [--think-ms T] [--trace FILE] [--json] [model options]\n\n"
    "Start the echo server under each model in turn, drive it with the built-in\n"
    "clients (connect, send, read back exactly that many bytes, verify, repeat),\n"
    "record everything into one trace (one run per model), then print the\n"
    "comparison table (or JSON with --json).\n\n"
    "  --clients N    concurrent clients (default 20)\n"
    "  --messages M   messages per client (default 200)\n"
    "  --size BYTES   bytes per message (default 512)\n"
    "  --think-ms T   pause between messages (default 0)\n"
    "  --trace FILE   where to write the trace (default sockscope-run.sstrace)\n"
    "  --quiet        no progress lines\n\n" MODEL_HELP;

static int parse_models(const char *list, const ss_model **out, int max, char *err)
{
    int n = 0;
    if (strcmp(list, "all") == 0) {
        size_t total;
        const ss_model *const *ms = ss_models(&total);
        for (size_t i = 0; i < total && n < max; i++) {
            char why[200];
            if (ss_model_available(ms[i], why, sizeof why))
                out[n++] = ms[i];
            else
                fprintf(stderr, "sockscope: skipping %s: %s\n", ms[i]->name, why);
        }
        return n;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == max) {
            snprintf(err, ERRLEN, "too many models (at most %d)", max);
            return -1;
        }
        if (!(out[n++] = find_model(tok, err)))
            return ss_model_find(tok) ? -2 : -1;
    }
    if (!n)
        snprintf(err, ERRLEN, "--model needs at least one model name");
    return n ? n : -1;
}

static int cmd_run(int argc, char **argv)
{
    static const struct option lo[] = {{"model", required_argument, 0, 'm'}, {"clients", required_argument, 0, 'c'},
                                       {"messages", required_argument, 0, 'n'}, {"size", required_argument, 0, 's'},
                                       {"think-ms", required_argument, 0, OPT_THINK}, {"trace", required_argument, 0, 't'},
                                       {"json", no_argument, 0, OPT_JSON}, {"quiet", no_argument, 0, 'q'},
                                       MODEL_LONGOPTS, {0, 0, 0, 0}};
    const char *models = NULL, *trace = "sockscope-run.sstrace";
    long clients = 20, messages = 200, size = 512;
    double think = 0;
    int json = 0, quiet = 0;
    ss_model_opts mo = {0};
    ss_rec_opts ro = {0, 1};
    char err[ERRLEN];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:c:n:s:t:qh", lo, NULL)) != -1) {
        int r = model_opt(c, optarg, &mo, &ro, err);
        if (r < 0) return fail(SS_EXIT_USAGE, "%s", err);
        if (r > 0) continue;
        switch (c) {
        case 'm': models = optarg; break;
        case 'c': if (ss_parse_long(optarg, 1, 100000, &clients, "--clients", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 'n': if (ss_parse_long(optarg, 1, 100000000, &messages, "--messages", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 's': if (ss_parse_long(optarg, 1, 16 << 20, &size, "--size", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case OPT_THINK: if (ss_parse_double(optarg, 0, 60000, &think, "--think-ms", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 't': trace = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(run_help, stdout); return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope run --help'");
        }
    }
    if (optind < argc)
        return fail(SS_EXIT_USAGE, "unexpected argument '%s' (see 'sockscope run --help')", argv[optind]);
    if (!models)
        return fail(SS_EXIT_USAGE, "%s", "run needs --model M[,M...] or --model all (see 'sockscope models')");
    const ss_model *list[32];
    int n = parse_models(models, list, 32, err);
    if (n < 0)
        return fail(n == -2 ? SS_EXIT_ENV : SS_EXIT_USAGE, "%s", err);
    if (n == 0)
        return fail(SS_EXIT_ENV, "%s", "no model of the list can run on this machine");
    ss_stopsig_ignore_sigpipe();
    if (ss_rec_open(trace, &ro, err, ERRLEN) != 0)
        return fail(SS_EXIT_ENV, "%s", err);
    ss_workload_opts w = {.host = "127.0.0.1", .clients = (int)clients, .messages = (int)messages,
                          .size = (int)size, .think_ms = think};
    int rc = SS_EXIT_OK;
    for (int i = 0; i < n; i++) {
        ss_run_progress pg = {list[i]->name, i + 1, n, isatty(2), quiet};
        ss_workload_result res;
        int r = ss_run_one(list[i], &mo, &w, &pg, &res, err, ERRLEN);
        if (r != SS_EXIT_OK) {
            fprintf(stderr, "sockscope: %s\n", err);
            rc = r;
        }
    }
    if (ss_rec_close(err, ERRLEN) != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
    ss_stats st;
    if (ss_stats_load(trace, &st, err, ERRLEN) != 0)
        return fail(SS_EXIT_BADINPUT, "%s", err);
    if (json) {
        ss_stats_print_json(stdout, &st);
    } else {
        printf("\n");
        ss_stats_print_table(stdout, &st);
        printf("\ntrace: %s  (details: sockscope stats %s; Perfetto: sockscope export %s --format chrome -o out.json)\n",
               trace, trace, trace);
    }
    ss_stats_free(&st);
    return rc;
}

/* --- stats ----------------------------------------------------------------- */
static int open_trace_stats(const char *path, ss_stats *st)
{
    char err[ERRLEN];
    if (ss_stats_load(path, st, err, ERRLEN) != 0)
        return fail(SS_EXIT_BADINPUT, "%s", err);
    if (st->scan.warning[0])
        fprintf(stderr, "sockscope: warning: %s\n", st->scan.warning);
    return 0;
}

static int cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, 0, OPT_JSON}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == OPT_JSON) json = 1;
        else if (c == 'h') {
            printf("usage: sockscope stats FILE [--json]\n\nPer run, server and built-in clients apart: requests, bytes,\n"
                   "socket calls by API, user/kernel transitions, blocking calls and time\n"
                   "blocked, completion packets, threads, CPU time, latency p50/p99/max,\n"
                   "events dropped. See docs/stats.md for the definitions.\n");
            return 0;
        } else return fail(SS_EXIT_USAGE, "%s", "see 'sockscope stats --help'");
    }
    if (optind + 1 != argc)
        return fail(SS_EXIT_USAGE, "%s", "stats needs exactly one trace FILE (see 'sockscope stats --help')");
    ss_stats st;
    int rc = open_trace_stats(argv[optind], &st);
    if (rc) return rc;
    if (json) ss_stats_print_json(stdout, &st);
    else ss_stats_print(stdout, &st);
    rc = st.scan.corrupt || st.scan.truncated ? SS_EXIT_BADINPUT : 0;
    ss_stats_free(&st);
    return rc;
}

/* --- export ---------------------------------------------------------------- */
static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *format = NULL, *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'h':
            printf("usage: sockscope export FILE --format chrome|csv [-o OUT]\n\n"
                   "  chrome  Chrome Trace Event JSON: open in https://ui.perfetto.dev or chrome://tracing\n"
                   "  csv     one row per event (columns in docs/csv.md)\n"
                   "Writes to OUT, or standard output when -o is missing or '-'.\n");
            return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope export --help'");
        }
    }
    if (optind + 1 != argc)
        return fail(SS_EXIT_USAGE, "%s", "export needs exactly one trace FILE (see 'sockscope export --help')");
    if (!format)
        return fail(SS_EXIT_USAGE, "%s", "export needs --format chrome or --format csv");
    int chrome = strcmp(format, "chrome") == 0 || strcmp(format, "json") == 0;
    if (!chrome && strcmp(format, "csv") != 0)
        return fail(SS_EXIT_USAGE, "unknown export format '%s'; use chrome or csv", format);
    FILE *f = stdout;
    char tmp[4096] = "";
    if (out && strcmp(out, "-") != 0) {
        /* write beside the target and rename: a failed export leaves no half file */
        snprintf(tmp, sizeof tmp, "%s.partial", out);
        if (!(f = fopen(tmp, "w")))
            return fail(SS_EXIT_ENV, "cannot create the output file: %s", strerror(errno));
    }
    char err[ERRLEN];
    ss_scan_result res;
    int rc = chrome ? ss_export_chrome(argv[optind], f, &res, err, ERRLEN) : ss_export_csv(argv[optind], f, &res, err, ERRLEN);
    int werr = ferror(f);
    if (f != stdout && fclose(f) != 0)
        werr = 1;
    if (rc != 0 || werr) {
        if (tmp[0])
            remove(tmp);
        return rc != 0 ? fail(SS_EXIT_BADINPUT, "%s", err) : fail(SS_EXIT_FAIL, "%s", "writing the export failed");
    }
    if (tmp[0] && rename(tmp, out) != 0) {
        remove(tmp);
        return fail(SS_EXIT_FAIL, "cannot write the output file: %s", strerror(errno));
    }
    if (res.warning[0])
        fprintf(stderr, "sockscope: warning: %s\n", res.warning);
    if (tmp[0])
        fprintf(stderr, "sockscope: wrote %llu events to %s\n", (unsigned long long)res.events, out);
    return res.corrupt || res.truncated ? SS_EXIT_BADINPUT : 0;
}

/* --- the default job --------------------------------------------------------- */
/* `sockscope` with no arguments: every available model on one workload,
 * the comparison table, and the trace plus its Perfetto export written to
 * ./sockscope-out/, saying where. */
static int cmd_default(void)
{
    const char *dir = "sockscope-out", *trace = "sockscope-out/default.sstrace", *json = "sockscope-out/default.json";
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return fail(SS_EXIT_ENV, "cannot create ./sockscope-out: %s", strerror(errno));
    printf("sockscope: the default comparison: every model here, 20 clients x 200 echoes of 512 bytes\n");
    char *run_argv[] = {"run", "--model", "all", "--clients", "20", "--messages", "200",
                        "--trace", (char *)trace, NULL};
    int rc = cmd_run(9, run_argv);
    if (rc != 0)
        return rc;
    char *exp_argv[] = {"export", (char *)trace, "--format", "chrome", "-o", (char *)json, NULL};
    rc = cmd_export(6, exp_argv);
    if (rc == 0)
        printf("\nwrote %s (the trace) and %s (open it in https://ui.perfetto.dev)\n", trace, json);
    return rc;
}

/* --- dispatch -------------------------------------------------------------- */
typedef struct cmd {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} cmd;

static const cmd cmds[] = {
    {"models", cmd_models, "list the I/O models and what backs each one here"},
    {"serve", cmd_serve, "run one model as a real echo server (nc-friendly)"},
    {"run", cmd_run, "run models against the built-in clients, record a trace, compare"},
    {"stats", cmd_stats, "the numbers of a trace"},
    {"export", cmd_export, "export a trace to Chrome/Perfetto JSON or CSV"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sockscope [COMMAND [options]]   (sockscope COMMAND --help for each)\n\n"
               "sockscope runs real TCP echo servers under the classic socket I/O models,\n"
               "records every socket call, and compares them. With no command it runs the\n"
               "default comparison and writes its trace and Perfetto export to ./sockscope-out/.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\nexit codes: 0 ok, 1 the work failed, 2 bad command line, 3 bad input file,\n"
               "            4 the system refused (port in use, model unavailable)\n");
}

int ss_cli_main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_default();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sockscope 0.1.0\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sockscope: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return SS_EXIT_USAGE;
}
