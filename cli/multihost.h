/* multihost.h — the commands for servers on other hosts (docs/multi-host.md):
 * `load` drives any echo server with the built-in clients, `merge` puts
 * traces recorded on several hosts on one time axis. */
#ifndef SS_CLI_MULTIHOST_H
#define SS_CLI_MULTIHOST_H

int ss_cmd_load(int argc, char **argv);  /* cli/load.c */
int ss_cmd_merge(int argc, char **argv); /* cli/merge.c */

#endif
