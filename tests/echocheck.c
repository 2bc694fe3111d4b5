#include "echocheck.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opscan.h"
#include "sim/probe/probe.h"
#include "sim/run/server.h"
#include "sim/trace/reader.h"
#include "sim/trace/thread.h"

const char *ec_many_clients(const char *model, const ss_model_opts *mo, int clients, int messages, int size)
{
    ss_workload_opts w = tu_workload(clients, messages, size);
    ss_workload_result res;
    ss_stats st;
    const char *path = tu_record(model, mo, &w, &res, &st, 1);
    long total = (long)clients * messages;
    assert_int_equal(res.requests_ok, total);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(st.nruns, 1);
    uint64_t bytes = (uint64_t)total * (uint64_t)size;
    assert_int_equal(st.runs[0].server.bytes_in, bytes);
    assert_int_equal(st.runs[0].server.bytes_out, bytes);
    assert_int_equal(st.runs[0].client.bytes_in, bytes);
    assert_int_equal(st.runs[0].requests_ok, total);
    ss_stats_free(&st);
    return path;
}

/* Server sends that could not go out whole: short or would-block returns,
 * or a blocking send that had to wait for buffer space. */
static void count_pressure(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    (void)thread;
    if (ev->api == SS_API_SEND &&
        ((ev->ret >= 0 && (uint64_t)ev->ret < ev->arg) || ev->err == SS_E_WOULDBLOCK || (ev->flags & SS_EV_WAITED)))
        (*(uint64_t *)ud)++;
}

const char *ec_tiny_buffers(const char *model, const ss_model_opts *mo)
{
    /* Tiny server send buffers and client receive buffers, so echoes back up
     * while the client is still sending. The server keeps a default receive
     * buffer: like the textbook's client, ours sends a whole message before
     * reading, and a message must fit in what the path can hold. Whether
     * the sends come back short depends on scheduling and on the model
     * (ec_partial_sends makes sure of it for the synchronous ones). */
    ss_model_opts tiny = mo ? *mo : (ss_model_opts){0};
    tiny.sndbuf = 2048;
    ss_workload_opts w = tu_workload(4, 6, 64 * 1024);
    w.rcvbuf = 2048;
    ss_workload_result res;
    ss_stats st;
    const char *path = tu_record(model, &tiny, &w, &res, &st, 1);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(res.requests_ok, 24);
    assert_int_equal(st.runs[0].server.bytes_out, (uint64_t)24 * 64 * 1024);
    uint64_t pressure = 0;
    ss_visitor v = {.ud = &pressure, .event = count_pressure};
    ss_scan_result sr;
    char err[256];
    assert_int_equal(ss_trace_scan(path, 0, &v, &sr, err, sizeof err), 0);
    print_message("%s: %llu server sends were short, would-block or waited\n", model, (unsigned long long)pressure);
    ss_stats_free(&st);
    return path;
}

static int is_wait(const ss_event *ev)
{
    return ev->api == SS_API_SELECT || ev->api == SS_API_POLL || ev->api == SS_API_EPOLL_WAIT ||
           ev->api == SS_API_URING_ENTER;
}

long ec_send_stalls(const char *trace)
{
    tu_trace t;
    tu_trace_load(trace, &t);
    long n = 0;
    int pending[512] = {0}; /* per thread: holds received bytes not yet sent */
    for (size_t i = 0; i < t.n; i++) {
        const ss_event *ev = &t.ev[i].ev;
        uint32_t th = t.ev[i].thread;
        if (tu_thread_of(&t, &t.ev[i])->role != SS_ROLE_SERVER)
            continue;
        if (ev->api == SS_API_RECV && ev->ret > 0) {
            pending[th] = 1;
        } else if (ev->api == SS_API_SEND) {
            int short_send = ev->err == SS_E_WOULDBLOCK || (ev->ret >= 0 && (uint64_t)ev->ret < ev->arg);
            n += short_send || (ev->flags & SS_EV_WAITED);
            pending[th] = short_send;
        } else if (pending[th] && is_wait(ev) && (ev->flags & SS_EV_WAITED)) {
            n++;
        }
    }
    tu_trace_free(&t);
    return n;
}

