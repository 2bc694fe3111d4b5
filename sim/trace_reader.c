#include "sim/trace_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/codec.h"
#include "sim/util.h"

/* How far (ns) an event may trail the SYNC barrier it belongs before: a
 * producer preempted between reading its clock and pushing its event. */
#define ORDER_SLACK_NS (20ull * 1000 * 1000)

typedef struct pending {
    uint32_t run, thread;
    uint64_t seq;
    ss_event ev;
} pending;

typedef struct scan {
    const ss_visitor *v;
    ss_scan_result *res;
    int ordered;
    pending *buf;
    size_t n, cap;
    uint64_t seq, last_t1;
    ss_thread_end_info *ends;
    size_t nends, capends;
    uint32_t open_run;
} scan;

static int cmp_pending(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    if (x->ev.t1 != y->ev.t1)
        return x->ev.t1 < y->ev.t1 ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
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
    if (!s->n)
        return;
    qsort(s->buf, s->n, sizeof *s->buf, cmp_pending);
    size_t k = 0;
    while (k < s->n && s->buf[k].ev.t1 <= limit)
        deliver(s, &s->buf[k++]);
    memmove(s->buf, s->buf + k, (s->n - k) * sizeof *s->buf);
    s->n -= k;
}

static void flush_thread_ends(scan *s)
{
    for (size_t i = 0; i < s->nends; i++)
        if (s->v->thread_end)
            s->v->thread_end(s->v->ud, &s->ends[i]);
    s->nends = 0;
}

static int on_event(scan *s, uint32_t run, uint32_t thread, const ss_event *ev)
{
    s->res->events++;
    pending p = {run, thread, s->seq++, *ev};
    if (!s->ordered) {
        if (s->v->event)
            s->v->event(s->v->ud, run, thread, ev);
        return 0;
    }
    if (s->n == s->cap) {
        pending *b = ss_grow(s->buf, &s->cap, sizeof *b, 8192);
        if (!b)
            return -1;
        s->buf = b;
    }
    s->buf[s->n++] = p;
    return 0;
}

static int parse_events(scan *s, ss_cur *c)
{
    uint32_t run = (uint32_t)ss_get_uv(c), thread = (uint32_t)ss_get_uv(c);
    uint64_t n = ss_get_uv(c), prev = 0;
    for (uint64_t i = 0; i < n && !c->bad; i++) {
        ss_event ev;
        if (ss_decode_event(c, &ev, &prev) != 0)
            return -1;
        if (on_event(s, run, thread, &ev) != 0)
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
        m.id = (uint32_t)ss_get_uv(c);
        ss_get_str(c, m.model, sizeof m.model);
        ss_get_str(c, m.mechanism, sizeof m.mechanism);
        ss_get_str(c, m.clock, sizeof m.clock);
        m.wall_start_ns = ss_get_uv(c);
        m.pid = (uint32_t)ss_get_uv(c);
        read_kv(c, &m.nparams, m.params);
        if (c->bad)
            return -1;
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
        t.run = (uint32_t)ss_get_uv(c);
        t.idx = (uint32_t)ss_get_uv(c);
        t.role = (int)ss_get_uv(c);
        t.os_tid = (uint32_t)ss_get_uv(c);
        ss_get_str(c, t.name, sizeof t.name);
        if (c->bad)
            return -1;
        if (v->thread)
            v->thread(v->ud, &t);
        return 0;
    }
    case SS_CHUNK_EVENTS:
        return parse_events(s, c);
    case SS_CHUNK_SYNC: {
        ss_get_uv(c); /* run */
        uint64_t t = ss_get_uv(c);
        if (c->bad)
            return -1;
        if (s->ordered && t > ORDER_SLACK_NS)
            flush_upto(s, t - ORDER_SLACK_NS);
        return 0;
    }
    case SS_CHUNK_THREAD_END: {
        ss_thread_end_info t;
        t.run = (uint32_t)ss_get_uv(c);
        t.idx = (uint32_t)ss_get_uv(c);
        t.user_ns = ss_get_uv(c);
        t.sys_ns = ss_get_uv(c);
        t.events = ss_get_uv(c);
        t.dropped = ss_get_uv(c);
        if (c->bad)
            return -1;
        if (!s->ordered) {
            if (v->thread_end)
                v->thread_end(v->ud, &t);
            return 0;
        }
        if (s->nends == s->capends) {
            ss_thread_end_info *e = ss_grow(s->ends, &s->capends, sizeof *e, 64);
            if (!e)
                return -1;
            s->ends = e;
        }
        s->ends[s->nends++] = t;
        return 0;
    }
    case SS_CHUNK_RUN_END: {
        ss_run_end_info *r = calloc(1, sizeof *r);
        if (!r)
            return -1;
        r->run = (uint32_t)ss_get_uv(c);
        r->duration_ns = ss_get_uv(c);
        r->user_ns = ss_get_uv(c);
        r->sys_ns = ss_get_uv(c);
        read_kv(c, &r->nnotes, r->notes);
        int bad = c->bad;
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
    default:
        return 0; /* unknown chunk types are skipped: newer writers may add some */
    }
}

