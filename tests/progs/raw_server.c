/* raw_server — makes its socket calls as raw system calls, as Go programs
 * and liburing's inline calls do: the interposer is loaded but sees none of
 * them, and `sockscope trace` must say so rather than write an empty trace.
 * usage: raw_server PORT (listens, then exits) */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long s = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)(argc > 1 ? atoi(argv[1]) : 0));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    syscall(SYS_bind, s, &a, sizeof a);
    syscall(SYS_listen, s, 16);
    syscall(SYS_close, s);
    return 0;
}
