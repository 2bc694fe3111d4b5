/* fork_server — a process per client (the textbook's concurrent server, table
 * 11-4, with processes): the parent accepts and forks; each child serves its
 * one client with blocking recv/send and exits; the parent reaps them.
 * usage: fork_server PORT [CONNECTIONS] */
#include <errno.h>
#include <sys/wait.h>

#include "common.h"

static void serve(int client)
{
    char buf[BUFSIZE];
    for (;;) {
        ssize_t r = recv(client, buf, sizeof buf, 0);
        if (r <= 0)
            break;
        for (ssize_t sent = 0; sent < r;) {
            ssize_t w = send(client, buf + sent, (size_t)(r - sent), 0);
            if (w <= 0)
                return;
            sent += w;
        }
    }
}

int main(int argc, char **argv)
{
    long max_conns, accepted = 0;
    int listen_sock = listen_on(argc, argv, &max_conns);
    while (!max_conns || accepted < max_conns) {
        int client = accept(listen_sock, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR)
                continue;
            err_quit("accept");
        }
        accepted++;
        pid_t pid = fork();
        if (pid == 0) {
            close(listen_sock);
            serve(client);
            close(client);
            _exit(0);
        }
        close(client);
        while (waitpid(-1, NULL, WNOHANG) > 0) /* children that are done */
            ;
    }
    close(listen_sock);
    while (wait(NULL) > 0)
        ;
    return 0;
}
