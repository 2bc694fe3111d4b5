/* The probes record exactly the calls that were made: a scripted client's
 * calls, API by API, and the server's for a model whose calls a script
 * determines (blocking-threads: one recv per message, one send per echo). */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sim/probe/probe.h"
#include "sim/run/server.h"
#include "sim/trace/recorder.h"
#include "sim/trace/recorder_int.h"
#include "testutil.h"

#define MESSAGES 25

typedef struct counts {
    uint64_t server[SS_API_COUNT], client[SS_API_COUNT];
    int client_thread;
} counts;

static void on_thread(void *ud, const ss_thread_meta *t)
{
    if (t->role == SS_ROLE_CLIENT)
        ((counts *)ud)->client_thread = (int)t->idx;
}

static void count(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    counts *c = ud;
    if (ev->api < SS_API_COUNT)
        ((int)thread == c->client_thread ? c->client : c->server)[ev->api]++;
}

static void scripted_client(int port)
{
    ss_thread_begin(SS_ROLE_CLIENT, "script");
    int fd = ss_socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    ss_setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    assert_int_equal(ss_connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char msg[100], back[100];
    for (int i = 0; i < MESSAGES; i++) {
        memset(msg, 'a' + i % 26, sizeof msg);
        assert_int_equal(ss_send(fd, msg, sizeof msg, 0), (ssize_t)sizeof msg);
        assert_int_equal(ss_recv(fd, back, sizeof back, MSG_WAITALL), (ssize_t)sizeof back);
        assert_memory_equal(msg, back, sizeof msg);
    }
    ss_shutdown(fd, SHUT_WR);
    assert_int_equal(ss_recv(fd, back, sizeof back, 0), 0); /* the server closes after our FIN */
    ss_close(fd);
    ss_thread_end();
}

/* Records the scripted client against model `name`; returns the counts. */
static counts record_script(const char *name)
{
    const char *path = tu_tmpfile(".sstrace");
    char err[256];
    assert_int_equal(ss_rec_open(path, NULL, err, sizeof err), 0);
    ss_run_info info = {name, "test", NULL, 0};
    ss_run_begin(&info);
    ss_thread_begin(SS_ROLE_SERVER, "main");
    int port = 0;
    ss_server_handle *h = ss_server_start(ss_model_find(name), NULL, "127.0.0.1", 0, &port, err, sizeof err);
    assert_non_null(h);
    ss_thread_end(); /* main's calls so far: socket, setsockopt, bind, listen, getsockname */
    counts c = {.client_thread = -1};
    scripted_client(port);
    ss_thread_begin(SS_ROLE_SERVER, "stopper");
    ss_server_request_stop(h);
    assert_int_equal(ss_server_join(h), 0);
    ss_run_end();
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    ss_visitor v = {.ud = &c, .thread = on_thread, .event = count};
    ss_scan_result res;
    assert_int_equal(ss_trace_scan(path, 0, &v, &res, err, sizeof err), 0);
    return c;
}

/* the client's recorded calls are exactly the script's, whatever the server */
static void assert_client_is_the_script(const counts *c)
{
    assert_int_equal(c->client[SS_API_SOCKET], 1);
    assert_int_equal(c->client[SS_API_SETSOCKOPT], 1);
    assert_int_equal(c->client[SS_API_CONNECT], 1);
    assert_int_equal(c->client[SS_API_SEND], MESSAGES);
    assert_int_equal(c->client[SS_API_RECV], MESSAGES + 1);
    assert_int_equal(c->client[SS_API_SHUTDOWN], 1);
    assert_int_equal(c->client[SS_API_CLOSE], 1);
}

static void calls_match_the_script(void **state)
{
    (void)state;
    counts c = record_script("blocking-threads");
    assert_client_is_the_script(&c);
    /* the server: listener setup, one accept that succeeded and one that the
     * stop ended, one recv per message plus the one that saw EOF, one send
     * per echo, one close; the stopper's shutdown and the listener's close */
    assert_int_equal(c.server[SS_API_SOCKET], 1);
    assert_int_equal(c.server[SS_API_BIND], 1);
    assert_int_equal(c.server[SS_API_LISTEN], 1);
    assert_int_equal(c.server[SS_API_ACCEPT], 2);
    assert_int_equal(c.server[SS_API_RECV], MESSAGES + 1);
    assert_int_equal(c.server[SS_API_SEND], MESSAGES);
    assert_int_equal(c.server[SS_API_SHUTDOWN], 1);
    assert_int_equal(c.server[SS_API_CLOSE], 2);
}

/* every model: the scripted client's calls, exactly, and an echo for each */
static void every_model_against_the_script(void **state)
{
    (void)state;
    size_t n;
    const ss_model *const *ms = ss_models(&n);
    int checked = 0;
    for (size_t i = 0; i < n; i++) {
        char why[200];
        if (!ss_model_available(ms[i], why, sizeof why))
            continue;
        counts c = record_script(ms[i]->name);
        assert_client_is_the_script(&c);
        /* every echoed byte went through a recorded server send or a send
         * operation (synchronous or asynchronous) */
        assert_true(c.server[SS_API_SEND] + c.server[SS_API_OP_SUBMIT] >= MESSAGES);
        checked++;
    }
    print_message("%d models served the scripted client\n", checked);
    assert_true(checked >= 4);
}

static void untraced_calls_record_nothing(void **state)
{
    (void)state;
    /* no recording open: the probes are plain calls */
    assert_false(ss_recording());
    int fd = ss_socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(ss_set_nonblocking(fd, 1), 0);
    assert_true(ss_fd_is_nonblocking(fd));
    char b;
    assert_int_equal(ss_recv(fd, &b, 1, 0), -1); /* not connected */
    assert_int_equal(ss_close(fd), 0);
    assert_false(ss_fd_is_nonblocking(fd));
}

/* accept, connect and getsockname record endpoints (docs/trace-format.md,
 * "Endpoints"): the server's accept names the client's address and port,
 * which is what the client's getsockname names; connect names the server */
typedef struct eps {
    uint64_t accepted, connected, own;
} eps;

static void keep_endpoints(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    (void)thread;
    eps *e = ud;
    if (ev->api == SS_API_ACCEPT && ev->ret >= 0)
        e->accepted = ev->id;
    else if (ev->api == SS_API_CONNECT)
        e->connected = ev->id;
    else if (ev->api == SS_API_GETSOCKNAME && ev->sock == (int32_t)e->own) /* the client socket's */
        e->own = ev->id;
}

static void endpoints_pair_a_connection(void **state)
{
    (void)state;
    const char *path = tu_tmpfile(".sstrace");
    char err[256];
    assert_int_equal(ss_rec_open(path, NULL, err, sizeof err), 0);
    ss_run_info info = {"blocking-threads", "test", NULL, 0};
    ss_run_begin(&info);
    int port = 0;
    ss_server_handle *h =
        ss_server_start(ss_model_find("blocking-threads"), NULL, "127.0.0.1", 0, &port, err, sizeof err);
    assert_non_null(h);
    ss_thread_begin(SS_ROLE_CLIENT, "script");
    int fd = ss_socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(ss_connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    assert_int_equal(ss_getsockname(fd, (struct sockaddr *)&me, &len), 0);
    char msg[10] = "endpoints", back[10];
    assert_int_equal(ss_send(fd, msg, sizeof msg, 0), (ssize_t)sizeof msg);
    assert_int_equal(ss_recv(fd, back, sizeof back, MSG_WAITALL), (ssize_t)sizeof back);
    ss_close(fd);
    ss_thread_end();
    ss_thread_begin(SS_ROLE_SERVER, "stopper");
    ss_server_request_stop(h);
    assert_int_equal(ss_server_join(h), 0);
    ss_run_end();
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    eps e = {0, 0, (uint64_t)fd};
    ss_visitor v = {.ud = &e, .event = keep_endpoints};
    ss_scan_result res;
    assert_int_equal(ss_trace_scan(path, 0, &v, &res, err, sizeof err), 0);
    uint64_t lo = (uint64_t)INADDR_LOOPBACK << 16;
    assert_int_equal(e.connected, lo | (uint64_t)port);
    assert_int_equal(e.own, lo | ntohs(me.sin_port));
    assert_int_equal(e.accepted, e.own);
    /* IPv6: a v4-mapped address is its IPv4 one; a short address is none */
    struct sockaddr_in6 six = {.sin6_family = AF_INET6, .sin6_port = htons(9000)};
    memcpy(six.sin6_addr.s6_addr + 10, "\xff\xff\x7f\x00\x00\x01", 6);
    assert_int_equal(ss_endpoint_pack((struct sockaddr *)&six, sizeof six), lo | 9000);
    assert_int_equal(ss_endpoint_pack((struct sockaddr *)&six, 8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_match_the_script),
        cmocka_unit_test(every_model_against_the_script),
        cmocka_unit_test(untraced_calls_record_nothing),
        cmocka_unit_test(endpoints_pair_a_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