static int read_header(FILE *f, const char *path, char *err, size_t errlen)
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
    if (hsize < SS_FILE_HEADER_SIZE || fseek(f, (long)hsize, SEEK_SET) != 0) {
        snprintf(err, errlen, "'%s' has a malformed file header", path);
        return -1;
    }
    return 0;
}

int ss_trace_scan(const char *path, int ordered, const ss_visitor *v, ss_scan_result *res,
                  char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open trace '%s': %s", path, strerror(errno));
        return -1;
    }
    if (read_header(f, path, err, errlen) != 0) {
        fclose(f);
        return -1;
    }
    scan s = {.v = v, .res = res, .ordered = ordered};
    res->bytes = SS_FILE_HEADER_SIZE;
    uint8_t *payload = NULL;
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        uint8_t h[SS_CHUNK_HEADER_SIZE];
        size_t got = fread(h, 1, sizeof h, f);
        if (got == 0)
            break;
        ss_cur hc = {h, h + got, 0};
        uint32_t type = ss_get_u32le(&hc), len = ss_get_u32le(&hc), crc = ss_get_u32le(&hc);
        if (got < sizeof h) {
            res->truncated = 1;
            break;
        }
        if (len > SS_CHUNK_MAX_PAYLOAD) {
            res->corrupt = 1;
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
        if (fread(payload, 1, len, f) != len) {
            res->truncated = 1;
            break;
        }
        if (ss_crc32(payload, len) != crc) {
            res->corrupt = 1;
            break;
        }
        ss_cur c = {payload, payload + len, 0};
        if (parse_chunk(&s, type, &c) != 0) {
            res->corrupt = 1;
            break;
        }
        res->chunks++;
        res->bytes += SS_CHUNK_HEADER_SIZE + len;
    }
    fclose(f);
    free(payload);
    if (s.open_run)
        res->runs_unfinished++;
    flush_upto(&s, UINT64_MAX);
    flush_thread_ends(&s);
    free(s.buf);
    free(s.ends);
    if (res->corrupt)
        snprintf(res->warning, sizeof res->warning,
                 "'%s' is damaged after byte %llu (a chunk failed its check); showing what came before",
                 path, (unsigned long long)res->bytes);
    else if (res->truncated)
        snprintf(res->warning, sizeof res->warning,
                 "'%s' was cut off mid-write after byte %llu; showing it up to its last complete chunk", path,
                 (unsigned long long)res->bytes);
    else if (res->runs_unfinished)
        snprintf(res->warning, sizeof res->warning,
                 "'%s': %d run(s) have no end record (the recording was interrupted)", path,
                 res->runs_unfinished);
    return rc;
}

const char *ss_run_param(const ss_run_meta *m, const char *key)
{
    for (int i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i][0], key) == 0)
            return m->params[i][1];
    return NULL;
}
