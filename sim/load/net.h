/* net.h — address parsing and the listening socket. */
#ifndef SS_NET_H
#define SS_NET_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct ss_addr {
    struct sockaddr_storage ss;
    socklen_t len;
} ss_addr;

/* "127.0.0.1", "::1", "localhost"; port 0..65535. 0 on success. */
int ss_addr_parse(const char *host, int port, ss_addr *out, char *err, size_t n);

/* What the listening socket gets, for the sockets it accepts to inherit. */
typedef struct ss_listen_opts {
    int backlog;
    int rcvbuf, sndbuf; /* SO_RCVBUF / SO_SNDBUF; 0 = the system's */
    int nodelay;        /* TCP_NODELAY: Nagle off */
} ss_listen_opts;

/* socket + SO_REUSEADDR (+ the options above) + bind + listen, all probed.
 * Buffer sizes go on the listening socket so accepted sockets inherit them
 * from the handshake on: shrinking SO_RCVBUF after a connection has
 * advertised a larger window makes the kernel prune data and stall.
 * TCP_NODELAY is inherited as well (Linux copies it into every accepted
 * socket; Winsock's accept gives the new socket the listener's options).
 * Returns the fd, or -1 with a message that says what to do (e.g. port in
 * use). *bound_port gets the real port (useful with port 0). */
int ss_listen_on(const char *host, int port, const ss_listen_opts *o, int *bound_port, char *err, size_t n);

/* Makes sure this process may hold `need` open descriptors: raises the soft
 * RLIMIT_NOFILE up to the hard limit (and tries the hard one, which needs
 * CAP_SYS_RESOURCE). 0 if enough; else -1 with a message that says what the
 * system refused and what to do. *limit (may be NULL) gets the limit now. */
int ss_nofile_ensure(long need, long *limit, char *err, size_t n);

#endif
