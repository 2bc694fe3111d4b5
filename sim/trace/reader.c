#include "sim/trace/reader.h"
#include "sim/trace/tracein.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/util.h"
#include "sim/trace/codec.h"

/* How far (ns) an event may trail the SYNC barrier it belongs before: a
 * producer preempted between reading its clock and pushing its event. */
#define ORDER_SLACK_NS (20ull * 1000 * 1000)

typedef struct pending {
    uint32_t run, thread;
    ss_event ev;
} pending;

/* A heap entry: the merge key (exit time, then arrival order: a stable
 * merge) and where the event waits in the pool. Small, so a sift moves
 * 24 bytes a level instead of a whole event. */
typedef struct node {
    uint64_t t1, seq;
    size_t slot;
} node;

typedef struct scan {
    const ss_visitor *v;
    ss_scan_result *res;
    int ordered;
    /* ordered mode: events of the drain window wait in a pool, ordered by a
     * binary min-heap on (t1, seq); a freed slot is reused. Each event is
     * pushed and popped once: O(n log n) whatever the pattern of SYNC
     * chunks (re-sorting the window at every SYNC was quadratic). */
    node *heap;
    pending *pool;
    size_t *freeslots;
    size_t nheap, npool, nfree, capheap, cappool, capfree;
    uint64_t seq, last_t1;
    ss_thread_end_info *ends;
    size_t nends, capends;
    uint32_t open_run;
    int nruns;
    char why[160]; /* what was wrong with the chunk that ended the read */
} scan;

/* Every chunk after RUNB belongs to the open run (writers write runs one
 * after another): a chunk naming another is not one a writer made. */
static int check_run(scan *s, uint64_t run)
{
    if (run == s->open_run && run)
        return 0;
    if (s->open_run)
        snprintf(s->why, sizeof s->why, "a chunk of run %llu inside run %u", (unsigned long long)run, s->open_run);
    else
        snprintf(s->why, sizeof s->why, "a chunk of run %llu outside any run (no run begin before it)",
                 (unsigned long long)run);
    return -1;
}

static int check_thread(scan *s, uint64_t idx)
{
    if (idx <= SS_MAX_THREAD_INDEX)
        return 0;
    snprintf(s->why, sizeof s->why, "thread index %llu, above the limit of %u", (unsigned long long)idx,
             SS_MAX_THREAD_INDEX);
    return -1;
}

/* Durations and CPU times are ns, as event times: none past SS_TRACE_MAX_NS,
 * so that sums and the viewer's arithmetic on them stay in range. */
static int check_time(scan *s, const char *what, uint64_t ns)
{
    if (ns <= SS_TRACE_MAX_NS)
        return 0;
    snprintf(s->why, sizeof s->why, "a %s of %llu ns, past the limit of 2^62", what, (unsigned long long)ns);
    return -1;
}

static int node_less(const node *a, const node *b)
{
    return a->t1 != b->t1 ? a->t1 < b->t1 : a->seq < b->seq;
}

static void heap_push(scan *s, node x)
{
    size_t i = s->nheap++;
    while (i) {
        size_t up = (i - 1) / 2;
        if (!node_less(&x, &s->heap[up]))
            break;
        s->heap[i] = s->heap[up];
        i = up;
    }
    s->heap[i] = x;
}

static node heap_pop(scan *s)
{
    node top = s->heap[0], x = s->heap[--s->nheap];
    size_t i = 0, n = s->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && node_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!node_less(&s->heap[c], &x))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (n)
        s->heap[i] = x;
    return top;
}

static void deliver(scan *s, const pending *p)
{
    if (p->ev.t1 < s->last_t1)
        s->res->late_events++;
    else
        s->last_t1 = p->ev.t1;
    if (s->v->event)
        s->v->event(s->v->ud, p->run, p->thread, &p->ev);
}

