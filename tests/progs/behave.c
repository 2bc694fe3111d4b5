/* behave — the interposer must never change what a program sees (docs/trace-
 * any-program.md): return values, errno on success and on failure, blocking
 * modes, descriptors that are not sockets, socket calls made inside a signal
 * handler that interrupts other socket calls, fork. Prints one line per
 * check and exits 0 when every one held; tests/cli_trace.py runs it with
 * and without `sockscope trace` and wants the same lines. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed;

static void check(int ok, const char *what, long got, int err)
{
    printf("%s %s: %ld %s\n", ok ? "ok  " : "FAIL", what, got, err ? strerror(err) : "-");
    failed += !ok;
}

static int hsock[2];
static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
    (void)sig;
    int e = errno;
    char c = 'h';
    if (send(hsock[0], &c, 1, MSG_DONTWAIT) == 1) /* a socket call inside a handler */
        fired++;
    errno = e;
}

int main(void)
{
    int sv[2], p[2];
    char buf[64];

    errno = 4242; /* a successful call leaves errno alone */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    check(s >= 0 && errno == 4242, "socket keeps errno on success", errno, 0);
    close(s);

    errno = 0;
    long r = recv(-1, buf, 1, 0);
    check(r == -1 && errno == EBADF, "recv(-1) fails with EBADF", r, errno);
    pipe(p);
    r = recv(p[0], buf, 1, MSG_DONTWAIT);
    check(r == -1 && errno == ENOTSOCK, "recv on a pipe fails with ENOTSOCK", r, errno);
    r = write(p[1], "pipe", 4);
    check(r == 4, "write on a pipe", r, 0);
    r = read(p[0], buf, sizeof buf);
    check(r == 4 && memcmp(buf, "pipe", 4) == 0, "read on a pipe", r, 0);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    r = recv(sv[0], buf, 1, MSG_DONTWAIT);
    check(r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK), "recv MSG_DONTWAIT would block", r, errno);
    int fl = fcntl(sv[0], F_GETFL);
    check(fl >= 0 && !(fl & O_NONBLOCK), "fcntl F_GETFL: blocking", fl, 0);
    r = fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
    check(r == 0, "fcntl F_SETFL O_NONBLOCK", r, 0);
    r = read(sv[0], buf, sizeof buf);
    check(r == -1 && errno == EAGAIN, "read on a non-blocking socket would block", r, errno);
    int on = 0;
    r = ioctl(sv[0], FIONBIO, &on);
    check(r == 0 && !(fcntl(sv[0], F_GETFL) & O_NONBLOCK), "ioctl FIONBIO 0: blocking again", r, 0);
    r = write(sv[1], "sock", 4);
    check(r == 4, "write on a socket", r, 0);
    r = read(sv[0], buf, sizeof buf);
    check(r == 4 && memcmp(buf, "sock", 4) == 0, "read on a socket", r, 0);
    int d = fcntl(sv[1], F_DUPFD, 100);
    check(d >= 100 && send(d, "dup", 3, 0) == 3 && recv(sv[0], buf, 3, 0) == 3, "F_DUPFD'd socket sends", d, 0);
    r = dup2(p[0], d); /* the number now names a pipe */
    check(r == d && write(p[1], "x", 1) == 1 && read(d, buf, 1) == 1, "dup2 over a socket: a pipe now", r, 0);
    close(d);
    r = close(d);
    check(r == -1 && errno == EBADF, "close twice: EBADF", r, errno);

    struct timeval tv = {0, 0};
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(sv[0], &rs);
    r = select(sv[0] + 1, &rs, NULL, NULL, &tv);
    check(r == 0, "select, nothing ready, no wait", r, 0);
    struct pollfd pf = {sv[0], POLLIN, 0};
    r = poll(&pf, 1, 0);
    check(r == 0, "poll, nothing ready, no wait", r, 0);
    r = accept(sv[0], NULL, NULL);
    check(r == -1 && errno == EINVAL, "accept on a connected socket: EINVAL", r, errno);
    r = shutdown(sv[1], SHUT_WR);
    check(r == 0 && recv(sv[0], buf, 1, 0) == 0, "shutdown: the peer reads EOF", r, 0);

    /* socket calls in a signal handler, interrupting socket calls: 20000
     * round trips while SIGALRM fires every 50 µs */
    socketpair(AF_UNIX, SOCK_STREAM, 0, hsock);
    int fast[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, fast);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &it, NULL);
    long ok = 0;
    for (int i = 0; i < 20000; i++) {
        if (send(fast[0], "ping-pong", 8, 0) == 8 && recv(fast[1], buf, 8, MSG_WAITALL) == 8 &&
            memcmp(buf, "ping-pon", 8) == 0)
            ok++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    long got = 0;
    while ((r = recv(hsock[1], buf, sizeof buf, MSG_DONTWAIT)) > 0)
        got += r;
    check(ok == 20000, "20000 round trips under a signal storm", ok, 0);
    check(got == fired && fired > 0, "every handler's send arrived", got, 0);

    r = prctl(PR_SET_NAME, "behaving", 0, 0, 0);
    check(r == 0, "prctl PR_SET_NAME", r, 0);
    r = pthread_setname_np(pthread_self(), "still-behaving");
    check(r == 0, "pthread_setname_np", r, 0);

    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        _exit(c >= 0 && close(c) == 0 ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child makes socket calls", status, 0);
    printf("%s\n", failed ? "SOME FAILED" : "all held");
    return failed ? 1 : 0;
}
