#include "cli/multihost.h"
#include <stdio.h>
int ss_cmd_merge(int argc, char **argv) { (void)argc; (void)argv; return 2; }
