/* fuzz_scenario.c — libFuzzer harness for the scenario parser
 * (sim/run/scenario.c: ss_scenario_parse, INI text in memory), then what
 * `sockscope run` does with a scenario it accepted: scale it and check it
 * again. An error must be a message, never a crash or undefined behaviour. */
#include <string.h>

#include "sim/run/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ss_scenario sc; /* ~10 KiB: kept off the stack */
    char err[512];
    if (ss_scenario_parse(&sc, (const char *)data, size, "fuzz.ini", err, sizeof err) != 0)
        return 0;
    ss_scenario_scale(&sc, 0.1);
    (void)ss_scenario_validate(&sc, err, sizeof err);
    return 0;
}
