/* cli_int.h — what the subcommands' files share (cli.c, load.c, merge.c):
 * the error line, and the command-line flags made from the scenario keys.
 * Not a public header. */
#ifndef SS_CLI_INT_H
#define SS_CLI_INT_H

#include <getopt.h>
#include <stddef.h>

#include "sim/run/scenario.h"

/* "sockscope: " + fmt (one %s: msg) on stderr; returns code */
int ss_cli_fail(int code, const char *fmt, const char *msg);

/* Appends to lo (which holds n options, room for max) one long option per
 * scenario key with a flag that want() takes (NULL: every one), its value
 * base + the key's index; ends the table. */
void ss_cli_scen_options(struct option *lo, size_t n, size_t max, int (*want)(const ss_scen_key *k), int base);
/* base + the index of the key whose flag this is ('?' if none) */
int ss_cli_key_by_flag(const char *flag, int base);

#endif
