#include "sim/stopsig.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

/* SIGINT/SIGTERM are blocked in every thread (threads inherit the mask) and
 * taken with sigtimedwait by the thread that waits. */
static sigset_t stop_set;

void ss_stopsig_init(void)
{
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGINT);
    sigaddset(&stop_set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
}

int ss_stopsig_wait(int ms)
{
    struct timespec slice = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(&stop_set, NULL, &slice);
    return sig == SIGINT || sig == SIGTERM;
}

void ss_stopsig_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