/* Deliver buffered events with t1 <= limit, in order. */
static void flush_upto(scan *s, uint64_t limit)
{
    while (s->nheap && s->heap[0].t1 <= limit) {
        node x = heap_pop(s);
        deliver(s, &s->pool[x.slot]);
        s->freeslots[s->nfree++] = x.slot;
    }
    if (!s->nheap) /* all delivered: start the pool over, compact */
        s->npool = s->nfree = 0;
}

static void flush_thread_ends(scan *s)
{
    for (size_t i = 0; i < s->nends; i++)
        if (s->v->thread_end)
            s->v->thread_end(s->v->ud, &s->ends[i]);
    s->nends = 0;
}

/* Room for `need` elements in *arr (capacity *cap), growing by doubling. */
static int reserve(void *arrp, size_t *cap, size_t need, size_t elem, size_t first)
{
    void **arr = arrp;
    while (*cap < need) {
        void *p = ss_grow(*arr, cap, elem, first);
        if (!p)
            return -1;
        *arr = p;
    }
    return 0;
}

/* A pool slot for one more event: a freed one, or a new one (the heap and
 * the free list can then hold every slot). */
static int take_slot(scan *s, size_t *slot)
{
    if (s->nfree) {
        *slot = s->freeslots[--s->nfree];
        return 0;
    }
    size_t need = s->npool + 1;
    if (reserve(&s->pool, &s->cappool, need, sizeof *s->pool, 256) != 0 ||
        reserve(&s->heap, &s->capheap, need, sizeof *s->heap, 256) != 0 ||
        reserve(&s->freeslots, &s->capfree, need, sizeof *s->freeslots, 256) != 0) {
        snprintf(s->why, sizeof s->why, "out of memory ordering %llu events", (unsigned long long)need);
        return -1;
    }
    *slot = s->npool++;
    return 0;
}

static int on_event(scan *s, uint32_t run, uint32_t thread, const ss_event *ev)
{
    s->res->events++;
    if (!s->ordered) {
        if (s->v->event)
            s->v->event(s->v->ud, run, thread, ev);
        return 0;
    }
    size_t slot;
    if (take_slot(s, &slot) != 0)
        return -1;
    s->pool[slot] = (pending){run, thread, *ev};
    heap_push(s, (node){ev->t1, s->seq++, slot});
    return 0;
}

static int parse_events(scan *s, ss_cur *c)
{
    uint64_t run = ss_get_uv(c), thread = ss_get_uv(c);
    uint64_t n = ss_get_uv(c), prev = 0;
    if (c->bad || check_run(s, run) != 0 || check_thread(s, thread) != 0)
        return -1;
    /* n is only a claim: the loop ends with the payload, nothing is sized by it */
    for (uint64_t i = 0; i < n && !c->bad; i++) {
        ss_event ev;
        if (ss_decode_event(c, &ev, &prev) != 0)
            return -1;
        if (on_event(s, (uint32_t)run, (uint32_t)thread, &ev) != 0)
            return -1;
    }
    return c->bad ? -1 : 0;
}

static void read_kv(ss_cur *c, int *count, char kv[][2][96])
{
    uint64_t n = ss_get_uv(c);
    *count = 0;
    for (uint64_t i = 0; i < n && !c->bad; i++) {
        char k[96], val[96];
        ss_get_str(c, k, sizeof k);
        ss_get_str(c, val, sizeof val);
        if (*count < SS_MAX_PARAMS) {
            memcpy(kv[*count][0], k, sizeof k);
            memcpy(kv[*count][1], val, sizeof val);
            (*count)++;
        }
    }
}