typedef struct writer {
    int fd, size, failed;
    const unsigned char *p;
} writer;

static void *writer_main(void *arg)
{
    writer *w = arg; /* no cmocka asserts off the test thread */
    ss_thread_begin(SS_ROLE_CLIENT, "test writer");
    for (int sent = 0; sent < w->size;) {
        ssize_t r = ss_send(w->fd, w->p + sent, (size_t)(w->size - sent), 0);
        if (r <= 0) {
            w->failed = 1;
            break;
        }
        sent += (int)r;
    }
    ss_thread_end();
    return NULL;
}

/* Waits (bounded) until the bytes queued for the client to read have stood
 * still for `quiet_ms`: nothing more is arriving, so the server's sends have
 * filled its own 4 KiB send buffer and the client's window. */
static void wait_until_quiet(int fd, int quiet_ms)
{
    int last = -1, still = 0;
    for (int waited = 0; waited < 3000 && still < quiet_ms; waited += 2) {
        int q = 0;
        ioctl(fd, FIONREAD, &q);
        still = q == last ? still + 2 : 0;
        last = q;
        usleep(2000);
    }
}

/* Read n bytes in pauses: before each 4 KiB, let the pipeline fill up and
 * stop. A slow consumer alone is not enough on a loaded machine, where a
 * server descheduled at the wrong moments never gets ahead of it; a reader
 * that stops until nothing moves forces every model to stall on sending,
 * however the threads are scheduled. */
static size_t paused_read(int fd, unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        wait_until_quiet(fd, 20);
        size_t want = n - got < 4096 ? n - got : 4096;
        ssize_t r = ss_recv(fd, p + got, want, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

const char *ec_partial_sends(const char *model, const ss_model_opts *mo)
{
    enum { SIZE = 64 * 1024 };
    ss_model_opts tiny = mo ? *mo : (ss_model_opts){0};
    tiny.rcvbuf = tiny.sndbuf = 4096;
    tu_server srv;
    tu_server_start(&srv, model, &tiny);
    int fd = tu_connect_rcvbuf(srv.port, 4096);
    unsigned char *out = malloc(SIZE), *in = malloc(SIZE);
    assert_non_null(out);
    assert_non_null(in);
    for (int i = 0; i < SIZE; i++)
        out[i] = ss_pattern_byte(5, 0, i, SIZE);
    writer w = {fd, SIZE, 0, out};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, writer_main, &w), 0);
    size_t got = paused_read(fd, in, SIZE);
    pthread_join(t, NULL);
    assert_int_equal(w.failed, 0);
    if (got != SIZE)
        fail_msg("%s: %zu of %d bytes echoed", model, got, SIZE);
    assert_memory_equal(in, out, SIZE);
    ss_close(fd);
    free(out);
    free(in);
    tu_server_stop(&srv, NULL);
    if (ec_send_stalls(srv.path) == 0)
        fail_msg("%s: the server never had to wait to send: the test did not force partial sends", model);
    return srv.path;
}

/* Reported-and-not-yet-re-enabled events per socket. */
typedef struct reenable_state {
    unsigned char armed[65536];
    long violations, reads;
} reenable_state;

static void on_report(reenable_state *r, int sock, unsigned events)
{
    if (sock < 0 || sock >= 65536)
        return;
    if (events & r->armed[sock])
        r->violations++;
    r->armed[sock] |= (unsigned char)events;
    r->reads += (events & SS_NE_READ) != 0;
}

