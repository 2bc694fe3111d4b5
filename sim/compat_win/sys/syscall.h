/* <sys/syscall.h> for mingw-w64: the recorder asks syscall(SYS_gettid) for
 * the OS thread id it writes into the trace; on Windows that is
 * GetCurrentThreadId(). No other system call number is provided. */
#ifndef SS_COMPAT_SYS_SYSCALL_H
#define SS_COMPAT_SYS_SYSCALL_H
#include "../ss_compat.h"

#define SYS_gettid 186
static inline long syscall(long number, ...)
{
    return number == SYS_gettid ? (long)GetCurrentThreadId() : -1;
}
#endif
