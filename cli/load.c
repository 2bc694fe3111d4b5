/* load.c — `sockscope load HOST:PORT`: the built-in clients (and the
 * special ones) against an echo server that runs anywhere, the client side
 * recorded; the summary is the trace's own stats row. docs/multi-host.md. */
#include "cli/multihost.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_int.h"
#include "sim/base/util.h"
#include "sim/load/net.h"
#include "sim/report/stats.h"
#include "sim/run/runner.h"
#include "sim/run/scenario.h"
#include "sim/trace/recorder.h"

#define ERRLEN 512

/* The scenario keys a load takes: what clients do. Not [server] (the server
 * is not ours) and not [network] (the relay sits beside a local server;
 * shape a real link with tc: docs/multi-host.md). */
static int load_key(const ss_scen_key *k)
{
    return k->flag &&
           (strcmp(k->section, "clients") == 0 || strcmp(k->section, "special") == 0 || strcmp(k->key, "seed") == 0);
}

enum { OPT_JSON = 1000, OPT_NO_WAIT, OPT_KEY = 2000 };

static void load_options(struct option *lo, size_t max)
{
    static const struct option fixed[] = {{"trace", required_argument, 0, 't'},
                                          {"json", no_argument, 0, OPT_JSON},
                                          {"quiet", no_argument, 0, 'q'},
                                          {"no-wait-detect", no_argument, 0, OPT_NO_WAIT},
                                          {"help", no_argument, 0, 'h'}};
    size_t n = 0;
    for (; n < sizeof fixed / sizeof fixed[0]; n++)
        lo[n] = fixed[n];
    ss_cli_scen_options(lo, n, max, load_key, OPT_KEY);
}

/* clang-format off */
static const char load_help[] =
    "usage: sockscope load HOST:PORT [client options] [--trace FILE] [--json] [--quiet]\n\n"
    "Drive any TCP echo server (sockscope serve, socat, ncat --exec cat, your own)\n"
    "with the built-in clients: connect, send, read back exactly that many bytes,\n"
    "verify every byte, repeat. The clients' side is recorded into the trace (every\n"
    "call, as `run` records it, plus each connection's own address for `merge`),\n"
    "then the summary prints as `stats` computes it: requests, req/s, latency\n"
    "p50/p99. Exits 4 when no connection can be made, 1 when a request fails or an\n"
    "echo differs. HOST is a numeric IPv4 or IPv6 address ([::1]:9000) or localhost.\n"
    "Record the server with 'sockscope serve --trace' and put both on one time axis\n"
    "with 'sockscope merge' (docs/multi-host.md).\n\n"
    "  --trace FILE                 where to write the trace (default sockscope-load.sstrace)\n"
    "  --json                       print the summary as stats --json does\n"
    "  --quiet                      no progress lines\n"
    "  --no-wait-detect             do not measure whether blocking calls really waited\n";
/* clang-format on */

static void print_load_help(void)
{
    fputs(load_help, stdout);
    printf("\nclients ([clients] keys; -c, -n, -s for the first three):\n");
    ss_scenario_print_flags(stdout, "clients");
    printf("\nspecial clients ([special] keys):\n");
    ss_scenario_print_flags(stdout, "special");
    printf("  %-28s %s\n", "--seed N", "random seed: message sizes repeat exactly");
}

/* "127.0.0.1:9000", "[::1]:9000", "localhost:9000" -> host (in buf) and port */
static int split_target(const char *t, char *host, size_t n, long *port, char *err)
{
    const char *colon = strrchr(t, ':');
    const char *h = t, *hend = colon;
    if (t[0] == '[') {
        const char *close = strchr(t, ']');
        if (!close || close[1] != ':') {
            snprintf(err, ERRLEN, "'%s' is not HOST:PORT (an IPv6 address goes in brackets: [::1]:9000)", t);
            return -1;
        }
        h = t + 1;
        hend = close;
        colon = close + 1;
    }
    if (!colon || hend == h || (t[0] != '[' && strchr(h, ':') != colon)) {
        snprintf(err, ERRLEN, "'%s' is not HOST:PORT (e.g. 127.0.0.1:9000 or [::1]:9000)", t);
        return -1;
    }
    snprintf(host, n, "%.*s", (int)(hend - h), h);
    return ss_parse_long(colon + 1, 1, 65535, port, "the port", err, ERRLEN);
}

typedef struct load_args {
    const char *trace, *target;
    int json, quiet;
    ss_rec_opts ro;
} load_args;

