/* Hostile and malformed traces (issue 11): the limits a reader enforces,
 * the merge, memory that follows what a file holds, and the growth helpers.
 * Files are built byte by byte here; tests/cli_hostile.sh runs the issue's
 * reproducers through the binary. No test looks at a clock: CTest's timeout
 * bounds the ones that used to hang. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/session.h"
#include "sim/base/util.h"
#include "sim/report/stats.h"
#include "sim/trace/codec.h"
#include "sim/trace/reader.h"
#include "testutil.h"

/* --- building traces --------------------------------------------------------- */
static void put_chunk(ss_buf *f, const char *type, const ss_buf *p)
{
    ss_put_bytes(f, type, 4);
    ss_put_u32le(f, (uint32_t)p->len);
    ss_put_u32le(f, ss_crc32(p->p ? p->p : (const uint8_t *)"", p->len));
    ss_put_bytes(f, p->p, p->len);
}

static void put_header(ss_buf *f)
{
    uint8_t h[SS_FILE_HEADER_SIZE] = {0};
    memcpy(h, SS_TRACE_MAGIC, 8);
    h[8] = SS_TRACE_VERSION;
    h[10] = SS_FILE_HEADER_SIZE;
    ss_put_bytes(f, h, sizeof h);
}

static void runb(ss_buf *f, uint64_t run)
{
    ss_buf p = {0};
    ss_put_uv(&p, run);
    ss_put_str(&p, "epoll");
    ss_put_str(&p, "crafted");
    ss_put_str(&p, "");
    ss_put_uv(&p, 0);
    ss_put_uv(&p, 1);
    ss_put_uv(&p, 0);
    put_chunk(f, "RUNB", &p);
    ss_buf_free(&p);
}

static void rune(ss_buf *f, uint64_t run, uint64_t duration)
{
    ss_buf p = {0};
    ss_put_uv(&p, run);
    ss_put_uv(&p, duration);
    ss_put_uv(&p, 0);
    ss_put_uv(&p, 0);
    ss_put_uv(&p, 0);
    put_chunk(f, "RUNE", &p);
    ss_buf_free(&p);
}

static void thrd(ss_buf *f, uint64_t run, uint64_t idx, int role)
{
    ss_buf p = {0};
    ss_put_uv(&p, run);
    ss_put_uv(&p, idx);
    ss_put_uv(&p, (uint64_t)role);
    ss_put_uv(&p, 1);
    ss_put_str(&p, "t");
    put_chunk(f, "THRD", &p);
    ss_buf_free(&p);
}

static void sync_at(ss_buf *f, uint64_t run, uint64_t t)
{
    ss_buf p = {0};
    ss_put_uv(&p, run);
    ss_put_uv(&p, t);
    put_chunk(f, "SYNC", &p);
    ss_buf_free(&p);
}

/* one EVTS chunk of n events of `api` at times t0[i], each lasting dur */
static void evts(ss_buf *f, uint64_t run, uint64_t thread, int api, const uint64_t *t0, size_t n, uint64_t dur)
{
    ss_buf p = {0};
    ss_put_uv(&p, run);
    ss_put_uv(&p, thread);
    ss_put_uv(&p, n);
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        ss_event ev = {.api = (uint16_t)api, .sock = -1, .t0 = t0[i], .t1 = t0[i] + dur};
        ss_encode_event(&p, &ev, &prev);
    }
    put_chunk(f, "EVTS", &p);
    ss_buf_free(&p);
}

static const char *write_trace(ss_buf *f)
{
    assert_false(f->oom);
    const char *path = tu_tmpfile(".sstrace");
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(f->p, 1, f->len, out), f->len);
    assert_int_equal(fclose(out), 0);
    ss_buf_free(f);
    return path;
}

/* --- a visitor that keeps what it is given ---------------------------------- */
typedef struct seen {
    uint64_t *t1;
    size_t n, cap;
    int runs, threads;
} seen;

