#include "cli/stopsig.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* The path lives in a static buffer: the handler may only use
 * async-signal-safe calls (unlink, signal, raise), and reads a buffer
 * that is complete before the handler is installed. */
static char remove_path[4096];

static void remove_and_die(int sig)
{
    if (remove_path[0])
        unlink(remove_path);
    signal(sig, SIG_DFL);
    raise(sig); /* die of the signal: the shell sees 130 / 143 as usual */
}

void ss_stopsig_remove_on_stop(const char *path)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL); /* no handler while the path changes */
    sigaction(SIGTERM, &sa, NULL);
    remove_path[0] = 0;
    if (!path || snprintf(remove_path, sizeof remove_path, "%s", path) >= (int)sizeof remove_path)
        return;
    sa.sa_handler = remove_and_die;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
