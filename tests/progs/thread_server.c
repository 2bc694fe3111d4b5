/* thread_server — a thread per client (the textbook's concurrent server,
 * table 11-4): the main thread, named "acceptor", accepts; each client gets
 * a thread with blocking recv/send. Threads are named the two ways programs
 * name them: even clients name themselves (prctl PR_SET_NAME, "client-N"),
 * odd ones are named by the acceptor right after pthread_create
 * (pthread_setname_np, "worker-N"). usage: thread_server PORT [CONNECTIONS] */
#include <errno.h>
#include <pthread.h>
#include <sys/prctl.h>

#include "common.h"

typedef struct job {
    int sock;
    long n;
} job;

static void *serve(void *arg)
{
    job *j = arg;
    if (j->n % 2 == 0) {
        char name[16];
        snprintf(name, sizeof name, "client-%d", (int)(j->n % 100000));
        prctl(PR_SET_NAME, name, 0, 0, 0);
    }
    char buf[BUFSIZE];
    for (;;) {
        ssize_t r = recv(j->sock, buf, sizeof buf, 0);
        if (r <= 0)
            break;
        for (ssize_t sent = 0; sent < r;) {
            ssize_t w = send(j->sock, buf + sent, (size_t)(r - sent), 0);
            if (w <= 0)
                goto done;
            sent += w;
        }
    }
done:
    close(j->sock);
    free(j);
    return NULL;
}

int main(int argc, char **argv)
{
    long max_conns, accepted = 0;
    pthread_setname_np(pthread_self(), "acceptor");
    int listen_sock = listen_on(argc, argv, &max_conns);
    pthread_t threads[1024];
    while (!max_conns || accepted < max_conns) {
        int client = accept(listen_sock, NULL, NULL);
        if (client < 0) {
            if (errno == EINTR)
                continue;
            err_quit("accept");
        }
        job *j = malloc(sizeof *j);
        if (!j)
            err_quit("malloc");
        j->sock = client;
        j->n = accepted;
        pthread_t th;
        if (pthread_create(&th, NULL, serve, j) != 0)
            err_quit("pthread_create");
        if (accepted % 2 == 1) {
            char name[16];
            snprintf(name, sizeof name, "worker-%d", (int)(accepted % 100000));
            pthread_setname_np(th, name);
        }
        if (accepted < 1024)
            threads[accepted] = th;
        else
            pthread_detach(th);
        accepted++;
    }
    for (long i = 0; i < accepted && i < 1024; i++)
        pthread_join(threads[i], NULL);
    close(listen_sock);
    return 0;
}
