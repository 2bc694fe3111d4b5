/* The echo-rule matrix: every available model, with its default options
 * and with each option variant echocheck.c lists, against every echo rule
 * that applies to it (echocheck.h): byte-exact echo with many concurrent
 * clients, tiny socket buffers, sends that must stall, a reset in the middle
 * of a message, a half-close, and resets and half-closes while other
 * clients are served. One test per row and rule: "rule/model[variant]". */
#include "echocheck.h"

int main(void)
{
    size_t n;
    struct CMUnitTest *tests = ec_matrix(&n);
    return _cmocka_run_group_tests("echo", tests, n, NULL, NULL);
}