static void on_server_call(reenable_state *r, const ss_event *ev)
{
    if (ev->sock < 0 || ev->sock >= 65536)
        return;
    if (ev->api == SS_API_RECV)
        r->armed[ev->sock] &= (unsigned char)~SS_NE_READ;
    else if (ev->api == SS_API_SEND)
        r->armed[ev->sock] &= (unsigned char)~SS_NE_WRITE;
    else if (ev->api == SS_API_ACCEPT) {
        r->armed[ev->sock] &= (unsigned char)~SS_NE_ACCEPT;
        if (ev->ret >= 0 && ev->ret < 65536)
            r->armed[ev->ret] = 0; /* a new connection on a reused descriptor */
    }
}

long ec_reenable_violations(const char *trace, int api, long *reads)
{
    tu_trace t;
    tu_trace_load(trace, &t);
    reenable_state *r = calloc(1, sizeof *r);
    assert_non_null(r);
    for (size_t i = 0; i < t.n; i++) {
        const ss_event *ev = &t.ev[i].ev;
        const tu_thread *th = tu_thread_of(&t, &t.ev[i]);
        if (th->role != SS_ROLE_SERVER && th->role != SS_ROLE_EMUL)
            continue;
        if (ev->api == api && th->role == SS_ROLE_EMUL && strcmp(th->name, "notifier") == 0) {
            if (ev->aux <= 0x3f) /* network events, not SS_MSG_QUIT */
                on_report(r, ev->sock, ev->aux);
        } else {
            on_server_call(r, ev);
        }
    }
    long v = r->violations;
    *reads = r->reads;
    free(r);
    tu_trace_free(&t);
    return v;
}

static void check_reenabling(const char *trace, int api)
{
    long reads = 0;
    assert_int_equal(ec_reenable_violations(trace, api, &reads), 0);
    assert_true(reads > 0);
}

void ec_reenabling_rule(const char *model, int api)
{
    check_reenabling(ec_many_clients(model, NULL, 8, 20, 1500), api);
    check_reenabling(ec_partial_sends(model, NULL), api); /* FD_WRITE after short sends */
}

static void half_message_then_reset(int port)
{
    int fd = tu_connect(port);
    char half[256];
    for (int i = 0; i < (int)sizeof half; i++)
        half[i] = (char)ss_pattern_byte(99, 0, i, 512);
    tu_send_all(fd, half, sizeof half);
    char back[sizeof half];
    assert_int_equal(tu_recv_upto(fd, back, sizeof back), sizeof back); /* the server is serving us */
    assert_memory_equal(back, half, sizeof half);
    tu_reset(fd);
}

void ec_reset_midmessage(const char *model, const ss_model_opts *mo, int concurrent)
{
    enum { GOOD = 3, ROUNDS = 3, SIZE = 700 };
    tu_server srv;
    tu_server_start(&srv, model, mo);
    int good[GOOD];
    if (concurrent) { /* others are mid-session around the reset */
        for (int c = 0; c < GOOD; c++) {
            good[c] = tu_connect(srv.port);
            tu_echo_round(good[c], c, 0, SIZE);
        }
        half_message_then_reset(srv.port);
        for (int c = 0; c < GOOD; c++) {
            for (int m = 1; m < ROUNDS; m++)
                tu_echo_round(good[c], c, m, SIZE);
            ss_close(good[c]);
        }
    } else { /* one at a time: the reset client first, then the others in turn */
        half_message_then_reset(srv.port);
        for (int c = 0; c < GOOD; c++) {
            good[c] = tu_connect(srv.port);
            for (int m = 0; m < ROUNDS; m++)
                tu_echo_round(good[c], c, m, SIZE);
            ss_close(good[c]);
        }
    }
    int late = tu_connect(srv.port); /* the server still accepts and serves */
    tu_echo_round(late, 7, 0, SIZE);
    ss_close(late);
    tu_server_stop(&srv, NULL);
}