static int parse_chunk(scan *s, uint32_t type, ss_cur *c)
{
    const ss_visitor *v = s->v;
    switch (type) {
    case SS_CHUNK_RUN_BEGIN: {
        ss_run_meta m;
        memset(&m, 0, sizeof m);
        uint64_t id = ss_get_uv(c);
        ss_get_str(c, m.model, sizeof m.model);
        ss_get_str(c, m.mechanism, sizeof m.mechanism);
        ss_get_str(c, m.clock, sizeof m.clock);
        m.wall_start_ns = ss_get_uv(c);
        m.pid = (uint32_t)ss_get_uv(c);
        read_kv(c, &m.nparams, m.params);
        if (c->bad)
            return -1;
        if (id == 0 || id > UINT32_MAX) {
            snprintf(s->why, sizeof s->why, "run id %llu (ids run from 1 to 2^32-1)", (unsigned long long)id);
            return -1;
        }
        if (s->nruns == SS_MAX_RUNS) {
            snprintf(s->why, sizeof s->why, "more than %d runs", SS_MAX_RUNS);
            return -1;
        }
        s->nruns++;
        m.id = (uint32_t)id;
        if (s->open_run)
            s->res->runs_unfinished++;
        flush_upto(s, UINT64_MAX);
        flush_thread_ends(s);
        s->open_run = m.id;
        s->last_t1 = 0;
        if (v->run_begin)
            v->run_begin(v->ud, &m);
        return 0;
    }
    case SS_CHUNK_THREAD: {
        ss_thread_meta t;
        memset(&t, 0, sizeof t);
        uint64_t run = ss_get_uv(c), idx = ss_get_uv(c), role = ss_get_uv(c);
        t.os_tid = (uint32_t)ss_get_uv(c);
        ss_get_str(c, t.name, sizeof t.name);
        if (c->bad || check_run(s, run) != 0 || check_thread(s, idx) != 0)
            return -1;
        if (role > SS_MAX_ROLE) { /* later versions may add roles, never hundreds */
            snprintf(s->why, sizeof s->why, "thread role %llu", (unsigned long long)role);
            return -1;
        }
        t.run = (uint32_t)run;
        t.idx = (uint32_t)idx;
        t.role = (int)role;
        if (v->thread)
            v->thread(v->ud, &t);
        return 0;
    }
    case SS_CHUNK_EVENTS:
        return parse_events(s, c);
    case SS_CHUNK_SYNC: {
        uint64_t run = ss_get_uv(c), t = ss_get_uv(c);
        if (c->bad || check_run(s, run) != 0)
            return -1;
        if (s->ordered && t > ORDER_SLACK_NS)
            flush_upto(s, t - ORDER_SLACK_NS);
        return 0;
    }
    case SS_CHUNK_THREAD_END: {
        ss_thread_end_info t;
        uint64_t run = ss_get_uv(c), idx = ss_get_uv(c);
        t.user_ns = ss_get_uv(c);
        t.sys_ns = ss_get_uv(c);
        t.events = ss_get_uv(c);
        t.dropped = ss_get_uv(c);
        if (c->bad || check_run(s, run) != 0 || check_thread(s, idx) != 0 ||
            check_time(s, "thread CPU time", t.user_ns) != 0 || check_time(s, "thread CPU time", t.sys_ns) != 0)
            return -1;
        t.run = (uint32_t)run;
        t.idx = (uint32_t)idx;
        if (!s->ordered) {
            if (v->thread_end)
                v->thread_end(v->ud, &t);
            return 0;
        }
        if (reserve(&s->ends, &s->capends, s->nends + 1, sizeof *s->ends, 64) != 0) {
            snprintf(s->why, sizeof s->why, "out of memory");
            return -1;
        }
        s->ends[s->nends++] = t;
        return 0;
    }
    case SS_CHUNK_RUN_END: {
        ss_run_end_info *r = calloc(1, sizeof *r);
        if (!r) {
            snprintf(s->why, sizeof s->why, "out of memory");
            return -1;
        }
        uint64_t run = ss_get_uv(c);
        r->duration_ns = ss_get_uv(c);
        r->user_ns = ss_get_uv(c);
        r->sys_ns = ss_get_uv(c);
        read_kv(c, &r->nnotes, r->notes);
        int bad = c->bad || check_run(s, run) != 0 || check_time(s, "run duration", r->duration_ns) != 0 ||
                  check_time(s, "run CPU time", r->user_ns) != 0 || check_time(s, "run CPU time", r->sys_ns) != 0;
        r->run = (uint32_t)run;
        if (!bad) {
            flush_upto(s, UINT64_MAX);
            flush_thread_ends(s);
            s->open_run = 0;
            if (v->run_end)
                v->run_end(v->ud, r);
        }
        free(r);
        return bad ? -1 : 0;
    }
    case SS_CHUNK_CLOCK_ANCHOR: {
        ss_clock_anchor a;
        uint64_t run = ss_get_uv(c);
        a.t_ns = ss_get_uv(c);
        a.real_ns = ss_get_uv(c);
        a.err_ns = ss_get_uv(c);
        if (c->bad || check_run(s, run) != 0 || check_time(s, "clock anchor", a.t_ns) != 0 ||
            check_time(s, "clock anchor error", a.err_ns) != 0)
            return -1;
        a.run = (uint32_t)run;
        if (v->anchor)
            v->anchor(v->ud, &a);
        return 0;
    }
    default:
        return 0; /* unknown chunk types are skipped: newer writers may add some */
    }
}

