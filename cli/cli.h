/* cli.h — the sockscope command line: one function per subcommand. */
#ifndef SS_CLI_H
#define SS_CLI_H

int ss_cli_main(int argc, char **argv);

#endif
