/* anchor.c — one reading of the trace clock against CLOCK_REALTIME, for
 * the CLKA chunks that let `sockscope merge` put traces from several hosts
 * on one time axis. Shared by the recorder and the interposer's spool. */
#include <stdlib.h>

#include "sim/trace/clock.h"

ss_anchor_reading ss_clock_anchor_read(void)
{
    ss_anchor_reading r = {0, 0, UINT64_MAX};
    for (int i = 0; i < 7; i++) {
        uint64_t a = ss_ticks(), w = ss_wall_ns(), b = ss_ticks();
        if (b >= a && b - a < r.gap_ticks) {
            r.gap_ticks = b - a;
            r.ticks = a + (b - a) / 2;
            r.real_ns = w;
        }
    }
    const char *shift = getenv("SOCKSCOPE_TEST_ANCHOR_SHIFT_NS");
    if (shift && *shift)
        r.real_ns += (uint64_t)strtoll(shift, NULL, 10);
    return r;
}