/* A directory or an empty file says so, rather than "bad magic number";
 * *size is the file's length when it is a regular file (the bound every
 * chunk length is checked against), else UINT64_MAX. */
static int check_file(FILE *f, const char *path, uint64_t *size, char *err, size_t errlen)
{
    struct stat st;
    *size = UINT64_MAX;
    if (fstat(fileno(f), &st) != 0)
        return 0; /* nothing to say: the reads will tell */
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is a directory, not a trace file", path);
        return -1;
    }
    if (S_ISREG(st.st_mode)) {
        *size = (uint64_t)st.st_size;
        if (!st.st_size) {
            snprintf(err, errlen, "'%s' is empty (0 bytes): no trace was written to it", path);
            return -1;
        }
    }
    return 0;
}

static int read_header(FILE *f, const char *path, uint64_t *pos, char *err, size_t errlen)
{
    uint8_t hdr[SS_FILE_HEADER_SIZE];
    size_t got = fread(hdr, 1, sizeof hdr, f);
    if (got < 8 || memcmp(hdr, SS_TRACE_MAGIC, 8) != 0) {
        snprintf(err, errlen, "'%s' is not a sockscope trace (bad magic number)", path);
        return -1;
    }
    if (got < sizeof hdr) {
        snprintf(err, errlen, "'%s' is truncated inside its file header", path);
        return -1;
    }
    unsigned version = hdr[8] | hdr[9] << 8, hsize = hdr[10] | hdr[11] << 8;
    if (version < SS_TRACE_VERSION_MIN || version > SS_TRACE_VERSION) {
        snprintf(err, errlen, "'%s' is trace format version %u; this sockscope reads versions %d to %d", path,
                 version, SS_TRACE_VERSION_MIN, SS_TRACE_VERSION);
        return -1;
    }
    /* skipped by reading, not fseek: a header longer than this version's
     * (a newer writer's) is read past the same way from any stream */
    int bad = hsize < SS_FILE_HEADER_SIZE;
    for (unsigned i = SS_FILE_HEADER_SIZE; i < hsize && !bad; i++)
        bad = fgetc(f) == EOF;
    if (bad) {
        snprintf(err, errlen, "'%s' has a malformed file header", path);
        return -1;
    }
    *pos = hsize;
    return 0;
}

static const char *chunk_name(uint32_t type, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char ch = (char)(type >> (8 * i));
        out[i] = ch >= 'A' && ch <= 'Z' ? ch : '?';
    }
    out[4] = 0;
    return out;
}

/* Reads chunk after chunk. Every length is checked against the bytes the
 * file has left before anything is allocated for it, so memory follows
 * what the file holds, never what it claims. */