void ec_half_close(const char *model, const ss_model_opts *mo)
{
    enum { SIZE = 5000 };
    tu_server srv;
    tu_server_start(&srv, model, mo);
    int fd = tu_connect(srv.port);
    unsigned char out[SIZE], in[SIZE], extra;
    for (int i = 0; i < SIZE; i++)
        out[i] = ss_pattern_byte(3, 1, i, SIZE);
    tu_send_all(fd, out, SIZE);
    assert_int_equal(ss_shutdown(fd, SHUT_WR), 0);
    size_t got = tu_recv_upto(fd, in, SIZE);
    if (got != SIZE)
        fail_msg("%s: %zu of %d bytes echoed after the client's half-close", model, got, SIZE);
    assert_memory_equal(in, out, SIZE);
    assert_int_equal(ss_recv(fd, &extra, 1, 0), 0); /* then the server closes: EOF, not a timeout */
    ss_close(fd);
    tu_server_stop(&srv, NULL);
}

/* --- odd clients under load ------------------------------------------------ */
typedef struct odd_clients {
    int port, kind, n, failed;
    pthread_t t;
} odd_clients;

static void *odd_clients_main(void *arg)
{
    odd_clients *o = arg; /* no cmocka asserts off the test thread */
    for (int i = 0; i < o->n; i++) {
        int rc = o->kind == EC_RESETS ? tu_reset_mid_message(o->port, 1500) : tu_half_close_echo(o->port, 1500);
        o->failed += rc != 0;
    }
    return NULL;
}

void ec_odd_clients_under_load(const char *model, const ss_model_opts *mo, int kind)
{
    int port = 0;
    struct ss_server_handle *h = tu_plain_server_start(model, mo, &port);
    odd_clients odd = {.port = port, .kind = kind, .n = 8};
    assert_int_equal(pthread_create(&odd.t, NULL, odd_clients_main, &odd), 0);
    ss_workload_opts w = tu_workload(8, 30, 512); /* 512: no Nagle/delayed-ACK stalls */
    w.port = port;
    ss_workload_result res;
    int rc = ss_workload_run(&w, &res, NULL, NULL);
    pthread_join(odd.t, NULL);
    if (rc != 0)
        fail_msg("%s: ordinary clients failed beside the odd ones: %s", model, res.first_error);
    assert_int_equal(res.requests_ok, 8 * 30);
    assert_int_equal(odd.failed, 0);
    /* the server survived, and is still correct */
    assert_int_equal(tu_half_close_echo(port, 2000), 0);
    ss_workload_opts after = tu_workload(2, 5, 100);
    after.port = port;
    assert_int_equal(ss_workload_run(&after, &res, NULL, NULL), 0);
    assert_int_equal(tu_plain_server_stop(h), 0);
}

/* --- the matrix ------------------------------------------------------------------ */
/* Option variants that change how a model serves, each a row of its own. */
static const struct {
    const char *model, *name;
    ss_model_opts opts;
} VARIANTS[] = {
    {"epoll", "edge-triggered", {.edge_triggered = 1}},
};

/* The textbook's iterative server takes one client at a time: the others
 * wait in the backlog, so its workloads are smaller and its reset comes
 * first instead of between other clients' messages. */
static int one_at_a_time(const ec_row *r) { return strcmp(r->model->name, "blocking-iterative") == 0; }
static int completion_model(const ec_row *r) { return r->model->family == SS_FAMILY_ASYNC; }

static void check_ops_once(const char *trace)
{
    opscan ops;
    ops_scan(trace, &ops);
    ops_assert_each_once(&ops);
    ops_free(&ops);
}

static void rule_many_clients(const ec_row *r)
{
    /* 700 bytes: more than one 512-byte buffer, so every echo takes two
     * sends, and the second meets Nagle + the client's delayed ACK (~40 ms,
     * as with the textbook's servers): few messages for the iterative
     * server, so its last client is not kept waiting too long. */
    const char *trace = one_at_a_time(r) ? ec_many_clients(r->model->name, &r->opts, 16, 6, 700)
                                         : ec_many_clients(r->model->name, &r->opts, 24, 10, 700);
    if (completion_model(r))
        check_ops_once(trace);
}

