/* Chrome Trace Event export parsed back (with jansson, as any consumer
 * would): named processes and threads, async spans balanced within a run,
 * one start and one end per flow id, each flow within a run and starting
 * before its dequeue, args named for what they hold, per-thread slices that
 * nest when added up in doubles, counters that return to zero; the gzip
 * output the same JSON. And CSV: one row per event. (tests/cli_export_loaders.sh
 * loads the export with DevTools' own trace engine.) */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "sim/report/chrome_time.h"
#include "sim/report/export.h"
#include "sim/run/runner.h"
#include "sim/trace/recorder.h"
#include "testutil.h"

static const char *trace_path;
static uint64_t total_events;

static int setup(void **state)
{
    (void)state;
    trace_path = tu_tmpfile(".sstrace");
    char err[256];
    if (ss_rec_open(trace_path, NULL, err, sizeof err) != 0)
        return -1;
    const char *names[] = {"select", "epoll", "io_uring", "iocp"};
    ss_model_opts mo = {0};
    ss_workload_opts w = tu_workload(6, 30, 300);
    for (int i = 0; i < 4; i++) {
        const ss_model *m = ss_model_find(names[i]);
        char why[128];
        if (!m || !ss_model_available(m, why, sizeof why))
            continue;
        ss_workload_result res;
        if (ss_run_one(m, &mo, &w, NULL, &res, err, sizeof err) != 0)
            return -1;
    }
    if (ss_rec_close(err, sizeof err) != 0)
        return -1;
    ss_stats st;
    if (ss_stats_load(trace_path, &st, err, sizeof err) != 0)
        return -1;
    for (int i = 0; i < st.nruns; i++)
        total_events += st.runs[i].server.events + st.runs[i].client.events + st.runs[i].emul.events +
                        st.runs[i].control.events;
    ss_stats_free(&st);
    return 0;
}

static const char *str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static double num(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
static long long inum(json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

#define MAXK 4096
typedef struct track {
    char key[64];
    double last_ts;
    long value;
    int opens;
} track;

static track *find(track *t, int *n, const char *key)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(t[i].key, key) == 0)
            return &t[i];
    if (*n == MAXK)
        fail_msg("too many tracks");
    memset(&t[*n], 0, sizeof t[*n]);
    snprintf(t[*n].key, sizeof t[*n].key, "%s", key);
    return &t[(*n)++];
}

/* A slice, for the nesting check: a thread's slices sorted by start (the
 * longer first), each must end within the one it starts in. */
typedef struct xs {
    long long pid, tid;
    double ts, dur;
} xs;

static int by_thread_time(const void *a, const void *b)
{
    const xs *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->tid != y->tid)
        return x->tid < y->tid ? -1 : 1;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->dur > y->dur ? -1 : x->dur < y->dur;
}

/* As a JavaScript reader adds them: ts + dur in doubles. */
static void slices_nest(xs *v, size_t n)
{
    qsort(v, n, sizeof *v, by_thread_time);
    double stack[64];
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (v[i].pid != v[i - 1].pid || v[i].tid != v[i - 1].tid))
            depth = 0;
        double end = v[i].ts + v[i].dur;
        while (depth && v[i].ts >= stack[depth - 1])
            depth--;
        if (depth && end > stack[depth - 1])
            fail_msg("pid %lld tid %lld: the slice at %.3f ends at %.17g, past its parent's end %.17g", v[i].pid,
                     v[i].tid, v[i].ts, end, stack[depth - 1]);
        if (depth < 64)
            stack[depth++] = end;
    }
}

/* One flow: where it starts and ends. */
typedef struct flow {
    long long id, pid[2], tid[2];
    double ts[2];
    int seen[2];
} flow;

static flow *flow_of(flow *f, size_t *n, size_t cap, long long id)
{
    for (size_t i = *n; i-- > 0;) /* ends follow their starts closely */
        if (f[i].id == id)
            return &f[i];
    if (*n == cap)
        fail_msg("too many flows");
    memset(&f[*n], 0, sizeof f[*n]);
    f[*n].id = id;
    return &f[(*n)++];
}

static json_t *export_json(int gzip)
{
    const char *out = tu_tmpfile(gzip ? ".json.gz" : ".json");
    FILE *f = fopen(out, "wb");
    ss_scan_result res;
    char err[256];
    assert_int_equal(ss_export_chrome(trace_path, f, gzip, &res, err, sizeof err), 0);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    if (gzip) { /* unpacked with zlib's own reader, into a plain file */
        gzFile gz = gzopen(out, "rb");
        assert_non_null(gz);
        out = tu_tmpfile(".json");
        f = fopen(out, "wb");
        char buf[1 << 16];
        int n;
        while ((n = gzread(gz, buf, sizeof buf)) > 0)
            assert_int_equal(fwrite(buf, 1, (size_t)n, f), (size_t)n);
        assert_int_equal(n, 0);
        gzclose(gz);
        fclose(f);
    }
    json_error_t je;
    json_t *root = json_load_file(out, 0, &je);
    if (!root)
        fail_msg("export is not valid JSON: %s at line %d", je.text, je.line);
    return root;
}

