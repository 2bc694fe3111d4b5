#include "sim/load/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sim/probe/probe.h"

int ss_addr_parse(const char *host, int port, ss_addr *out, char *err, size_t n)
{
    memset(out, 0, sizeof *out);
    if (port < 0 || port > 65535) {
        snprintf(err, n, "port %d is out of range (0-65535)", port);
        return -1;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        out->len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        out->len = sizeof *v6;
        return 0;
    }
    snprintf(err, n, "'%s' is not a numeric IPv4/IPv6 address (try 127.0.0.1 or ::1)", host);
    return -1;
}

int ss_listen_on(const char *host, int port, const ss_listen_opts *o, int *bound_port, char *err, size_t n)
{
    ss_addr a;
    if (ss_addr_parse(host, port, &a, err, n) != 0)
        return -1;
    int fd = ss_socket(a.ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, n, "socket() failed: %s", strerror(errno));
        return -1;
    }
    int on = 1;
    ss_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (o->rcvbuf > 0)
        ss_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf, sizeof o->rcvbuf);
    if (o->sndbuf > 0)
        ss_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &o->sndbuf, sizeof o->sndbuf);
    if (o->nodelay)
        ss_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (ss_bind(fd, (struct sockaddr *)&a.ss, a.len) != 0) {
        int e = errno;
        if (e == EADDRINUSE)
            snprintf(err, n, "port %d on %s is already in use: stop the other server or pass --port with a free port (0 picks one)", port, host);
        else if (e == EADDRNOTAVAIL)
            snprintf(err, n, "cannot bind %s: no such local address", host);
        else if (e == EACCES)
            snprintf(err, n, "binding port %d needs privileges: use a port above 1023", port);
        else
            snprintf(err, n, "bind(%s:%d) failed: %s", host, port, strerror(e));
        ss_close(fd);
        return -1;
    }
    if (ss_listen(fd, o->backlog) != 0) {
        snprintf(err, n, "listen() failed: %s", strerror(errno));
        ss_close(fd);
        return -1;
    }
    struct sockaddr_storage got;
    socklen_t len = sizeof got;
    if (bound_port) {
        *bound_port = port;
        if (ss_getsockname(fd, (struct sockaddr *)&got, &len) == 0)
            *bound_port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
                                                          : ((struct sockaddr_in *)&got)->sin_port);
    }
    return fd;
}

int ss_nofile_ensure(long need, long *limit, char *err, size_t n)
{
#ifdef _WIN32 /* sockets are handles: no per-process descriptor limit to raise */
    (void)need, (void)err, (void)n;
    if (limit)
        *limit = -1;
    return 0;
#else
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        snprintf(err, n, "getrlimit(RLIMIT_NOFILE) failed: %s", strerror(errno));
        return -1;
    }
    int raise_err = 0;
    if (rl.rlim_max != RLIM_INFINITY && (rlim_t)need > rl.rlim_max) {
        struct rlimit want = {(rlim_t)need, (rlim_t)need};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            rl = want;
        else
            raise_err = errno;
    }
    if (rl.rlim_cur < rl.rlim_max && (rlim_t)need > rl.rlim_cur) {
        struct rlimit want = {rl.rlim_max, rl.rlim_max}; /* soft up to hard: always allowed */
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            rl.rlim_cur = rl.rlim_max;
    }
    if (limit)
        *limit = rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
    if (rl.rlim_cur == RLIM_INFINITY || (rlim_t)need <= rl.rlim_cur)
        return 0;
    snprintf(err, n,
             "this run needs about %ld open descriptors in one process (clients and server share it), "
             "but the limit is %llu and raising the hard limit was refused (%s): use fewer clients, "
             "raise it (ulimit -Hn, limits.conf; needs CAP_SYS_RESOURCE), or run the clients in "
             "another process as sockscope-scale-bench does",
             need, (unsigned long long)rl.rlim_cur, raise_err ? strerror(raise_err) : "not attempted");
    return -1;
#endif
}
