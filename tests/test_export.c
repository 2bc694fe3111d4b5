/* Chrome Trace Event export parsed back (with jansson, as any consumer
 * would): named processes and threads, balanced async spans, matched flows
 * bound to slices, per-thread slices in time order, counters that return to
 * zero. And CSV: one row per event. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    const char *names[] = {"select", "epoll", "io_uring"};
    ss_model_opts mo = {0};
    ss_workload_opts w = tu_workload(6, 30, 300);
    for (int i = 0; i < 3; i++) {
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

#define MAXK 4096
typedef struct track {
    char key[64];
    double last_end, last_ts;
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

static void chrome_parses_back(void **state)
{
    (void)state;
    const char *out = tu_tmpfile(".json");
    FILE *f = fopen(out, "w");
    ss_scan_result res;
    char err[256];
    assert_int_equal(ss_export_chrome(trace_path, f, &res, err, sizeof err), 0);
    fclose(f);
    json_error_t je;
    json_t *root = json_load_file(out, 0, &je);
    if (!root)
        fail_msg("export is not valid JSON: %s at line %d", je.text, je.line);
    json_t *evs = json_object_get(root, "traceEvents");
    assert_true(json_is_array(evs));
    static track threads[MAXK], spans[MAXK], flows[MAXK], counters[MAXK];
    int nth = 0, nsp = 0, nfl = 0, nco = 0, procs = 0, slices = 0, named_threads = 0;
    size_t i;
    json_t *e;
    json_array_foreach(evs, i, e) {
        const char *ph = str(e, "ph");
        assert_non_null(ph);
        assert_true(json_is_integer(json_object_get(e, "pid")));
        double ts = num(e, "ts");
        assert_true(ts >= 0 && ts < 600e6); /* relative to run start, in microseconds */
        char key[64];
        snprintf(key, sizeof key, "%lld/%lld", (long long)json_integer_value(json_object_get(e, "pid")),
                 (long long)json_integer_value(json_object_get(e, "tid")));
        if (strcmp(ph, "M") == 0) {
            if (strcmp(str(e, "name"), "process_name") == 0) procs++;
            if (strcmp(str(e, "name"), "thread_name") == 0) {
                named_threads++;
                find(threads, &nth, key)->opens = 1; /* named */
            }
            continue;
        }
        if (strcmp(ph, "X") == 0) {
            slices++;
            assert_true(json_is_number(json_object_get(e, "dur")));
            json_t *args = json_object_get(e, "args");
            assert_non_null(json_object_get(args, "socket"));
            assert_non_null(json_object_get(args, "result"));
            assert_true(json_is_boolean(json_object_get(args, "blocked")));
            track *t = find(threads, &nth, key);
            if (!t->opens)
                fail_msg("slice on unnamed thread %s", key);
            if (ts + 0.0015 < t->last_end) /* 1.5 ns: the 3-decimal rounding of ts and dur */
                fail_msg("thread %s: slice at %.3f starts before the previous ended (%.3f)", key, ts, t->last_end);
            t->last_end = ts + num(e, "dur");
        } else if (strcmp(ph, "b") == 0 || strcmp(ph, "e") == 0) {
            char k[64];
            snprintf(k, sizeof k, "%lld/%s/%s", (long long)json_integer_value(json_object_get(e, "pid")),
                     str(e, "cat"), str(e, "id"));
            track *t = find(spans, &nsp, k);
            t->opens += ph[0] == 'b' ? 1 : -1;
            assert_true(t->opens >= 0 || ph[0] == 'e'); /* e may stream before b across threads */
        } else if (strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0) {
            char k[64];
            snprintf(k, sizeof k, "%lld/%s/%s/%s", (long long)json_integer_value(json_object_get(e, "pid")),
                     str(e, "cat"), str(e, "name"), str(e, "id"));
            find(flows, &nfl, k)->opens += ph[0] == 's' ? 1 : -1;
            if (ph[0] == 'f')
                assert_string_equal(str(e, "bp"), "e");
        } else if (strcmp(ph, "C") == 0) {
            char k[64];
            snprintf(k, sizeof k, "%lld/%s", (long long)json_integer_value(json_object_get(e, "pid")), str(e, "name"));
            track *t = find(counters, &nco, k);
            t->value = (long)json_integer_value(json_object_get(json_object_get(e, "args"), "value"));
            assert_true(t->value >= 0);
            assert_true(ts >= t->last_ts); /* counters come in time order */
            t->last_ts = ts;
        } else {
            fail_msg("unexpected phase %s", ph);
        }
    }
    assert_true(procs >= 2);
    assert_true(named_threads > procs);
    assert_true(slices > 500);
    for (int k = 0; k < nsp; k++)
        if (spans[k].opens != 0)
            fail_msg("async span %s is not balanced", spans[k].key);
    for (int k = 0; k < nfl; k++)
        if (flows[k].opens != 0)
            fail_msg("flow %s has no matching end", flows[k].key);
    int conn_counters = 0;
    for (int k = 0; k < nco; k++)
        if (strstr(counters[k].key, "open connections")) {
            conn_counters++;
            assert_int_equal(counters[k].value, 0); /* every connection closed by the end */
        }
    assert_true(conn_counters >= 2);
    if (ss_model_find("io_uring"))
        assert_true(nfl > 0); /* completion packets drawn as flows */
    json_decref(root);
}

static void csv_has_one_row_per_event(void **state)
{
    (void)state;
    const char *out = tu_tmpfile(".csv");
    FILE *f = fopen(out, "w");
    ss_scan_result res;
    char err[256];
    assert_int_equal(ss_export_csv(trace_path, f, &res, err, sizeof err), 0);
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
        cmocka_unit_test(csv_has_one_row_per_event),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
