/* <sys/resource.h> for mingw-w64: getrusage() on GetThreadTimes /
 * GetProcessTimes, enough for the recorder's per-thread and per-run CPU time.
 * ru_nvcsw/ru_nivcsw are 0: Windows keeps a thread's context switch count
 * only in a whole-system snapshot, so sim/probe/probe_win.c decides "really
 * waited" another way (docs/windows.md). */
#ifndef SS_COMPAT_SYS_RESOURCE_H
#define SS_COMPAT_SYS_RESOURCE_H
#include "../ss_compat.h"

#define RUSAGE_SELF 0
#define RUSAGE_THREAD 1

struct rusage {
    struct timeval ru_utime, ru_stime;
    long ru_nvcsw, ru_nivcsw;
};

static inline void ss_ft_to_tv(const FILETIME *ft, struct timeval *tv)
{
    unsigned long long t = ((unsigned long long)ft->dwHighDateTime << 32 | ft->dwLowDateTime) / 10; /* 100 ns -> us */
    tv->tv_sec = (long)(t / 1000000);
    tv->tv_usec = (long)(t % 1000000);
}

static inline int getrusage(int who, struct rusage *ru)
{
    FILETIME c, e, k, u;
    BOOL ok = who == RUSAGE_THREAD ? GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u)
                                   : GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
    memset(ru, 0, sizeof *ru);
    if (!ok)
        return -1;
    ss_ft_to_tv(&u, &ru->ru_utime);
    ss_ft_to_tv(&k, &ru->ru_stime);
    return 0;
}
#endif