static void seen_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run, (void)thread;
    seen *s = ud;
    if (s->n == s->cap) {
        uint64_t *p = ss_grow(s->t1, &s->cap, sizeof *p, 1024);
        assert_non_null(p);
        s->t1 = p;
    }
    s->t1[s->n++] = ev->t1;
}

static void seen_run(void *ud, const ss_run_meta *m) { (void)m, ((seen *)ud)->runs++; }
static void seen_thread(void *ud, const ss_thread_meta *t) { (void)t, ((seen *)ud)->threads++; }

static int scan(const char *path, int ordered, seen *s, ss_scan_result *res, char *err, size_t n)
{
    memset(s, 0, sizeof *s);
    ss_visitor v = {.ud = s, .event = seen_event, .run_begin = seen_run, .thread = seen_thread};
    return ss_trace_scan(path, ordered, &v, res, err, n);
}

/* --- the growth helpers ------------------------------------------------------ */
static void growth_never_wraps(void **state)
{
    (void)state;
    size_t cap = SIZE_MAX / 16 + 1; /* doubling it would need more than SIZE_MAX bytes of 8-byte elements */
    void *arr = (void *)&cap;       /* never touched: the helper must refuse before realloc */
    assert_null(ss_grow(arr, &cap, 8, 16));
    assert_int_equal(cap, SIZE_MAX / 16 + 1);
    cap = 0;
    assert_null(ss_grow(NULL, &cap, 1024, SIZE_MAX / 512));
    assert_int_equal(cap, 0);
    int *p = NULL;
    cap = 0;
    for (int i = 0; i < 5; i++) {
        int *q = ss_grow(p, &cap, sizeof *p, 4);
        assert_non_null(q);
        p = q;
    }
    assert_int_equal(cap, 64);
    free(p);

    ss_buf b = {0};
    ss_buf_reserve(&b, 100);
    assert_false(b.oom);
    ss_put_u8(&b, 1);
    ss_buf_reserve(&b, SIZE_MAX - 1); /* len + extra wraps: refused, not a tiny buffer */
    assert_true(b.oom);
    ss_buf_free(&b);
}

static void idmap_holds_what_it_is_given(void **state)
{
    (void)state;
    ss_idmap m = {0};
    assert_int_equal(ss_idmap_get(&m, 7), -1);
    /* ids spread over the whole range, as a hostile file would name them */
    for (uint32_t i = 0; i < 100000; i++)
        assert_int_equal(ss_idmap_put(&m, i * 2654435761u, i), 0);
    assert_int_equal(m.n, 100000);
    assert_true(m.cap <= 4 * 100000); /* at most half full, doubling: O(ids), not O(their values) */
    for (uint32_t i = 0; i < 100000; i++)
        assert_int_equal(ss_idmap_get(&m, i * 2654435761u), i);
    assert_int_equal(ss_idmap_get(&m, 1), -1);
    assert_int_equal(ss_idmap_put(&m, 0xfffffffeu, UINT32_MAX - 1), 0);
    assert_int_equal(ss_idmap_get(&m, 0xfffffffeu), UINT32_MAX - 1);
    assert_int_equal(ss_idmap_put(&m, 5, UINT32_MAX), -1); /* not storable */
    assert_int_equal(ss_idmap_put(&m, 0, 42), 0);             /* replaces */
    assert_int_equal(ss_idmap_get(&m, 0), 42);
    ss_idmap_clear(&m);
    assert_int_equal(ss_idmap_get(&m, 0), -1);
    assert_int_equal(m.n, 0);
    ss_idmap_free(&m);
}

/* --- limits ---------------------------------------------------------------- */
static void expect_damaged(const char *path, const char *why)
{
    seen s;
    ss_scan_result res;
    char err[256];
    for (int ordered = 0; ordered < 2; ordered++) {
        assert_int_equal(scan(path, ordered, &s, &res, err, sizeof err), 0);
        assert_true(res.corrupt);
        if (!strstr(res.warning, why) || !strstr(res.warning, path))
            fail_msg("warning '%s' does not name the file and '%s'", res.warning, why);
        free(s.t1);
    }
}

