/* merge.c — `sockscope merge A.sstrace B.sstrace ... -o ALL.sstrace`: traces
 * recorded on several hosts on one time axis (sim/merge/merge.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/multihost.h"
#include "sim/base/util.h"
#include "sim/merge/merge.h"

/* clang-format off */
static const char merge_help[] =
    "usage: sockscope merge A.sstrace B.sstrace ... -o ALL.sstrace [--json]\n\n"
    "Put traces recorded on several hosts ('serve --trace' on one, 'load --trace'\n"
    "on others) on one time axis, as one trace: each input run becomes a run of\n"
    "its own (a process in the exports), placed against the first input's first\n"
    "run. Its clock anchors (the trace clock against CLOCK_REALTIME at the run's\n"
    "start and end) place it first; then every request between a server and its\n"
    "clients bounds the offset between their clocks (client send < server recv <=\n"
    "server send < client reply), and the offset all of them allow is taken, its\n"
    "half-width reported as the uncertainty left. Prints how each run was placed:\n"
    "  anchors ms    its start as the anchors put it, against the first run\n"
    "  rate ppm      its clock's rate against real time, minus 1 (from the anchors)\n"
    "  requests us   what the requests moved it by, +- the uncertainty left\n"
    "  pairs         requests paired; best +-: the best single pair's half\n"
    "                (round trip - server time)\n"
    "A run no request reaches keeps its anchors' offset ('anchors only': then the\n"
    "hosts' real-time clocks decide, e.g. NTP). Exits 1 when the pairs' bounds do\n"
    "not meet (the clocks drifted apart, or a pairing is wrong): the file is\n"
    "written, but its axis cannot be trusted to the figures shown.\n\n"
    "An input that is damaged or cut off is merged up to where it is readable,\n"
    "with a warning, and merge exits 3, as stats and export do.\n\n"
    "  -o, --output FILE   the merged trace (required; - for standard output: the\n"
    "                      placement then goes to standard error)\n"
    "  --json              the placement as JSON\n";
/* clang-format on */

int ss_cmd_merge(int argc, char **argv)
{
    static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                       {"json", no_argument, 0, 'j'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    const char *out = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(merge_help, stdout); return 0;
        default: fprintf(stderr, "sockscope: see 'sockscope merge --help'\n"); return SS_EXIT_USAGE;
        }
    }
    int n = argc - optind;
    if (!out || n < 1 || n > SS_MERGE_MAX_INPUTS) {
        fprintf(stderr, "sockscope: merge needs %s (see 'sockscope merge --help')\n",
                !out    ? "-o OUT"
                : n < 1 ? "at least one trace"
                        : "at most 64 traces");
        return SS_EXIT_USAGE;
    }
    const char *const *inputs = (const char *const *)argv + optind;
    for (int i = 0; i < n; i++)
        if (strcmp(inputs[i], out) == 0 && strcmp(out, "-") != 0) {
            fprintf(stderr, "sockscope: the output '%s' is one of the inputs: name a new file\n", out);
            return SS_EXIT_USAGE;
        }
    char err[512];
    ss_merge_result res;
    int rc = ss_merge(inputs, n, out, &res, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "sockscope: %s\n", err);
        return rc;
    }
    if (res.warning[0])
        fprintf(stderr, "sockscope: warning: %s\n", res.warning);
    FILE *table = strcmp(out, "-") == 0 ? stderr : stdout; /* the trace itself may be on standard output */
    if (json)
        ss_merge_print_json(table, inputs, &res);
    else
        ss_merge_print(table, inputs, &res);
    int bad = 0;
    for (int i = 0; i < res.nruns; i++)
        if (res.runs[i].inconsistent) {
            fprintf(stderr,
                    "sockscope: run %d: its request pairs disagree by %.1f us: its clock drifted against the "
                    "run it was placed against, or connections were paired wrongly\n",
                    i + 1, res.runs[i].uncertainty_ns * 2 / 1e3);
            bad = 1;
        }
    fprintf(stderr, "sockscope: wrote %llu events of %d run(s) to %s\n", (unsigned long long)res.events, res.nruns,
            out);
    int damaged = res.damaged;
    ss_merge_result_free(&res);
    return damaged ? SS_EXIT_BADINPUT : bad ? SS_EXIT_FAIL : 0; /* as export: what came before is written */
}
