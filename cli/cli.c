#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "cli/explain.h"
#include "cli/multihost.h"
#include "cli/stopsig.h"
#include "cli/trace.h" /* any program, through the interposer (LD_PRELOAD) */
#include "models/model.h"
#include "render/assets.h"
#include "sim/base/outfile.h"
#include "sim/base/util.h"
#include "sim/load/net.h"
#include "sim/report/export.h"
#include "sim/report/stats.h"
#ifdef SS_HAVE_PROGRAMS
#include "sim/run/program.h" /* run --program: an outside server in the comparison */
#endif
#include "sim/run/runner.h"
#include "sim/run/scenario.h"
#include "sim/run/scenario_claims.h"
#include "sim/run/server.h"
#include "sim/trace/recorder.h"
#ifdef SS_HAVE_VIEWER
#include "render/viewer.h" /* plain C entry points: SDL stays in render/backend_sdl.c */
#endif

#define ERRLEN 512
#ifndef SS_VERSION
#define SS_VERSION "0.1.0"
#endif
/* every --format export takes (png and svg only in a build with the viewer) */
#ifdef SS_HAVE_VIEWER
#define EXPORT_FORMATS "chrome (or json), csv, png, svg"
#else
#define EXPORT_FORMATS "chrome (or json), csv (png and svg need a build with the viewer)"
#endif

static int fail(int code, const char *fmt, const char *msg) { return ss_cli_fail(code, fmt, msg); }

/* --- model options shared by serve and run ------------------------------- */
/* OPT_FD_SETSIZE..OPT_UI_COST are the [server] keys of the scenario table */
/* clang-format off */
enum { OPT_FD_SETSIZE = 1000, OPT_ET, OPT_SQPOLL, OPT_WORKERS, OPT_CPU_US, OPT_RCVBUF, OPT_SNDBUF, OPT_NODELAY, OPT_UI_RATE,
       OPT_UI_COST, OPT_NO_WAIT, OPT_JSON, OPT_BIND, OPT_DURATION, OPT_SCENARIO, OPT_SCALE, OPT_LANG, OPT_PROGRAM,
       OPT_NAME, OPT_KEY = 2000 };

#define MODEL_LONGOPTS                                                                               \
    {"fd-setsize", required_argument, 0, OPT_FD_SETSIZE}, {"edge-triggered", no_argument, 0, OPT_ET}, \
    {"sqpoll", no_argument, 0, OPT_SQPOLL}, {"workers", required_argument, 0, OPT_WORKERS},           \
    {"cpu-us", required_argument, 0, OPT_CPU_US}, {"rcvbuf", required_argument, 0, OPT_RCVBUF},       \
    {"sndbuf", required_argument, 0, OPT_SNDBUF}, {"nodelay", no_argument, 0, OPT_NODELAY},          \
    {"ui-rate", required_argument, 0, OPT_UI_RATE},                                                  \
    {"ui-cost-us", required_argument, 0, OPT_UI_COST},                                               \
    {"no-wait-detect", no_argument, 0, OPT_NO_WAIT}, {"help", no_argument, 0, 'h'}
/* clang-format on */

/* The model options' help comes from the scenario key table: one truth. */
static void print_model_help(FILE *f)
{
    fprintf(f, "model options (the [server] keys of a scenario file):\n");
    ss_scenario_print_flags(f, "server");
    fprintf(f, "  %-28s %s\n", "--no-wait-detect", "do not measure whether blocking calls really waited");
}

/* returns 1 if the option was a model option, -1 on a bad value; name is
 * the long option getopt matched (ranges and checks: the scenario table) */
