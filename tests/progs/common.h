/* common.h — what the outside test servers share (tests/progs): the
 * textbook's 512-byte buffer, a listening socket on 127.0.0.1:PORT, and
 * "stop after N connections" so a test can let a server end by itself.
 * These are programs sockscope did not write: they call libc directly and
 * know nothing of sockscope (sockscope trace records them from outside). */
#ifndef SS_PROGS_COMMON_H
#define SS_PROGS_COMMON_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZE 512

static void err_quit(const char *what)
{
    perror(what);
    exit(1);
}

/* usage: PROG PORT [CONNECTIONS]: serve until CONNECTIONS clients have
 * come and gone (0 or none: forever, until a signal) */
static int listen_on(int argc, char **argv, long *max_conns)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [CONNECTIONS]\n", argv[0]);
        exit(2);
    }
    *max_conns = argc > 2 ? atol(argv[2]) : 0;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    if (ls < 0)
        err_quit("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0)
        err_quit("bind");
    if (listen(ls, SOMAXCONN) != 0)
        err_quit("listen");
    return ls;
}

#endif
