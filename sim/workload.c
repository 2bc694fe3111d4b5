#include "sim/workload.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "sim/clock.h"
#include "sim/net.h"
#include "sim/probe.h"
#include "sim/recorder.h"

typedef struct shared {
    const ss_workload_opts *o;
    ss_addr addr;
    _Atomic long ok, failed, mismatches, connect_failures;
    _Atomic uint64_t bytes;
    pthread_mutex_t lock;
    char first_error[200];
} shared;

typedef struct client {
    shared *sh;
    int id;
    pthread_t thread;
} client;

static void fail(shared *sh, int id, const char *what, int e)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->first_error[0])
        snprintf(sh->first_error, sizeof sh->first_error, "client %d: %s%s%s", id, what, e ? ": " : "",
                 e ? strerror(e) : "");
    pthread_mutex_unlock(&sh->lock);
}

static int send_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = ss_send(fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int recv_all(int fd, unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = ss_recv(fd, p, n, MSG_WAITALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 ? -2 : -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void think(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms * 1e6) % 1000000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int client_connect(client *c)
{
    shared *sh = c->sh;
    int fd = ss_socket(sh->addr.ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) {
        fail(sh, c->id, "socket() failed", errno);
        return -1;
    }
    if (sh->o->rcvbuf > 0)
        ss_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sh->o->rcvbuf, sizeof sh->o->rcvbuf);
    struct timeval tv = {sh->o->timeout_s > 0 ? sh->o->timeout_s : 30, 0};
    ss_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (ss_connect(fd, (struct sockaddr *)&sh->addr.ss, sh->addr.len) != 0) {
        fail(sh, c->id, "connect() failed", errno);
        ss_close(fd);
        return -1;
    }
    return fd;
}

static void *client_main(void *arg)
{
    client *c = arg;
    shared *sh = c->sh;
    const ss_workload_opts *o = sh->o;
    char name[32];
    snprintf(name, sizeof name, "client %d", c->id);
    ss_thread_begin(SS_ROLE_CLIENT, name);
    unsigned char *out = malloc((size_t)o->size), *in = malloc((size_t)o->size);
    int fd = out && in ? client_connect(c) : -1;
    if (fd < 0) {
        atomic_fetch_add(&sh->connect_failures, 1);
        atomic_fetch_add(&sh->failed, o->messages);
    }
    for (int m = 0; fd >= 0 && m < o->messages; m++) {
        for (int i = 0; i < o->size; i++)
            out[i] = ss_pattern_byte(c->id, m, i, o->size);
        uint64_t t0 = ss_ticks();
        int rc = send_all(fd, out, (size_t)o->size);
        if (rc == 0)
            rc = recv_all(fd, in, (size_t)o->size);
        int bad = rc == 0 && memcmp(in, out, (size_t)o->size) != 0;
        uint64_t id = (uint64_t)c->id << 32 | (uint32_t)m;
        ss_note(SS_API_REQUEST, fd, (uint64_t)o->size, rc == 0 && !bad ? o->size : -1, id, 0,
                rc == 0 && !bad ? 0 : SS_EV_FAILED, t0, ss_ticks());
        if (rc != 0 || bad) {
            if (bad) {
                atomic_fetch_add(&sh->mismatches, 1);
                fail(sh, c->id, "echoed bytes differ from the bytes sent", 0);
            } else {
                fail(sh, c->id, rc == -2 ? "server closed the connection early" : "send/recv failed",
                     rc == -2 ? 0 : errno);
            }
            atomic_fetch_add(&sh->failed, o->messages - m);
            break;
        }
        atomic_fetch_add(&sh->ok, 1);
        atomic_fetch_add(&sh->bytes, (uint64_t)o->size * 2);
        if (m + 1 < o->messages)
            think(o->think_ms);
    }
    if (fd >= 0)
        ss_close(fd);
    free(out);
    free(in);
    ss_thread_end();
    return NULL;
}

int ss_workload_run(const ss_workload_opts *o, ss_workload_result *res, ss_progress_fn progress, void *ud)
{
    memset(res, 0, sizeof *res);
    shared sh = {.o = o};
    pthread_mutex_init(&sh.lock, NULL);
    if (ss_addr_parse(o->host, o->port, &sh.addr, res->first_error, sizeof res->first_error) != 0)
        return -1;
    client *cs = calloc((size_t)o->clients, sizeof *cs);
    if (!cs) {
        snprintf(res->first_error, sizeof res->first_error, "out of memory for %d clients", o->clients);
        return -1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    int started = 0;
    for (int i = 0; i < o->clients; i++) {
        cs[i].sh = &sh;
        cs[i].id = i;
        if (pthread_create(&cs[i].thread, &attr, client_main, &cs[i]) != 0) {
            fail(&sh, i, "cannot start client thread (raise the thread limit or use fewer clients)", 0);
            atomic_fetch_add(&sh.failed, (long)(o->clients - i) * o->messages);
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    long total = (long)o->clients * o->messages;
    /* Joining in order doubles as the progress loop: report while waiting. */
    for (int i = 0; i < started; i++) {
        while (progress && pthread_tryjoin_np(cs[i].thread, NULL) == EBUSY) {
            progress(ud, atomic_load(&sh.ok) + atomic_load(&sh.failed), total);
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
        }
        if (!progress)
            pthread_join(cs[i].thread, NULL);
    }
    if (progress)
        progress(ud, atomic_load(&sh.ok) + atomic_load(&sh.failed), total);
    res->requests_ok = atomic_load(&sh.ok);
    res->requests_failed = atomic_load(&sh.failed);
    res->mismatches = atomic_load(&sh.mismatches);
    res->connect_failures = atomic_load(&sh.connect_failures);
    res->bytes = atomic_load(&sh.bytes);
    memcpy(res->first_error, sh.first_error, sizeof res->first_error);
    free(cs);
    pthread_mutex_destroy(&sh.lock);
    return res->requests_failed == 0 ? 0 : -1;
}