static int model_opt(int c, const char *name, const char *arg, ss_model_opts *mo, ss_rec_opts *ro, char *err)
{
    if (c == OPT_NO_WAIT) {
        ro->detect_waits = 0;
        return 1;
    }
    if (c < OPT_FD_SETSIZE || c > OPT_UI_COST || !name)
        return 0;
    return ss_model_opt_set(mo, name, arg, err, ERRLEN) == 0 ? 1 : -1;
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
    "SIGTERM or when --duration ends, then writes the trace (if --trace).\n\n";

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"model", required_argument, 0, 'm'}, {"port", required_argument, 0, 'p'},
                                       {"bind", required_argument, 0, OPT_BIND}, {"trace", required_argument, 0, 't'},
                                       {"duration", required_argument, 0, OPT_DURATION}, MODEL_LONGOPTS, {0, 0, 0, 0}};
    const char *model = NULL, *bind = "127.0.0.1", *trace = NULL;
    long port = 9000;
    double duration = 0;
    ss_model_opts mo = {0};
    ss_rec_opts ro = {0, 1, 0};
    char err[ERRLEN];
    int c, li = -1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:t:h", lo, &li)) != -1) {
        int r = model_opt(c, li >= 0 ? lo[li].name : NULL, optarg, &mo, &ro, err);
        li = -1;
        if (r < 0) return fail(SS_EXIT_USAGE, "%s", err);
        if (r > 0) continue;
        switch (c) {
        case 'm': model = optarg; break;
        case 'p': if (ss_parse_long(optarg, 0, 65535, &port, "--port", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case OPT_BIND: bind = optarg; break;
        case 't': trace = optarg; break;
        case OPT_DURATION: if (ss_parse_double(optarg, 0.001, 1e7, &duration, "--duration", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 'h': fputs(serve_help, stdout); print_model_help(stdout); return 0;
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
     * thread (cli/stopsig.h), so the stop path can record its calls. */
    ss_stopsig_init();
    if (trace && ss_out_is_stdout(trace))
        return fail(SS_EXIT_USAGE, "%s",
                    "--trace needs a file name: the trace is written as the run goes, not to standard output");
    if (trace && ss_rec_open(trace, &ro, err, ERRLEN) != 0)
        return fail(SS_EXIT_FAIL, "%s", err); /* an output that cannot be written */
    char dur[32];
    snprintf(dur, sizeof dur, "%g", duration);
    ss_origin o; /* where the run is recorded: first, as in every run (server.h) */
    ss_server_origin(m, &o);
    ss_kv params[] = {{"platform", o.platform}, {"winsock", o.winsock}, {"waits", o.waits},
                      {"mode", "serve"}, {"bind", bind}, {"duration_s", dur}};
    ss_run_info info = {m->name, m->mechanism, params, 6};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_CONTROL, "runner"); /* sockscope's: starts, drives and stops the run */
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
    /* "written" only once the write is known to have worked (a full disk) */
    fprintf(stderr, "sockscope: stopped; %ld connection(s) served%s%s\n", total,
            trace && rc == 0 ? ", trace written to " : "", trace && rc == 0 ? trace : "");
    if (rc != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
    return src == 0 ? 0 : SS_EXIT_FAIL;
}

/* --- run ------------------------------------------------------------------- */
static const char run_help[] =
    "usage: sockscope run --model M[,M...]|all [--clients N] [--messages M] [--size BYTES]\n"
    "                     [--think-ms T] [--trace FILE] [--json] [model options]\n"
    "       sockscope run --scenario FILE [--scale F] [any option below overrides the file]\n"
    "       sockscope run [--model M,...] --program 'CMD ... {port}' [--name NAME] [options]\n\n"
    "Start the echo server under each model in turn, drive it with the built-in\n"
    "clients (connect, send, read back exactly that many bytes, verify, repeat),\n"
    "record everything into one trace (one run per model), then print the\n"
    "comparison table (or JSON with --json).\n\n"
    "  --model M,...|all            models to compare (default: the scenario's models)\n"
    "  --scenario FILE|NAME         a scenario file (INI, docs/scenarios.md), or the name of a\n"
    "                               preset (assets/scenarios/NAME.ini, e.g. select-64-limit);\n"
    "                               options given too override its keys\n"
    "  --scale F                    clients, idle connections and messages times F (0.1 = quick)\n"
    "  --trace FILE                 where to write the trace (default sockscope-run.sstrace)\n"
    "  --program 'CMD ... {port}'   an outside echo server joins the comparison: sockscope\n"
    "                               picks a free port for {port}, traces CMD (docs/trace-any-\n"
    "                               program.md) and stops it with SIGTERM; repeatable\n"
    "  --name NAME                  the row and panel name of the --program before it\n"
    "  --json                       print the comparison as JSON\n"
    "  --quiet                      no progress lines\n";

static void print_run_help(void)
{
    static const char *const parts[][2] = {{"clients", "clients ([clients] keys; -c, -n, -s for the first three)"},
                                           {"special", "special clients ([special] keys)"},
                                           {"network", "network conditions, through a relay ([network] keys)"},
                                           {"scenario", "repeatability ([scenario] keys)"}};
    fputs(run_help, stdout);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        printf("\n%s:\n", parts[i][1]);
        ss_scenario_print_flags(stdout, parts[i][0]);
    }
    printf("\n");
    print_model_help(stdout);
}

static int add_model(const ss_model **out, int *n, int max, const ss_model *m, char *err)
{
    if (*n == max) {
        snprintf(err, ERRLEN, "too many models (at most %d)", max);
        return -1;
    }
    out[(*n)++] = m;
    return 0;
}

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
        const ss_model *m = find_model(tok, err);
        if (!m)
            return ss_model_find(tok) ? -2 : -1;
        if (add_model(out, &n, max, m, err) != 0)
            return -1;
    }
    if (!n)
        snprintf(err, ERRLEN, "--model needs at least one model name");
    return n ? n : -1;
}

/* A scenario may name models this build does not have (yet): say so, skip them. */
static int scenario_models(const ss_scenario *sc, const ss_model **out, int max, char *err)
{
    if (sc->nmodels == 1 && strcmp(sc->models[0], "all") == 0)
        return parse_models("all", out, max, err);
    int n = 0;
    for (int i = 0; i < sc->nmodels; i++) {
        const ss_model *m = ss_model_find(sc->models[i]);
        char why[200];
        if (!m || !ss_model_available(m, why, sizeof why)) {
            fprintf(stderr, "sockscope: skipping %s: %s\n", sc->models[i], m ? why : "not in this build");
            continue;
        }
        if (add_model(out, &n, max, m, err) != 0)
            return -1;
    }
    return n;
}

/* every scenario key with a flag becomes a long option OPT_KEY + its index */
static void run_options(struct option *lo, size_t max)
{
    /* clang-format off */
    static const struct option fixed[] = {
        {"model", required_argument, 0, 'm'}, {"trace", required_argument, 0, 't'}, {"json", no_argument, 0, OPT_JSON},
        {"quiet", no_argument, 0, 'q'}, {"scenario", required_argument, 0, OPT_SCENARIO},
        {"scale", required_argument, 0, OPT_SCALE}, {"no-wait-detect", no_argument, 0, OPT_NO_WAIT},
        {"program", required_argument, 0, OPT_PROGRAM}, {"name", required_argument, 0, OPT_NAME},
        {"help", no_argument, 0, 'h'}};
    /* clang-format on */
    size_t n = 0;
    for (; n < sizeof fixed / sizeof fixed[0]; n++)
        lo[n] = fixed[n];
    ss_cli_scen_options(lo, n, max, NULL, OPT_KEY);
}

typedef struct run_args {
    const char *models, *trace, *scenario;
    double scale;
    int json, quiet;
    ss_rec_opts ro;
    int nsets;
    struct { int key; const char *value; } *sets; /* applied after the scenario file, in order */
    int nprograms;                                /* --program, each with its --name (NULL: the program's file name) */
    struct {
        const char *cmd, *name;
    } programs[8];
#ifdef SS_HAVE_PROGRAMS
    ss_program *progs[8];
#endif
} run_args;

/* returns -1 to go on, or an exit code */
static int run_parse(int argc, char **argv, run_args *a)
{
    struct option lo[SS_SCEN_MAX_KEYS + 16];
    run_options(lo, sizeof lo / sizeof lo[0]);
    char err[ERRLEN];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:c:n:s:t:qh", lo, NULL)) != -1) {
        if (c == 'c' || c == 'n' || c == 's')
            c = ss_cli_key_by_flag(c == 'c' ? "clients" : c == 'n' ? "messages" : "size", OPT_KEY);
        if (c >= OPT_KEY) {
            a->sets[a->nsets].key = c - OPT_KEY;
            a->sets[a->nsets++].value = optarg;
            continue;
        }
        switch (c) {
        case 'm': a->models = optarg; break;
        case 't': a->trace = optarg; break;
        case OPT_JSON: a->json = 1; break;
        case 'q': a->quiet = 1; break;
        case OPT_SCENARIO: a->scenario = optarg; break;
        case OPT_SCALE: if (ss_parse_double(optarg, 0.0001, 100, &a->scale, "--scale", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case OPT_NO_WAIT: a->ro.detect_waits = 0; break;
        case OPT_PROGRAM:
            if (a->nprograms == 8)
                return fail(SS_EXIT_USAGE, "%s", "at most 8 --program");
            a->programs[a->nprograms++].cmd = optarg;
            break;
        case OPT_NAME:
            if (!a->nprograms || a->programs[a->nprograms - 1].name)
                return fail(SS_EXIT_USAGE, "%s", "--name names the --program just before it");
            a->programs[a->nprograms - 1].name = optarg;
            break;
        case 'h': print_run_help(); return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope run --help'");
        }
    }
    if (optind < argc)
        return fail(SS_EXIT_USAGE, "unexpected argument '%s' (see 'sockscope run --help')", argv[optind]);
    return -1;
}

/* --scenario NAME with no such file here: the shipped preset of that name
 * (assets/scenarios/NAME.ini, found beside an installed program too) */
static const char *scenario_file(const char *arg, char *buf, size_t n)
{
    struct stat st;
    if (strchr(arg, '/') || stat(arg, &st) == 0)
        return arg;
    char rel[300];
    size_t len = strlen(arg);
    snprintf(rel, sizeof rel, "scenarios/%s%s", arg, len > 4 && strcmp(arg + len - 4, ".ini") == 0 ? "" : ".ini");
    const char *found = vw_asset_path(rel, buf, n);
    return found ? found : arg;
}

/* the scenario file, then the flags on top, then the scale knob */
static int run_scenario(const run_args *a, ss_scenario *sc)
{
    char err[ERRLEN], preset[4096];
    if (a->scenario && ss_scenario_load(sc, scenario_file(a->scenario, preset, sizeof preset), err, ERRLEN) != 0)
        return fail(SS_EXIT_BADINPUT, "%s", err);
    if (!a->scenario)
        ss_scenario_defaults(sc);
    for (int i = 0; i < a->nsets; i++) {
        const ss_scen_key *k = ss_scenario_key((size_t)a->sets[i].key);
        char label[64];
        snprintf(label, sizeof label, "--%s", k->flag);
        if (ss_scenario_set(sc, k->section, k->key, k->arg ? a->sets[i].value : "true", label, err, ERRLEN) != 0)
            return fail(SS_EXIT_USAGE, "%s", err);
    }
    ss_scenario_scale(sc, a->scale);
    if (a->scale != 1 && sc->scale_mode != SS_SCALE_ALL && !a->quiet) /* say why --scale did less than asked */
        fprintf(stderr, "sockscope: note: --scale %s in this scenario ([clients] scale = %s: its lesson needs %s)\n",
                sc->scale_mode == SS_SCALE_NONE ? "changes nothing" : "shrinks the messages only",
                sc->scale_mode == SS_SCALE_NONE ? "none" : "messages",
                sc->scale_mode == SS_SCALE_NONE ? "its full size" : "every client");
    if (ss_scenario_validate(sc, err, ERRLEN) != 0)
        return fail(SS_EXIT_USAGE, "%s", err);
    return -1;
}

/* the captions' language: Korean when LC_ALL (or LANG) starts with ko */
static const char *caption_lang(void)
{
    const char *lang = getenv("LC_ALL") && *getenv("LC_ALL") ? getenv("LC_ALL") : getenv("LANG");
    return lang && strncmp(lang, "ko", 2) == 0 ? "ko" : "en";
}

/* before the run: the caption, its measured figures not known yet ("…") */
static void print_caption(const ss_scenario *sc)
{
    char caption[4096];
    ss_caption_fill(sc, NULL, caption_lang(), caption, sizeof caption);
    fprintf(stderr, "scenario %s%s%s\n", sc->name[0] ? sc->name : sc->path, caption[0] ? ": " : "", caption);
}

static int print_comparison(const run_args *a, const ss_scenario *sc, int rc)
{
    char err[ERRLEN];
    ss_stats st;
    if (ss_stats_load(a->trace, &st, err, ERRLEN) != 0)
        return fail(SS_EXIT_BADINPUT, "%s", err);
    if (a->json) {
        ss_stats_print_json(stdout, &st);
    } else {
        printf("\n");
        ss_stats_print_table(stdout, &st);
        printf("\ntrace: %s  (details: sockscope stats %s; Perfetto: sockscope export %s --format chrome -o out.json)\n",
               a->trace, a->trace, a->trace);
        if (a->scenario) { /* the caption filled from this run, and whether each claim held */
            printf("\n");
            ss_claims_print(stdout, sc, &st, caption_lang());
        }
    }
    ss_stats_free(&st);
    return rc;
}

/* Removes a file we wrote, but never a device or a pipe named as one
 * (--trace /dev/null must not delete /dev/null). */
static void remove_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        remove(path);
}

/* The outside programs after the models; their runs get the I/O model they
 * were seen to use once the trace is closed (sim/run/program.h). */
static int run_programs(const run_args *a, ss_scenario *sc, int first, int count, int *refused)
{
    int rc = SS_EXIT_OK;
#ifdef SS_HAVE_PROGRAMS
    for (int i = 0; i < a->nprograms; i++) {
        ss_program *p = a->progs[i];
        ss_run_progress pg = {ss_program_name(p), first + i + 1, count, isatty(2), a->quiet};
        ss_workload_result res;
        char err[ERRLEN];
        int r = ss_program_run(p, &sc->mo, &sc->w, &pg, &res, err, ERRLEN);
        if (r != SS_EXIT_OK) {
            fprintf(stderr, "sockscope: %s\n", err);
            rc = r;
        }
        *refused += r == SS_EXIT_ENV;
    }
#else
    (void)a, (void)sc, (void)first, (void)count, (void)refused;
#endif
    return rc;
}

static int run_all(const run_args *a, ss_scenario *sc, const ss_model *const *list, int n)
{
    char err[ERRLEN];
    ss_run_ignore_sigpipe();
    if (ss_out_is_stdout(a->trace)) /* the table is read back from it: it must be a file */
        return fail(SS_EXIT_USAGE, "%s",
                    "--trace needs a file name: run reads the trace back for its table (then 'cat' it)");
    if (ss_rec_open(a->trace, &a->ro, err, ERRLEN) != 0)
        return fail(SS_EXIT_FAIL, "%s", err); /* an output that cannot be written */
    /* the CPU count is recorded so that claims about it (iocp: 2 x CPUs
     * workers) are checked against the machine the run was made on */
    char cpus[16];
    snprintf(cpus, sizeof cpus, "%d", ss_claim_cpus(NULL));
    ss_kv facts[] = {{"scenario", sc->name[0] ? sc->name : sc->path}, {"cpus", cpus}};
    if (a->scenario) {
        sc->w.facts = facts;
        sc->w.nfacts = 2;
    }
    int rc = SS_EXIT_OK, refused = 0;
    for (int i = 0; i < n; i++) {
        ss_run_progress pg = {list[i]->name, i + 1, n, isatty(2), a->quiet};
        ss_workload_result res;
        int r = ss_run_one(list[i], &sc->mo, &sc->w, &pg, &res, err, ERRLEN);
        if (r != SS_EXIT_OK) {
            fprintf(stderr, "sockscope: %s\n", err);
            rc = r;
        }
        refused += r == SS_EXIT_ENV;
    }
    int prc = run_programs(a, sc, n, n + a->nprograms, &refused);
    rc = rc != SS_EXIT_OK ? rc : prc;
    int closed = ss_rec_close(err, ERRLEN);
    if (refused == n + a->nprograms) { /* the system refused every run: nothing to compare, no file to keep */
        remove_regular(a->trace);
        return rc;
    }
    if (closed != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
#ifdef SS_HAVE_PROGRAMS
    if (a->nprograms && ss_program_patch_trace(a->trace, a->progs, a->nprograms, err, ERRLEN) != 0)
        fprintf(stderr, "sockscope: warning: %s\n", err);
#endif
    return print_comparison(a, sc, rc);
}

static int cmd_run(int argc, char **argv)
{
    run_args a = {.trace = "sockscope-run.sstrace", .scale = 1, .ro = {0, 1, 0}};
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    ss_scenario *sc = calloc(1, sizeof *sc);
    int rc = !a.sets || !sc ? fail(SS_EXIT_ENV, "%s", "out of memory") : run_parse(argc, argv, &a);
    if (rc < 0)
        rc = run_scenario(&a, sc);
    const ss_model *list[32];
    int n = 0;
    char err[ERRLEN] = "";
    if (rc < 0 && !a.models && !sc->nmodels && !a.nprograms)
        rc = fail(
            SS_EXIT_USAGE, "%s",
            "run needs --model M[,M...], --model all, a --scenario with models, or --program (see 'sockscope models')");
    if (rc < 0 && (a.models || sc->nmodels)) {
        n = a.models ? parse_models(a.models, list, 32, err) : scenario_models(sc, list, 32, err);
        if (n < 0)
            rc = fail(n == -2 ? SS_EXIT_ENV : SS_EXIT_USAGE, "%s", err);
        else if (n == 0 && !a.nprograms)
            rc = fail(SS_EXIT_ENV, "%s", "no model of the list can run on this machine");
    }
    for (int i = 0; rc < 0 && i < a.nprograms; i++) { /* every program checked before anything runs */
#ifdef SS_HAVE_PROGRAMS
        int code;
        if (!(a.progs[i] = ss_program_new(a.programs[i].cmd, a.programs[i].name, i, &code, err, ERRLEN)))
            rc = fail(code, "%s", err);
#else
        rc = fail(SS_EXIT_ENV, "%s", "--program needs Linux (an LD_PRELOAD interposer)");
#endif
    }
    if (rc < 0) {
        if (a.scenario && !a.quiet && !a.json)
            print_caption(sc);
        rc = run_all(&a, sc, list, n);
    }
#ifdef SS_HAVE_PROGRAMS
    for (int i = 0; i < a.nprograms; i++)
        ss_program_free(a.progs[i]);
#endif
    free(a.sets);
    free(sc);
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
            printf("usage: sockscope stats FILE|- [--json]\n\nPer run, server and built-in clients apart: requests, "
                   "bytes,\n"
                   "socket calls by API, user/kernel transitions, blocking calls and time\n"
                   "blocked, completion packets, threads, CPU time, latency p50/p99/max,\n"
                   "events dropped; for a 'serve' trace, the echoes of each connection.\n"
                   "FILE '-' reads the trace from standard input. See docs/stats.md.\n");
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
/* png and svg are drawn by the viewer's renderer, which has its own options */
static int wants_picture(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-f") == 0) && i + 1 < argc)
            v = argv[i + 1];
        else if (strncmp(argv[i], "--format=", 9) == 0)
            v = argv[i] + 9;
        if (v && (strcmp(v, "png") == 0 || strcmp(v, "svg") == 0))
            return 1;
    }
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    if (wants_picture(argc, argv)) {
#ifdef SS_HAVE_VIEWER
        return ss_view_export_main(argc, argv);
#else
        return fail(SS_EXIT_ENV, "%s", "this sockscope was built without SDL2/SDL2_ttf: png and svg export are unavailable");
#endif
    }
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--slide") == 0)
            return fail(SS_EXIT_USAGE, "%s", "--slide is for pictures: use it with --format png or svg");
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
            printf("usage: sockscope export FILE|- --format chrome|csv|png|svg [-o OUT|-]\n\n"
                   "  chrome  Chrome Trace Event JSON: open in https://ui.perfetto.dev, DevTools' Performance\n"
                   "          panel or speedscope (the format: docs/chrome-export.md)\n"
                   "  csv     one row per event (columns in docs/csv.md)\n"
                   "  png     the viewer's timeline as a picture (no display needed; -o required, - for stdout)\n"
                   "  svg     the same timeline as vector graphics, for slides and papers (text as\n"
                   "          glyph outlines: it shows the same on a machine without the fonts)\n"
                   "          png/svg options: --size WxH --at FRACTION --zoom F --lang ko|en --lecture\n"
                   "          --slide (no header, keys, buttons or mini-map; the whole run in full colour)\n"
                   "Reads the trace from FILE, or standard input when FILE is '-'. Writes to OUT,\n"
                   "or standard output when -o is missing or '-'. A regular OUT is written under\n"
                   "a temporary name and renamed when complete; a FIFO, a device or what a\n"
                   "symlink names is written through. chrome and csv to an OUT ending in .gz\n"
                   "(cmp.json.gz) are gzip-compressed, which Perfetto and DevTools open as they are.\n");
            return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope export --help'");
        }
    }
    if (optind + 1 != argc)
        return fail(SS_EXIT_USAGE, "%s", "export needs exactly one trace FILE (see 'sockscope export --help')");
    if (!format)
        return fail(SS_EXIT_USAGE, "%s", "export needs --format; valid formats: " EXPORT_FORMATS);
    int chrome = strcmp(format, "chrome") == 0 || strcmp(format, "json") == 0;
    if (!chrome && strcmp(format, "csv") != 0)
        return fail(SS_EXIT_USAGE, "unknown export format '%s'; valid formats: " EXPORT_FORMATS, format);
    char err[ERRLEN];
    ss_outfile o;
    if (ss_out_open(&o, out ? out : "-", err, ERRLEN) != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
    ss_stopsig_remove_on_stop(o.tmp[0] ? o.tmp : NULL); /* a killed export leaves no half file */
    ss_scan_result res;
    char rerr[ERRLEN];
    size_t olen = out ? strlen(out) : 0;
    int gz = olen > 3 && strcmp(out + olen - 3, ".gz") == 0; /* -o FILE.json.gz: gzip on the way */
    int rc = chrome ? ss_export_chrome(argv[optind], o.f, gz, &res, rerr, ERRLEN)
                    : ss_export_csv(argv[optind], o.f, gz, &res, rerr, ERRLEN);
    int wrc = ss_out_close(&o, rc == 0, err, ERRLEN);
    ss_stopsig_remove_on_stop(NULL);
    if (rc != 0)
        return fail(SS_EXIT_BADINPUT, "%s", rerr);
    if (wrc != 0)
        return fail(SS_EXIT_FAIL, "%s", err);
    if (res.warning[0])
        fprintf(stderr, "sockscope: warning: %s\n", res.warning);
    if (!ss_out_is_stdout(o.path))
        fprintf(stderr, "sockscope: wrote %llu events to %s\n", (unsigned long long)res.events, o.path);
    return res.corrupt || res.truncated ? SS_EXIT_BADINPUT : 0;
}

/* --- the default job --------------------------------------------------------- */
/* `sockscope` with no arguments: every available model on one workload and
 * the comparison table; then the viewer on the result when there is a
 * display, or a PNG of the timeline when there is none. The trace, its
 * Perfetto export and the picture go to ./sockscope-out/, and we say where. */
static int cmd_default(void)
{
    const char *dir = "sockscope-out", *trace = "sockscope-out/default.sstrace",
               *json = "sockscope-out/default.json", *png = "sockscope-out/default.png";
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return fail(SS_EXIT_FAIL, "cannot create ./sockscope-out: %s", strerror(errno)); /* an output */
    printf("sockscope: the default comparison: every model here, 20 clients x 200 echoes of 512 bytes\n");
    char *run_argv[] = {"run", "--model", "all", "--clients", "20", "--messages", "200",
                        "--trace", (char *)trace, NULL};
    int rc = cmd_run(9, run_argv);
    if (rc != 0)
        return rc;
    char *exp_argv[] = {"export", (char *)trace, "--format", "chrome", "-o", (char *)json, NULL};
    if ((rc = cmd_export(6, exp_argv)) != 0)
        return rc;
    printf("\nwrote %s (the trace) and %s (open it in https://ui.perfetto.dev)\n", trace, json);
#ifdef SS_HAVE_VIEWER
    if (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY")) {
        printf("opening the viewer (space plays, L lecture mode, Esc quits)\n");
        fflush(stdout);
        char *view_argv[] = {"view", (char *)trace, NULL};
        return ss_view_main(2, view_argv);
    }
    /* tall enough for every model's panel at a readable lane height */
    char *shot_argv[] = {"view", (char *)trace, "--screenshot", (char *)png, "--at", "0.3", "--size", "1600x1400", NULL};
    if ((rc = ss_view_main(8, shot_argv)) == 0)
        printf("no display: wrote the timeline to %s (view it with 'sockscope view %s')\n", png, trace);
    return rc;
#else
    (void)png;
    printf("(this build has no viewer: install libsdl2-dev libsdl2-ttf-dev libpng-dev and rebuild)\n");
    return 0;
#endif
}

/* --- explain ---------------------------------------------------------------- */
static const char explain_help[] =
    "usage: sockscope explain MODEL|all [--lang ko|en] [--width COLUMNS]\n\n"
    "What model MODEL is, as the textbook teaches it: how it works, when its\n"
    "calls return, advantages and disadvantages, the four requirements of an\n"
    "ideal model, and which real mechanism backs it on this machine.\n\n"
    "  --lang ko|en   language (default: ko when $LANG starts with ko, else en)\n"
    "  --width N      wrap to N display columns (default 78)\n";

static const char *default_lang(void)
{
    const char *l = getenv("LANG");
    return l && strncmp(l, "ko", 2) == 0 ? "ko" : "en";
}

static int explain_names_error(const char *what)
{
    size_t n;
    const char *const *names = ss_model_all_names(&n);
    char list[400] = "";
    for (size_t i = 0, used = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    fprintf(stderr, "sockscope: %s; valid models: %s, all (see 'sockscope explain --help')\n", what, list);
    return SS_EXIT_USAGE;
}

static int cmd_explain(int argc, char **argv)
{
    static const struct option lo[] = {{"lang", required_argument, 0, OPT_LANG}, {"width", required_argument, 0, 'w'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *lang = default_lang();
    long width = 78;
    char err[ERRLEN];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "w:h", lo, NULL)) != -1) {
        switch (c) {
        case OPT_LANG: lang = optarg; break;
        case 'w': if (ss_parse_long(optarg, 20, 1000, &width, "--width", err, ERRLEN)) return fail(SS_EXIT_USAGE, "%s", err); break;
        case 'h': fputs(explain_help, stdout); return 0;
        default: return fail(SS_EXIT_USAGE, "%s", "see 'sockscope explain --help'");
        }
    }
    if (strcmp(lang, "ko") != 0 && strcmp(lang, "en") != 0)
        return fail(SS_EXIT_USAGE, "--lang must be ko or en (got '%s')", lang);
    if (optind + 1 != argc)
        return explain_names_error(optind < argc ? "explain takes exactly one MODEL" : "explain needs a MODEL");
    const char *model = argv[optind];
    if (strcmp(model, "all") == 0) {
        size_t n;
        const char *const *names = ss_model_all_names(&n);
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc('\n', stdout);
            ss_explain(stdout, names[i], lang, (int)width);
        }
        return 0;
    }
    if (ss_explain(stdout, model, lang, (int)width) != 0) {
        snprintf(err, ERRLEN, "unknown model '%s'", model);
        return explain_names_error(err);
    }
    return 0;
}