static void rule_tiny_buffers(const ec_row *r)
{
    const char *trace = ec_tiny_buffers(r->model->name, &r->opts);
    if (completion_model(r))
        check_ops_once(trace);
}

static void rule_send_stalls(const ec_row *r) { ec_partial_sends(r->model->name, &r->opts); }
static void rule_reset_midmessage(const ec_row *r) { ec_reset_midmessage(r->model->name, &r->opts, !one_at_a_time(r)); }
static void rule_half_close(const ec_row *r) { ec_half_close(r->model->name, &r->opts); }
static void rule_resets_under_load(const ec_row *r) { ec_odd_clients_under_load(r->model->name, &r->opts, EC_RESETS); }
static void rule_half_closes_under_load(const ec_row *r)
{
    ec_odd_clients_under_load(r->model->name, &r->opts, EC_HALF_CLOSES);
}

static int every_row(const ec_row *r)
{
    (void)r;
    return 1;
}
/* A synchronous model sends from the user's buffer in its own calls: a
 * reader that stops shows in its trace as sends that had to wait. */
static int synchronous(const ec_row *r) { return !completion_model(r); }

static const struct {
    const char *name;
    void (*check)(const ec_row *r);
    int (*applies)(const ec_row *r);
} RULES[] = {
    {"many_clients", rule_many_clients, every_row},
    {"tiny_buffers", rule_tiny_buffers, every_row},
    {"send_stalls", rule_send_stalls, synchronous},
    {"reset_midmessage", rule_reset_midmessage, every_row},
    {"half_close", rule_half_close, every_row},
    {"resets_under_load", rule_resets_under_load, every_row},
    {"half_closes_under_load", rule_half_closes_under_load, every_row},
};
#define NRULES (sizeof RULES / sizeof RULES[0])
#define NVARIANTS (sizeof VARIANTS / sizeof VARIANTS[0])

typedef struct ec_case {
    ec_row row;
    size_t rule;
} ec_case;

static void run_case(void **state)
{
    const ec_case *c = *state;
    RULES[c->rule].check(&c->row);
}

static void add_row(struct CMUnitTest *tests, size_t *n, const ec_row *row)
{
    for (size_t r = 0; r < NRULES; r++) {
        if (!RULES[r].applies(row))
            continue;
        ec_case *c = malloc(sizeof *c);
        char *name = malloc(128);
        assert_non_null(c);
        assert_non_null(name);
        *c = (ec_case){*row, r};
        snprintf(name, 128, "%s/%s%s%s%s", RULES[r].name, row->model->name, row->variant ? "[" : "",
                 row->variant ? row->variant : "", row->variant ? "]" : "");
        tests[(*n)++] = (struct CMUnitTest){.name = name, .test_func = run_case, .initial_state = c};
    }
}

struct CMUnitTest *ec_matrix(size_t *n)
{
    size_t count;
    const ss_model *const *ms = ss_models(&count);
    struct CMUnitTest *tests = calloc((count + NVARIANTS) * NRULES, sizeof *tests);
    assert_non_null(tests);
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        char why[200];
        if (!ss_model_available(ms[i], why, sizeof why)) {
            printf("skipping %s: %s\n", ms[i]->name, why);
            continue;
        }
        ec_row row = {ms[i], NULL, {0}};
        add_row(tests, n, &row);
        for (size_t v = 0; v < NVARIANTS; v++) {
            if (strcmp(VARIANTS[v].model, ms[i]->name) != 0)
                continue;
            row = (ec_row){ms[i], VARIANTS[v].name, VARIANTS[v].opts};
            add_row(tests, n, &row);
        }
    }
    return tests;
}
