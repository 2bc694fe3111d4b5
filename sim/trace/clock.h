/* clock.h — the trace clock: cheap raw ticks on the hot path, converted to
 * nanoseconds off it. On x86-64 with an invariant TSC the ticks are RDTSC,
 * calibrated once against CLOCK_MONOTONIC; on Windows QueryPerformanceCounter
 * (sim/trace/clock_win.c); elsewhere CLOCK_MONOTONIC itself. */
#ifndef SS_CLOCK_H
#define SS_CLOCK_H

#include <stdint.h>

#if defined(__x86_64__) && !defined(SS_NO_TSC) && !defined(_WIN32)
#include <x86intrin.h>
#define SS_CLOCK_TSC 1
static inline uint64_t ss_ticks(void) { return __rdtsc(); }
#else
uint64_t ss_ticks(void);
#endif

void        ss_clock_init(void);        /* idempotent; calibrates (~20 ms) once */
double      ss_clock_ns_per_tick(void);
const char *ss_clock_name(void);        /* e.g. "tsc@2.994GHz (calibrated vs CLOCK_MONOTONIC)" */
uint64_t    ss_mono_ns(void);           /* CLOCK_MONOTONIC in ns */
uint64_t    ss_wall_ns(void);           /* CLOCK_REALTIME in ns */

/* ticks -> ns relative to a base tick value */
/* Where the trace clock stands against CLOCK_REALTIME: of a few (ticks,
 * real, ticks) readings the one with the shortest gap; the real time lies
 * within half that gap of `ticks`. SOCKSCOPE_TEST_ANCHOR_SHIFT_NS (tests
 * only) is added to the real time, to play a host whose clock is off. */
typedef struct ss_anchor_reading {
    uint64_t ticks, real_ns, gap_ticks;
} ss_anchor_reading;
ss_anchor_reading ss_clock_anchor_read(void);

static inline uint64_t ss_ticks_to_ns(uint64_t ticks, uint64_t base, double ns_per_tick)
{
    return ticks > base ? (uint64_t)((double)(ticks - base) * ns_per_tick) : 0;
}

#endif