/* --- view --scenario: run a scenario, then view it ------------------------- */
#ifdef SS_HAVE_VIEWER
/* `sockscope view --scenario FILE [--scale F] [view options]`: records the
 * scenario into ./sockscope-out/NAME.sstrace, then opens it; anything else
 * goes to the viewer unchanged. */
static int cmd_view(int argc, char **argv)
{
    const char *scenario = NULL, *scale = NULL;
    char **rest = calloc((size_t)argc + 2, sizeof *rest);
    if (!rest)
        return fail(SS_EXIT_FAIL, "%s", "out of memory");
    int n = 0;
    rest[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc)
            scenario = argv[++i];
        else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc)
            scale = argv[++i];
        else
            rest[n++] = argv[i];
    }
    if (!scenario) {
        free(rest);
        return ss_view_main(argc, argv);
    }
    if (mkdir("sockscope-out", 0777) != 0 && errno != EEXIST) {
        free(rest);
        return fail(SS_EXIT_FAIL, "cannot create ./sockscope-out: %s", strerror(errno)); /* an output */
    }
    const char *base = strrchr(scenario, '/') ? strrchr(scenario, '/') + 1 : scenario;
    char trace[512];
    snprintf(trace, sizeof trace, "sockscope-out/%.*s.sstrace",
             (int)(strstr(base, ".ini") ? (size_t)(strstr(base, ".ini") - base) : strlen(base)), base);
    char *run_argv[] = {"run", "--scenario", (char *)scenario, "--trace", trace,
                        scale ? "--scale" : NULL, (char *)scale, NULL};
    int rc = cmd_run(scale ? 7 : 5, run_argv);
    if (rc == SS_EXIT_OK || rc == SS_EXIT_FAIL) { /* a failed request is worth seeing too */
        memmove(rest + 2, rest + 1, (size_t)(n - 1) * sizeof *rest);
        rest[1] = trace;
        rc = ss_view_main(n + 1, rest);
    }
    free(rest);
    return rc;
}
#endif

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
    {"load", ss_cmd_load, "drive any echo server (another host's too) with the built-in clients"},
    {"merge", ss_cmd_merge, "put traces recorded on several hosts on one time axis"},
    {"trace", ss_cli_trace, "run any program and record its socket calls (-- PROGRAM ARGS...)"},
    {"stats", cmd_stats, "the numbers of a trace"},
    {"export", cmd_export, "export a trace to Chrome/Perfetto JSON, CSV, PNG or SVG"},
