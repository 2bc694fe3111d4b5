/* clock_win.c — the trace clock on Windows: QueryPerformanceCounter, as the
 * Windows instrumentation guidance asks. Its rate comes from
 * QueryPerformanceFrequency (fixed at boot: no calibration needed); on
 * current Windows it is the invariant TSC divided down to 10 MHz, so a tick
 * is 100 ns. Wall time is GetSystemTimePreciseAsFileTime. */
#include "sim/trace/clock.h"

#include <stdio.h>
#include <windows.h>

static double g_ns_per_tick = 1.0;
static char g_name[96] = "QueryPerformanceCounter";
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_once(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    LARGE_INTEGER f;
    if (QueryPerformanceFrequency(&f) && f.QuadPart > 0) {
        g_ns_per_tick = 1e9 / (double)f.QuadPart;
        snprintf(g_name, sizeof g_name, "QueryPerformanceCounter@%.3fMHz", (double)f.QuadPart / 1e6);
    }
    return TRUE;
}

void ss_clock_init(void) { InitOnceExecuteOnce(&g_once, init_once, NULL, NULL); }
double ss_clock_ns_per_tick(void) { ss_clock_init(); return g_ns_per_tick; }
const char *ss_clock_name(void) { ss_clock_init(); return g_name; }

uint64_t ss_ticks(void)
{
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (uint64_t)t.QuadPart;
}

uint64_t ss_mono_ns(void) { return (uint64_t)((double)ss_ticks() * ss_clock_ns_per_tick()); }

uint64_t ss_wall_ns(void)
{
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    uint64_t t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime; /* 100 ns since 1601 */
    return (t - 116444736000000000ull) * 100ull;                         /* ns since 1970 */
}