static void chrome_parses_back(void **state)
{
    (void)state;
    json_t *root = export_json(0);
    json_t *evs = json_object_get(root, "traceEvents");
    assert_true(json_is_array(evs));
    static track threads[MAXK], spans[MAXK], counters[MAXK];
    int nth = 0, nsp = 0, nco = 0, procs = 0, named_threads = 0, posted_flows = 0;
    size_t nslices = 0, nflows = 0, flow_cap = json_array_size(evs);
    xs *slices = calloc(json_array_size(evs), sizeof *slices);
    flow *flows = calloc(flow_cap, sizeof *flows);
    size_t i;
    json_t *e;
    json_array_foreach(evs, i, e) {
        const char *ph = str(e, "ph");
        assert_non_null(ph);
        assert_true(json_is_integer(json_object_get(e, "pid")));
        double ts = num(e, "ts");
        assert_true(ts >= 0 && ts < 600e6); /* relative to run start, in microseconds */
        char key[64];
        snprintf(key, sizeof key, "%lld/%lld", inum(e, "pid"), inum(e, "tid"));
        json_t *args = json_object_get(e, "args");
        if (strcmp(ph, "M") == 0) {
            if (strcmp(str(e, "name"), "process_name") == 0)
                procs++;
            if (strcmp(str(e, "name"), "thread_name") == 0) {
                named_threads++;
                find(threads, &nth, key)->opens = 1; /* named */
            }
            continue;
        }
        if (strcmp(ph, "X") == 0 || strcmp(ph, "i") == 0) {
            if (ph[0] == 'X') {
                assert_true(json_is_number(json_object_get(e, "dur")));
                slices[nslices++] = (xs){inum(e, "pid"), inum(e, "tid"), ts, num(e, "dur")};
            }
            /* args named for what they hold; false and default values left out */
            if (json_object_get(args, "waited"))
                assert_int_equal(inum(args, "may_block"), 1);
            if (json_object_get(args, "may_block"))
                assert_int_equal(inum(args, "may_block"), 1);
            const char *name = str(e, "name");
            if (json_object_get(args, "bytes"))
                assert_true(strstr(name, "recv") || strstr(name, "send") || strstr(name, "WSA") ||
                            strstr(name, "GetQueued") || strcmp(name, "packet_post") == 0);
            if (strcmp(name, "epoll_wait") == 0)
                assert_non_null(json_object_get(args, "max_events"));
            if (strcmp(name, "select") == 0 || strcmp(name, "poll") == 0)
                assert_non_null(json_object_get(args, "fds"));
            if (strcmp(name, "io_uring_enter") == 0)
                assert_non_null(json_object_get(args, "sqes"));
            if (strncmp(name, "dequeue: ", 9) == 0)
                assert_non_null(json_object_get(args, "queue_depth"));
            if (!find(threads, &nth, key)->opens)
                fail_msg("slice on unnamed thread %s", key);
        } else if (strcmp(ph, "b") == 0 || strcmp(ph, "e") == 0) {
            char k[64]; /* ids are unique in the file: no pid in the key */
            assert_true(json_is_integer(json_object_get(e, "id")));
            snprintf(k, sizeof k, "%s/%lld", str(e, "cat"), inum(e, "id"));
            track *t = find(spans, &nsp, k);
            if (!t->opens && ph[0] == 'b')
                t->value = (long)inum(e, "pid");
            else
                assert_int_equal(t->value, inum(e, "pid")); /* the same run */
            t->opens += ph[0] == 'b' ? 1 : -1;
        } else if (strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0) {
            assert_true(json_is_integer(json_object_get(e, "id")));
            flow *fl = flow_of(flows, &nflows, flow_cap, inum(e, "id"));
            int end = ph[0] == 'f';
            if (fl->seen[end])
                fail_msg("flow %lld has two %s events: an id used twice", fl->id, ph);
            fl->seen[end] = 1;
            fl->pid[end] = inum(e, "pid");
            fl->tid[end] = inum(e, "tid");
            fl->ts[end] = ts;
            if (end)
                assert_string_equal(str(e, "bp"), "e");
        } else if (strcmp(ph, "C") == 0) {
            char k[64];
            snprintf(k, sizeof k, "%lld/%s", inum(e, "pid"), str(e, "name"));
            track *t = find(counters, &nco, k);
            t->value = (long)inum(args, "n");
            assert_true(t->value >= 0);
            assert_true(ts >= t->last_ts); /* counters come in time order */
            t->last_ts = ts;
        } else {
            fail_msg("unexpected phase %s", ph);
        }
    }
    assert_true(procs >= 2);
    assert_true(named_threads > procs);
    assert_true(nslices > 500);
    slices_nest(slices, nslices);
    for (int k = 0; k < nsp; k++)
        if (spans[k].opens != 0)
            fail_msg("async span %s is not balanced", spans[k].key);
    for (size_t k = 0; k < nflows; k++) {
        flow *fl = &flows[k];
        if (!fl->seen[0] || !fl->seen[1])
            fail_msg("flow %lld has no %s", fl->id, fl->seen[0] ? "end" : "start");
        assert_int_equal(fl->pid[0], fl->pid[1]); /* within one run */
        if (!(fl->ts[0] < fl->ts[1]))             /* posted before it was taken */
            fail_msg("flow %lld starts at %.3f, not before its dequeue at %.3f", fl->id, fl->ts[0], fl->ts[1]);
        posted_flows +=
            fl->tid[0] != SS_CHROME_KERNEL_TID; /* from a recorded post (iocp's port), not the kernel lane */
    }
    int conn_counters = 0;
    for (int k = 0; k < nco; k++)
        if (strstr(counters[k].key, "open connections")) {
            conn_counters++;
            assert_int_equal(counters[k].value, 0); /* every connection closed by the end */
        }
    assert_true(conn_counters >= 2);
    if (ss_model_find("io_uring"))
        assert_true(nflows > 0); /* completion packets drawn as flows */
    if (ss_model_find("iocp"))
        assert_true(posted_flows > 0); /* from the port's post */
    free(slices);
    free(flows);
    json_decref(root);
}