static void thread_index_past_limit_is_damage(void **state)
{
    (void)state;
    const uint64_t idx[] = {(uint64_t)1 << 31, 100000000, SS_MAX_THREAD_INDEX + 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        ss_buf f = {0};
        put_header(&f);
        runb(&f, 1);
        thrd(&f, 1, idx[i], SS_ROLE_SERVER);
        expect_damaged(write_trace(&f), "above the limit");
        /* the same index in an events chunk, with no thread chunk before it */
        ss_buf g = {0};
        put_header(&g);
        runb(&g, 1);
        uint64_t t0 = 5;
        evts(&g, 1, idx[i], SS_API_RECV, &t0, 1, 3);
        expect_damaged(write_trace(&g), "above the limit");
    }
}

/* The highest index a reader takes costs one slot, not an array that long. */
static void thread_index_at_limit_costs_one_slot(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    thrd(&f, 1, SS_MAX_THREAD_INDEX, SS_ROLE_CLIENT);
    uint64_t t0 = 5;
    evts(&f, 1, SS_MAX_THREAD_INDEX, SS_API_RECV, &t0, 1, 3);
    rune(&f, 1, 10);
    const char *path = write_trace(&f);
    ss_stats st;
    char err[256];
    assert_int_equal(ss_stats_load(path, &st, err, sizeof err), 0);
    assert_int_equal(st.nruns, 1);
    assert_int_equal(st.runs[0].nthreads, 1);
    assert_true(st.runs[0].capthreads < 64);
    assert_int_equal(st.runs[0].client.threads, 1); /* its role was kept */
    assert_int_equal(st.runs[0].client.events, 1);
    ss_stats_free(&st);
}

static void runs_past_limit_are_damage(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f);
    for (int i = 1; i <= SS_MAX_RUNS + 1; i++)
        runb(&f, (uint64_t)i);
    const char *path = write_trace(&f);
    expect_damaged(path, "more than 1024 runs");
    ss_stats st;
    char err[256];
    assert_int_equal(ss_stats_load(path, &st, err, sizeof err), 0);
    assert_int_equal(st.nruns, SS_MAX_RUNS);
    ss_stats_free(&st);
}

/* A run that records no latency, message delay or inline emulation holds no
 * histogram (16 KiB each): what a run costs follows what it holds. */
static void histograms_only_for_runs_that_have_samples(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f);
    for (int i = 1; i <= 100; i++) {
        runb(&f, (uint64_t)i);
        if (i == 50) {
            thrd(&f, 50, 0, SS_ROLE_CLIENT);
            uint64_t t0[] = {10, 20};
            evts(&f, 50, 0, SS_API_REQUEST, t0, 2, 5);
        }
        rune(&f, (uint64_t)i, 100);
    }
    ss_stats st;
    char err[256];
    assert_int_equal(ss_stats_load(write_trace(&f), &st, err, sizeof err), 0);
    assert_int_equal(st.nruns, 100);
    for (int i = 0; i < 100; i++) {
        const ss_run_stats *r = &st.runs[i];
        assert_null(r->msgs.socket_delay);
        assert_null(r->emul_inline);
        if (i == 49) {
            assert_non_null(r->latency);
            assert_int_equal(ss_hist_count_of(r->latency), 2);
            assert_int_equal(ss_hist_pct_of(r->latency, 50), 5);
        } else {
            assert_null(r->latency);
            assert_int_equal(ss_hist_pct_of(r->latency, 99), 0);
        }
    }
    ss_stats_free(&st);
}

