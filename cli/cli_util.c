/* cli_util.c — the pieces the subcommands share (cli_int.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

int ss_cli_fail(int code, const char *fmt, const char *msg)
{
    fprintf(stderr, "sockscope: ");
    fprintf(stderr, fmt, msg);
    fputc('\n', stderr);
    return code;
}

void ss_cli_scen_options(struct option *lo, size_t n, size_t max, int (*want)(const ss_scen_key *k), int base)
{
    for (size_t i = 0; i < ss_scenario_nkeys() && n + 1 < max; i++) {
        const ss_scen_key *k = ss_scenario_key(i);
        if (k->flag && (!want || want(k)))
            lo[n++] = (struct option){k->flag, k->arg ? required_argument : no_argument, 0, base + (int)i};
    }
    lo[n] = (struct option){0, 0, 0, 0};
}

int ss_cli_key_by_flag(const char *flag, int base)
{
    for (size_t i = 0; i < ss_scenario_nkeys(); i++)
        if (ss_scenario_key(i)->flag && strcmp(ss_scenario_key(i)->flag, flag) == 0)
            return base + (int)i;
    return '?';
}