#ifdef SS_HAVE_VIEWER
    {"view", cmd_view, "animate traces side by side in a window (SDL2); --scenario FILE runs one first"},
#endif
    {"explain", cmd_explain, "what a model is and does, in Korean or English (the textbook's tables)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sockscope [COMMAND [options]]   (sockscope COMMAND --help for each)\n\n"
               "sockscope runs real TCP echo servers under the classic socket I/O models,\n"
               "records every socket call, and compares them. With no command it runs the\n"
               "default comparison, writes its trace, Perfetto export and (with no display)\n"
               "a PNG of the timeline to ./sockscope-out/, and opens the viewer on a display.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(f, "\n'-' as a FILE is standard input, as an output standard output.\n"
               "--version after any command prints the version.\n"
               "\nexit codes: 0 ok, 1 the work failed or its output could not be written,\n"
               "            2 bad command line, 3 bad input file (trace, scenario),\n"
               "            4 the system refused (port in use, model unavailable, no fds)\n");
}

/* `--version` anywhere after a command (before a lone "--") answers for
 * every command, as at the top level */
static int wants_version(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--version") == 0)
            return 1;
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cmd_default();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (wants_version(argc, argv)) {
        printf("sockscope %s\n", SS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sockscope: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return SS_EXIT_USAGE;
}

int ss_cli_main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    /* whatever a command printed must have arrived: a full disk or a closed
     * pipe on standard output is a failed command, never a silent exit 0 */
    char err[ERRLEN];
    if (ss_stdout_flush(err, sizeof err) != 0) {
        fail(SS_EXIT_FAIL, "%s", err);
        return rc ? rc : SS_EXIT_FAIL;
    }
    return rc;
}