static void malformed_structure_is_damage(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f); /* a chunk of another run inside run 1 */
    runb(&f, 1);
    thrd(&f, 2, 0, SS_ROLE_SERVER);
    expect_damaged(write_trace(&f), "a chunk of run 2 inside run 1");

    ss_buf g = {0};
    put_header(&g); /* a chunk before any run */
    sync_at(&g, 1, 100);
    expect_damaged(write_trace(&g), "outside any run");

    ss_buf h = {0};
    put_header(&h); /* run ids are 1-based, 32-bit */
    runb(&h, 0);
    expect_damaged(write_trace(&h), "run id 0");
    ss_buf h2 = {0};
    put_header(&h2);
    runb(&h2, (uint64_t)1 << 32);
    expect_damaged(write_trace(&h2), "run id 4294967296");

    ss_buf k = {0};
    put_header(&k); /* a run that lasts past 2^62 ns */
    runb(&k, 1);
    rune(&k, 1, UINT64_MAX);
    expect_damaged(write_trace(&k), "run duration");

    ss_buf e = {0};
    put_header(&e); /* an event time past 2^62 ns, and one before the run's start */
    runb(&e, 1);
    uint64_t late = SS_TRACE_MAX_NS + 1;
    evts(&e, 1, 0, SS_API_RECV, &late, 1, 0);
    expect_damaged(write_trace(&e), "malformed EVTS chunk");
    ss_buf e2 = {0};
    put_header(&e2);
    runb(&e2, 1);
    ss_buf p = {0};
    ss_put_uv(&p, 1);
    ss_put_uv(&p, 0);
    ss_put_uv(&p, 1);
    ss_put_uv(&p, SS_API_RECV);
    ss_put_u8(&p, 0);
    ss_put_u8(&p, 0);
    ss_put_sv(&p, -5); /* t0 = 0 - 5 */
    ss_put_uv(&p, 1);
    put_chunk(&e2, "EVTS", &p);
    ss_buf_free(&p);
    expect_damaged(write_trace(&e2), "malformed EVTS chunk");

    ss_buf big = {0};
    put_header(&big); /* a chunk length over 16 MiB */
    runb(&big, 1);
    ss_put_bytes(&big, "EVTS", 4);
    ss_put_u32le(&big, SS_CHUNK_MAX_PAYLOAD + 1);
    ss_put_u32le(&big, 0);
    expect_damaged(write_trace(&big), "more than the 16777216 a chunk may hold");
}

/* A length past the end of the file is a cut-off file, seen before anything
 * is read or allocated for it. */
static void chunk_longer_than_file_is_cut_off(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    size_t good = f.len;
    ss_put_bytes(&f, "EVTS", 4);
    ss_put_u32le(&f, 1000000);
    ss_put_u32le(&f, 0);
    ss_put_bytes(&f, "abc", 3);
    seen s;
    ss_scan_result res;
    char err[256];
    assert_int_equal(scan(write_trace(&f), 1, &s, &res, err, sizeof err), 0);
    assert_true(res.truncated);
    assert_false(res.corrupt);
    assert_int_equal(res.bytes, good);
    assert_int_equal(s.runs, 1);
    assert_non_null(strstr(res.warning, "cut off mid-write"));
    free(s.t1);
}

static void empty_first_chunk_reads(void **state)
{
    (void)state;
    ss_buf f = {0}, none = {0};
    put_header(&f);
    put_chunk(&f, "XTRA", &none); /* unknown type, empty payload: skipped */
    runb(&f, 1);
    rune(&f, 1, 10);
    seen s;
    ss_scan_result res;
    char err[256];
    assert_int_equal(scan(write_trace(&f), 1, &s, &res, err, sizeof err), 0);
    assert_false(res.corrupt || res.truncated);
    assert_int_equal(res.chunks, 3);
    assert_int_equal(s.runs, 1);
    free(s.t1);
}

