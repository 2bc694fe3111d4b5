#include "sim/trace/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

static double g_ns_per_tick = 1.0;
static char g_name[96] = "CLOCK_MONOTONIC";
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

uint64_t ss_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t ss_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#ifdef SS_CLOCK_TSC
/* Calibrate over ~20 ms: the error of the two clock_gettime reads (tens of ns)
 * is then below 1e-5 of the interval. Invariant TSC is assumed (constant_tsc,
 * nonstop_tsc), which every x86-64 CPU of the last decade provides. */
static void calibrate(void)
{
    uint64_t m0 = ss_mono_ns(), t0 = ss_ticks();
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    uint64_t m1 = ss_mono_ns(), t1 = ss_ticks();
    if (t1 > t0 && m1 > m0) {
        g_ns_per_tick = (double)(m1 - m0) / (double)(t1 - t0);
        snprintf(g_name, sizeof g_name, "tsc@%.3fGHz (calibrated vs CLOCK_MONOTONIC)", 1.0 / g_ns_per_tick);
    }
}
#else
uint64_t ss_ticks(void) { return ss_mono_ns(); }
static void calibrate(void) {}
#endif

void ss_clock_init(void) { pthread_once(&g_once, calibrate); }
double ss_clock_ns_per_tick(void) { ss_clock_init(); return g_ns_per_tick; }
const char *ss_clock_name(void) { ss_clock_init(); return g_name; }
