/* trace_cmd.h — the `sockscope trace` subcommand (sim/interpose/trace_cmd.c). */
#ifndef SS_INTERPOSE_TRACE_CMD_H
#define SS_INTERPOSE_TRACE_CMD_H

int ss_cli_trace(int argc, char **argv);

#endif