static void directory_and_empty_file_say_so(void **state)
{
    (void)state;
    const char *dir = tu_tmpfile(".dir");
    assert_int_equal(mkdir(dir, 0700), 0);
    seen s;
    ss_scan_result res;
    char err[512];
    assert_int_equal(scan(dir, 0, &s, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "is a directory"));
    rmdir(dir);
    const char *empty = tu_tmpfile(".sstrace");
    FILE *f = fopen(empty, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(scan(empty, 0, &s, &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "is empty"));
}

/* --- the merge ----------------------------------------------------------------- */
/* The pattern, smaller: events whose exit times lie beyond many
 * barriers. Every event comes out once, in exit-time order. (Re-sorting the
 * whole buffer at each barrier made this quadratic; CTest's timeout bounds it.) */
static void merge_orders_across_many_barriers(void **state)
{
    (void)state;
    enum { CHUNKS = 200, PER = 1000, SYNCS = 20000 };
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    thrd(&f, 1, 0, SS_ROLE_SERVER);
    thrd(&f, 1, 1, SS_ROLE_SERVER);
    uint64_t *t0 = malloc(PER * sizeof *t0);
    assert_non_null(t0);
    for (int k = 0; k < CHUNKS; k++) {
        /* two threads, interleaved in time, each in its own order */
        for (int j = 0; j < PER; j++)
            t0[j] = 1000000000000ull + (uint64_t)j * 2 * CHUNKS + (uint64_t)k * 2 + (uint64_t)(k & 1);
        evts(&f, 1, (uint64_t)(k & 1), SS_API_RECV, t0, PER, 1);
    }
    free(t0);
    for (int i = 0; i < SYNCS; i++)
        sync_at(&f, 1, 100000000 + (uint64_t)i);
    rune(&f, 1, 2000000000000ull);
    seen s;
    ss_scan_result res;
    char err[256];
    assert_int_equal(scan(write_trace(&f), 1, &s, &res, err, sizeof err), 0);
    assert_int_equal(s.n, CHUNKS * PER);
    for (size_t i = 1; i < s.n; i++)
        if (s.t1[i] < s.t1[i - 1])
            fail_msg("event %zu ends at %llu, before the one delivered before it", i, (unsigned long long)s.t1[i]);
    assert_int_equal(res.late_events, 0);
    free(s.t1);
}

/* Barriers release what is older than them, less the slack; an event that
 * arrives after its time was released is delivered too, counted late. */
static void merge_releases_at_barriers_and_counts_late(void **state)
{
    (void)state;
    const uint64_t ms = 1000000;
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    thrd(&f, 1, 0, SS_ROLE_SERVER);
    uint64_t a[] = {100 * ms, 300 * ms};
    evts(&f, 1, 0, SS_API_RECV, a, 2, 0);
    sync_at(&f, 1, 200 * ms); /* releases 100 ms (<= 180 ms), keeps 300 ms */
    uint64_t b[] = {50 * ms};   /* older than what was released: late */
    evts(&f, 1, 0, SS_API_SEND, b, 1, 0);
    rune(&f, 1, 400 * ms);
    seen s;
    ss_scan_result res;
    char err[256];
    assert_int_equal(scan(write_trace(&f), 1, &s, &res, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_true(s.t1[0] == 100 * ms && s.t1[1] == 50 * ms && s.t1[2] == 300 * ms);
    assert_int_equal(res.late_events, 1);
    free(s.t1);
}

/* --- the viewer ------------------------------------------------------------------ */
/* 150,000 threads of one event each: a lane each, found by the index, in a
 * peak memory that follows the events (each lane once started at 256
 * events: 920 MB). The quadratic lane search is bounded by CTest's timeout. */
static void viewer_indexes_150k_lanes(void **state)
{
    (void)state;
    enum { THREADS = 150000 };
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    for (uint64_t i = 0; i < THREADS; i++) {
        thrd(&f, 1, i, SS_ROLE_SERVER);
        uint64_t t0 = 1000 + i;
        evts(&f, 1, i, SS_API_SEND, &t0, 1, 10);
    }
    rune(&f, 1, 1000000);
    const char *path = write_trace(&f);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    vw_session s;
    memset(&s, 0, sizeof s);
    char err[256];
    assert_int_equal(vw_session_load(&s, path, err, sizeof err), 0);
    getrusage(RUSAGE_SELF, &after);
    assert_int_equal(s.nruns, 1);
    const vw_run *r = &s.runs[0];
    assert_int_equal(r->nlanes, THREADS);
    for (uint32_t i = 0; i < THREADS; i += 997) {
        int k = vw_run_lane_index(r, i);
        assert_true(k >= 0 && k < r->nlanes);
        assert_int_equal(r->lanes[k].thread_idx, i);
        assert_int_equal(r->lanes[k].n, 1);
        assert_int_equal(r->lanes[k].ev[0].t0, 1000 + i);
    }
    assert_int_equal(vw_run_lane_index(r, THREADS), -1);
    long grown_mib = (after.ru_maxrss - before.ru_maxrss) / 1024;
    print_message("150,000 lanes: peak memory grew %ld MiB; %zu bytes held\n", grown_mib, vw_session_bytes(&s));
    assert_true(grown_mib < 300);
    vw_session_free(&s);
}

/* A run without lanes finishes (no qsort of a null array: UBSan's check). */
static void viewer_run_without_lanes(void **state)
{
    (void)state;
    vw_session s;
    memset(&s, 0, sizeof s);
    vw_run *r = vw_session_add_run(&s, "empty");
    assert_non_null(r);
    vw_run_finish(r);
    assert_int_equal(r->nlanes, 0);
    assert_int_equal(r->duration, 0);
    vw_session_free(&s);
}

/* A run without its end record is incomplete, not damaged: the viewer warns
 * but does not call it bad input; a cut-off file is damaged. */
static void viewer_incomplete_is_not_damaged(void **state)
{
    (void)state;
    ss_buf f = {0};
    put_header(&f);
    runb(&f, 1);
    thrd(&f, 1, 0, SS_ROLE_SERVER);
    uint64_t t0[] = {1000, 2000};
    evts(&f, 1, 0, SS_API_RECV, t0, 2, 10);
    size_t whole = f.len;
    ss_buf cut = {0};
    ss_put_bytes(&cut, f.p, whole - 3);
    vw_session s;
    memset(&s, 0, sizeof s);
    char err[256];
    assert_int_equal(vw_session_load(&s, write_trace(&f), err, sizeof err), 0);
    assert_false(s.damaged);
    assert_non_null(strstr(s.warning, "no end record"));
    assert_int_equal(s.runs[0].nevents, 2);
    vw_session_free(&s);
    assert_int_equal(vw_session_load(&s, write_trace(&cut), err, sizeof err), 0);
    assert_true(s.damaged);
    assert_non_null(strstr(s.warning, "cut off"));
    vw_session_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: its peak-memory figure should not include the others' */
        cmocka_unit_test(viewer_indexes_150k_lanes),
        cmocka_unit_test(growth_never_wraps),
        cmocka_unit_test(idmap_holds_what_it_is_given),
        cmocka_unit_test(thread_index_past_limit_is_damage),
        cmocka_unit_test(thread_index_at_limit_costs_one_slot),
        cmocka_unit_test(runs_past_limit_are_damage),
        cmocka_unit_test(histograms_only_for_runs_that_have_samples),
        cmocka_unit_test(malformed_structure_is_damage),
        cmocka_unit_test(chunk_longer_than_file_is_cut_off),
        cmocka_unit_test(empty_first_chunk_reads),
        cmocka_unit_test(directory_and_empty_file_say_so),
        cmocka_unit_test(merge_orders_across_many_barriers),
        cmocka_unit_test(merge_releases_at_barriers_and_counts_late),
        cmocka_unit_test(viewer_run_without_lanes),
        cmocka_unit_test(viewer_incomplete_is_not_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