/* the flags on top of the defaults of `run`; returns -1 to go on, or an exit code */
static int load_parse(int argc, char **argv, load_args *a, ss_scenario *sc)
{
    struct option lo[SS_SCEN_MAX_KEYS + 8];
    load_options(lo, sizeof lo / sizeof lo[0]);
    char err[ERRLEN];
    ss_scenario_defaults(sc);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:n:s:t:qh", lo, NULL)) != -1) {
        if (c == 'c' || c == 'n' || c == 's')
            c = ss_cli_key_by_flag(c == 'c' ? "clients" : c == 'n' ? "messages" : "size", OPT_KEY);
        if (c >= OPT_KEY) {
            const ss_scen_key *k = ss_scenario_key((size_t)(c - OPT_KEY));
            char label[64];
            snprintf(label, sizeof label, "--%s", k->flag);
            if (ss_scenario_set(sc, k->section, k->key, k->arg ? optarg : "true", label, err, ERRLEN) != 0)
                return ss_cli_fail(SS_EXIT_USAGE, "%s", err);
            continue;
        }
        switch (c) {
        case 't': a->trace = optarg; break;
        case OPT_JSON: a->json = 1; break;
        case 'q': a->quiet = 1; break;
        case OPT_NO_WAIT: a->ro.detect_waits = 0; break;
        case 'h': print_load_help(); return 0;
        default:
            return ss_cli_fail(SS_EXIT_USAGE, "%s",
                               "see 'sockscope load --help' (server and network options belong to the server's host)");
        }
    }
    if (optind + 1 != argc)
        return ss_cli_fail(SS_EXIT_USAGE, "%s",
                           optind < argc ? "load takes one HOST:PORT (see 'sockscope load --help')"
                                         : "load needs HOST:PORT, the echo server to drive (e.g. 127.0.0.1:9000)");
    a->target = argv[optind];
    if (ss_scenario_validate(sc, err, ERRLEN) != 0)
        return ss_cli_fail(SS_EXIT_USAGE, "%s", err);
    return -1;
}

static int print_summary(const load_args *a, const ss_workload_result *res, int rc)
{
    char err[ERRLEN];
    ss_stats st;
    if (ss_stats_load(a->trace, &st, err, ERRLEN) != 0)
        return ss_cli_fail(SS_EXIT_BADINPUT, "%s", err);
    if (a->json) {
        ss_stats_print_json(stdout, &st);
    } else {
        /* the clients' verdict, then what the trace says (req/s, latency: as `stats` has them) */
        printf("\nload %s: %ld requests ok, %ld failed (%ld echoes differed), %ld connections\n", a->target,
               res->requests_ok, res->requests_failed, res->mismatches, res->connections);
        for (int i = 0; i < st.nruns; i++) {
            const ss_run_stats *r = &st.runs[i];
            printf("  %.0f req/s; latency p50 %.1f us, p99 %.1f us, max %.1f us\n", ss_run_rps(r),
                   ss_hist_pct_of(r->latency, 50) / 1e3, ss_hist_pct_of(r->latency, 99) / 1e3,
                   ss_hist_max_of(r->latency) / 1e3);
        }
        printf("\n");
        ss_stats_print_table(stdout, &st);
        printf("\ntrace: %s  (details: sockscope stats %s)\n", a->trace, a->trace);
    }
    ss_stats_free(&st);
    return rc;
}

int ss_cmd_load(int argc, char **argv)
{
    load_args a = {.trace = "sockscope-load.sstrace", .ro = {0, 1, 0}};
    ss_scenario *sc = calloc(1, sizeof *sc);
    if (!sc)
        return ss_cli_fail(SS_EXIT_ENV, "%s", "out of memory");
    int rc = load_parse(argc, argv, &a, sc);
    char host[256], err[ERRLEN];
    long port = 0;
    ss_addr addr;
    if (rc < 0 && (split_target(a.target, host, sizeof host, &port, err) != 0 ||
                   ss_addr_parse(host, (int)port, &addr, err, ERRLEN) != 0))
        rc = ss_cli_fail(SS_EXIT_USAGE, "%s", err);
    if (rc >= 0) {
        free(sc);
        return rc;
    }
    ss_workload_opts w = sc->w;
    w.host = host;
    w.port = (int)port;
    w.endpoints = 1;
    ss_run_ignore_sigpipe();
    if (ss_rec_open(a.trace, &a.ro, err, ERRLEN) != 0) {
        free(sc);
        return ss_cli_fail(SS_EXIT_ENV, "%s", err);
    }
    ss_run_progress pg = {"load", 1, 1, isatty(2), a.quiet};
    ss_workload_result res;
    rc = ss_run_load(&w, a.target, &pg, &res, err, ERRLEN);
    if (rc != 0)
        fprintf(stderr, "sockscope: %s\n", err);
    char cerr[ERRLEN];
    int closed = ss_rec_close(cerr, ERRLEN);
    free(sc);
    if (closed != 0)
        return ss_cli_fail(SS_EXIT_FAIL, "%s", cerr);
    return rc == SS_EXIT_ENV ? rc : print_summary(&a, &res, rc);
}