/* -o FILE.json.gz: the same JSON, gzip-compressed on the way. */
static void chrome_gzip_is_the_same_json(void **state)
{
    (void)state;
    json_t *plain = export_json(0), *gz = export_json(1);
    assert_true(json_equal(plain, gz));
    json_decref(plain);
    json_decref(gz);
}

/* The example: msg_post at 52468.891 µs for 40 ns, then a call at
 * 52468.931. As doubles, 52468.891 + 0.04 is 52468.931000000004: the dur
 * text must add up to the end exactly, and stay within a hair of 40 ns. */
static void chrome_dur_adds_up_in_doubles(void **state)
{
    (void)state;
    char ts[SS_US_MAX], dur[SS_US_MAX], end[SS_US_MAX];
    ss_us_text(ts, 52468891);
    assert_string_equal(ts, "52468.891");
    ss_us_text(end, 52468931);
    ss_dur_text(dur, 52468891, 52468931);
    assert_true(strtod(ts, NULL) + strtod(dur, NULL) == strtod(end, NULL));
    assert_true(fabs(strtod(dur, NULL) - 0.04) < 1e-9);
    ss_us_text(ts, 5);
    assert_string_equal(ts, "0.005");
    ss_us_text(ts, 1200000);
    assert_string_equal(ts, "1200");
    uint64_t x = 88172645463393265ull; /* many times at random: every dur adds up */
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t t0 = x % 600000000000ull, t1 = t0 + (x >> 40) % 5000000;
        ss_us_text(ts, t0);
        ss_us_text(end, t1);
        ss_dur_text(dur, t0, t1);
        if (strtod(ts, NULL) + strtod(dur, NULL) != strtod(end, NULL))
            fail_msg("%s + %s != %s", ts, dur, end);
        assert_true(fabs(strtod(dur, NULL) - (double)(t1 - t0) / 1000) < 1e-6);
    }
}

static void csv_has_one_row_per_event(void **state)
{
    (void)state;
    const char *out = tu_tmpfile(".csv");
    FILE *f = fopen(out, "w");
    ss_scan_result res;
    char err[256];
    assert_int_equal(ss_export_csv(trace_path, f, 0, &res, err, sizeof err), 0);
    fclose(f);
    f = fopen(out, "r");
    char line[1024];
    uint64_t rows = 0;
    int header = 1;
    while (fgets(line, sizeof line, f)) {
        int commas = 0;
        for (char *p = line; *p; p++)
            commas += *p == ',';
        assert_int_equal(commas, 21);
        if (header) {
            assert_true(strncmp(line, "run,model,thread,", 17) == 0);
            header = 0;
        } else {
            rows++;
        }
    }
    fclose(f);
    assert_true(rows == total_events);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chrome_parses_back),
        cmocka_unit_test(chrome_gzip_is_the_same_json),
        cmocka_unit_test(chrome_dur_adds_up_in_doubles),
        cmocka_unit_test(csv_has_one_row_per_event),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