static int read_chunks(FILE *f, const char *path, uint64_t size, uint64_t pos, scan *s, char *err, size_t errlen)
{
    static const uint8_t empty[1];
    ss_scan_result *res = s->res;
    uint8_t *payload = NULL;
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        uint8_t h[SS_CHUNK_HEADER_SIZE];
        size_t got = fread(h, 1, sizeof h, f);
        if (got == 0)
            break;
        if (got < sizeof h) {
            res->truncated = 1;
            break;
        }
        ss_cur hc = {h, h + got, 0};
        uint32_t type = ss_get_u32le(&hc), len = ss_get_u32le(&hc), crc = ss_get_u32le(&hc);
        pos += SS_CHUNK_HEADER_SIZE;
        if (len > SS_CHUNK_MAX_PAYLOAD) {
            snprintf(s->why, sizeof s->why, "a chunk claims %u bytes, more than the %u a chunk may hold", len,
                     SS_CHUNK_MAX_PAYLOAD);
            res->corrupt = 1;
            break;
        }
        if (size != UINT64_MAX && len > (pos <= size ? size - pos : 0)) {
            res->truncated = 1; /* the file ends inside this chunk */
            break;
        }
        if (len > cap) {
            uint8_t *p = realloc(payload, len);
            if (!p) {
                snprintf(err, errlen, "out of memory reading '%s'", path);
                rc = -1;
                break;
            }
            payload = p;
            cap = len;
        }
        if (len && fread(payload, 1, len, f) != len) {
            res->truncated = 1;
            break;
        }
        pos += len;
        const uint8_t *data = len ? payload : empty; /* an empty first chunk: no null + 0 */
        if (ss_crc32(data, len) != crc) {
            snprintf(s->why, sizeof s->why, "a chunk failed its check");
            res->corrupt = 1;
            break;
        }
        ss_cur c = {data, data + len, 0};
        if (parse_chunk(s, type, &c) != 0) {
            if (!s->why[0]) {
                char name[5];
                snprintf(s->why, sizeof s->why, "a malformed %s chunk", chunk_name(type, name));
            }
            res->corrupt = 1;
            break;
        }
        res->chunks++;
        res->bytes += SS_CHUNK_HEADER_SIZE + len;
    }
    free(payload);
    return rc;
}

static void set_warning(ss_scan_result *res, const char *path, const scan *s)
{
    if (res->corrupt)
        snprintf(res->warning, sizeof res->warning, "'%s' is damaged after byte %llu (%s); showing what came before",
                 path, (unsigned long long)res->bytes, s->why);
    else if (res->truncated)
        snprintf(res->warning, sizeof res->warning,
                 "'%s' was cut off mid-write after byte %llu; showing it up to its last complete chunk", path,
                 (unsigned long long)res->bytes);
    else if (res->runs_unfinished)
        snprintf(res->warning, sizeof res->warning,
                 "'%s': %d run(s) have no end record (the recording was interrupted); showing what was recorded",
                 path, res->runs_unfinished);
}

int ss_trace_scan(const char *path, int ordered, const ss_visitor *v, ss_scan_result *res,
                  char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    const char *file = ss_trace_input(path, err, errlen); /* standard input and pipes: a copy */
    if (!file)
        return -1;
    path = ss_trace_input_name(path); /* what messages call it */
    FILE *f = fopen(file, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open trace '%s': %s", path, strerror(errno));
        return -1;
    }
    uint64_t size, pos;
    if (check_file(f, path, &size, err, errlen) != 0 || read_header(f, path, &pos, err, errlen) != 0) {
        fclose(f);
        return -1;
    }
    scan s = {.v = v, .res = res, .ordered = ordered};
    res->bytes = pos;
    int rc = read_chunks(f, path, size, pos, &s, err, errlen);
    fclose(f);
    if (s.open_run)
        res->runs_unfinished++;
    flush_upto(&s, UINT64_MAX);
    flush_thread_ends(&s);
    free(s.heap);
    free(s.pool);
    free(s.freeslots);
    free(s.ends);
    set_warning(res, path, &s);
    return rc;
}

const char *ss_run_param(const ss_run_meta *m, const char *key)
{
    for (int i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i][0], key) == 0)
            return m->params[i][1];
    return NULL;
}
