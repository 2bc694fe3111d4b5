#include "sim/interpose/spool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/trace/clock.h"
#include "sim/trace/codec.h"

typedef struct extent {
    uint64_t off, len;
} extent;

typedef struct sthread {
    struct srun *run;
    uint32_t idx, tid;
    char name[48];
} sthread;

typedef struct srun {
    uint32_t id;
    extent *ext;
    size_t next, capext;
    sthread **threads;
    size_t nthreads, capthreads;
    int dirty; /* events spooled since its last SYNC */
} srun;

struct ss_spool {
    FILE *tmp;
    uint64_t tmp_len;
    uint64_t base_ticks, wall_ns, err_ns;
    ss_anchor_reading anchor[2]; /* CLKA: when recording began, and when the trace is written */
    int64_t offset_ns;
    double ns_per_tick;
    srun **runs;
    size_t nruns, capruns;
    ss_buf chunk;
    int failed;
    char why[160];
};

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, c * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

static void fail(ss_spool *s, const char *what)
{
    if (!s->failed)
        snprintf(s->why, sizeof s->why, "%s: %s", what, strerror(errno ? errno : ENOMEM));
    s->failed = 1;
}

/* --- chunks (the recorder's framing: type, length, CRC, payload) ---------- */
static void chunk_begin(ss_spool *s, uint32_t type) { ss_chunk_begin(&s->chunk, type); }
static void chunk_seal(ss_spool *s) { ss_chunk_seal(&s->chunk); }

/* into the spool, remembered as the run's */
static void chunk_spool(ss_spool *s, srun *r)
{
    if (s->chunk.oom) {
        errno = ENOMEM;
        fail(s, "encoding a chunk");
        s->chunk.oom = 0;
        return;
    }
    chunk_seal(s);
    if (s->failed)
        return;
    if (fwrite(s->chunk.p, 1, s->chunk.len, s->tmp) != s->chunk.len) {
        fail(s, "writing the spool");
        return;
    }
    if (r->next && r->ext[r->next - 1].off + r->ext[r->next - 1].len == s->tmp_len) {
        r->ext[r->next - 1].len += s->chunk.len; /* contiguous: one piece */
    } else if (grow((void **)&r->ext, &r->capext, r->next, sizeof *r->ext) == 0) {
        r->ext[r->next++] = (extent){s->tmp_len, s->chunk.len};
    } else {
        fail(s, "remembering a chunk");
    }
    s->tmp_len += s->chunk.len;
}

static uint64_t ns(const ss_spool *s, uint64_t ticks) { return ss_ticks_to_ns(ticks, s->base_ticks, s->ns_per_tick); }

/* --- the sink ----------------------------------------------------------------- */
static void on_proc(void *ud, ss_drain_proc *p)
{
    ss_spool *s = ud;
    srun *r = calloc(1, sizeof *r);
    if (!r || grow((void **)&s->runs, &s->capruns, s->nruns, sizeof *s->runs) != 0) {
        free(r);
        fail(s, "a run");
        return;
    }
    r->id = (uint32_t)s->nruns + 1;
    s->runs[s->nruns++] = r;
    p->sink = r;
}

static void *on_thread(void *ud, ss_drain_proc *p, uint32_t tid, const char *name)
{
    ss_spool *s = ud;
    srun *r = p->sink;
    sthread *t = calloc(1, sizeof *t);
    if (!r || !t || grow((void **)&r->threads, &r->capthreads, r->nthreads, sizeof *r->threads) != 0) {
        free(t);
        fail(s, "a thread");
        return NULL;
    }
    t->run = r;
    t->idx = (uint32_t)r->nthreads;
    t->tid = tid;
    snprintf(t->name, sizeof t->name, "%s", name[0] ? name : "thread");
    r->threads[r->nthreads++] = t;
    return t;
}

static void on_events(void *ud, void *th, const ss_event *ev, size_t n)
{
    ss_spool *s = ud;
    sthread *t = th;
    if (!t)
        return;
    chunk_begin(s, SS_CHUNK_EVENTS);
    ss_put_uv(&s->chunk, t->run->id);
    ss_put_uv(&s->chunk, t->idx);
    ss_put_uv(&s->chunk, n);
    uint64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        ss_event e = ev[i];
        e.t0 = ns(s, e.t0);
        e.t1 = ns(s, e.t1);
        if (e.t1 < e.t0)
            e.t1 = e.t0;
        ss_encode_event(&s->chunk, &e, &prev);
    }
    chunk_spool(s, t->run);
    t->run->dirty = 1;
}

static void on_rename(void *ud, void *th, const char *name)
{
    (void)ud;
    sthread *t = th;
    if (t)
        snprintf(t->name, sizeof t->name, "%s", name);
}

static void on_thread_end(void *ud, void *th, const ss_drain_thread_end *e)
{
    ss_spool *s = ud;
    sthread *t = th;
    if (!t)
        return;
    chunk_begin(s, SS_CHUNK_THREAD_END);
    ss_put_uv(&s->chunk, t->run->id);
    ss_put_uv(&s->chunk, t->idx);
    ss_put_uv(&s->chunk, e->cpu_user_ns);
    ss_put_uv(&s->chunk, e->cpu_sys_ns);
    ss_put_uv(&s->chunk, e->pushed);
    ss_put_uv(&s->chunk, e->dropped);
    chunk_spool(s, t->run);
}

/* a barrier per run that got events since its last: readers that merge
 * threads into time order hold no more than one pass of it */
static void on_pass(void *ud, uint64_t barrier)
{
    ss_spool *s = ud;
    for (size_t i = 0; i < s->nruns; i++) {
        srun *r = s->runs[i];
        if (!r->dirty)
            continue;
        r->dirty = 0;
        chunk_begin(s, SS_CHUNK_SYNC);
        ss_put_uv(&s->chunk, r->id);
        ss_put_uv(&s->chunk, ns(s, barrier));
        chunk_spool(s, r);
    }
    fflush(s->tmp);
}

void ss_spool_sink(ss_spool *s, ss_drain_sink *o)
{
    *o = (ss_drain_sink){s, on_proc, on_thread, on_events, on_rename, on_thread_end, NULL, on_pass};
}

ss_spool *ss_spool_open(uint64_t base_ticks, char *err, size_t errlen)
{
    ss_spool *s = calloc(1, sizeof *s);
    if (!s || !(s->tmp = tmpfile())) {
        snprintf(err, errlen, "cannot make a temporary file for the trace: %s", strerror(errno));
        free(s);
        return NULL;
    }
    s->base_ticks = base_ticks;
    s->ns_per_tick = ss_clock_ns_per_tick();
    /* what a later merge of traces from several hosts needs: real time at
     * t = 0, and the offset of the real-time clock to the monotonic one,
     * read between two monotonic reads (half their gap is the error) */
    uint64_t m0 = ss_mono_ns(), w = ss_wall_ns(), m1 = ss_mono_ns();
    uint64_t now_ns = ss_ticks_to_ns(ss_ticks(), base_ticks, s->ns_per_tick);
    s->wall_ns = w - now_ns;
    s->offset_ns = (int64_t)(w - (m0 + (m1 - m0) / 2));
    s->err_ns = (m1 - m0) / 2;
    s->anchor[0] = ss_clock_anchor_read();
    return s;
}

void ss_spool_clock(const ss_spool *s, uint64_t *wall_ns, int64_t *offset_ns, uint64_t *err_ns)
{
    *wall_ns = s->wall_ns;
    *offset_ns = s->offset_ns;
    *err_ns = s->err_ns;
}

static void kv_add(int *n, void *arr, const char *key, const char *fmt, va_list ap)
{
    struct {
        char key[32], value[96];
    } *kv = arr;
    if (*n >= SS_SPOOL_MAX_KV)
        return;
    snprintf(kv[*n].key, sizeof kv[*n].key, "%s", key);
    vsnprintf(kv[*n].value, sizeof kv[*n].value, fmt, ap);
    (*n)++;
}

void ss_spool_param(ss_spool_run *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kv_add(&r->nparams, r->params, key, fmt, ap);
    va_end(ap);
}

void ss_spool_note(ss_spool_run *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kv_add(&r->nnotes, r->notes, key, fmt, ap);
    va_end(ap);
}

/* --- assembly ------------------------------------------------------------------ */
static int out_chunk(ss_spool *s, FILE *f)
{
    if (s->chunk.oom) {
        errno = ENOMEM;
        return -1;
    }
    chunk_seal(s);
    return fwrite(s->chunk.p, 1, s->chunk.len, f) == s->chunk.len ? 0 : -1;
}

static int copy_extent(ss_spool *s, FILE *f, extent e)
{
    char buf[65536];
    if (fseeko(s->tmp, (off_t)e.off, SEEK_SET) != 0)
        return -1;
    while (e.len) {
        size_t want = e.len < sizeof buf ? (size_t)e.len : sizeof buf;
        if (fread(buf, 1, want, s->tmp) != want || fwrite(buf, 1, want, f) != want)
            return -1;
        e.len -= want;
    }
    return 0;
}

/* CLKA, as the recorder writes it (sim/trace/recorder.c): the program's
 * clock is this machine's, so sockscope's reading of it serves every run */
static int write_anchor(ss_spool *s, FILE *f, const srun *r, const ss_anchor_reading *a)
{
    chunk_begin(s, SS_CHUNK_CLOCK_ANCHOR);
    ss_put_uv(&s->chunk, r->id);
    ss_put_uv(&s->chunk, ns(s, a->ticks));
    ss_put_uv(&s->chunk, a->real_ns);
    ss_put_uv(&s->chunk, (uint64_t)((double)a->gap_ticks * s->ns_per_tick / 2) + 1);
    return out_chunk(s, f);
}

static int write_run(ss_spool *s, FILE *f, srun *r, ss_drain_proc *p, const ss_spool_run *d)
{
    chunk_begin(s, SS_CHUNK_RUN_BEGIN);
    ss_put_uv(&s->chunk, r->id);
    ss_put_str(&s->chunk, d->model);
    ss_put_str(&s->chunk, d->mechanism);
    ss_put_str(&s->chunk, ss_clock_name());
    ss_put_uv(&s->chunk, s->wall_ns);
    ss_put_uv(&s->chunk, p->pid);
    ss_put_uv(&s->chunk, (uint64_t)d->nparams);
    for (int i = 0; i < d->nparams; i++) {
        ss_put_str(&s->chunk, d->params[i].key);
        ss_put_str(&s->chunk, d->params[i].value);
    }
    if (out_chunk(s, f) != 0 || write_anchor(s, f, r, &s->anchor[0]) != 0)
        return -1;
    for (size_t i = 0; i < r->nthreads; i++) {
        chunk_begin(s, SS_CHUNK_THREAD);
        ss_put_uv(&s->chunk, r->id);
        ss_put_uv(&s->chunk, r->threads[i]->idx);
        ss_put_uv(&s->chunk, 0); /* the program's threads are the server's side */
        ss_put_uv(&s->chunk, r->threads[i]->tid);
        ss_put_str(&s->chunk, r->threads[i]->name);
        if (out_chunk(s, f) != 0)
            return -1;
    }
    for (size_t i = 0; i < r->next; i++)
        if (copy_extent(s, f, r->ext[i]) != 0)
            return -1;
    if (write_anchor(s, f, r, &s->anchor[1]) != 0)
        return -1;
    chunk_begin(s, SS_CHUNK_RUN_END);
    ss_put_uv(&s->chunk, r->id);
    ss_put_uv(&s->chunk, ns(s, p->t_end ? p->t_end : p->t_start));
    ss_put_uv(&s->chunk, p->cpu_user_ns);
    ss_put_uv(&s->chunk, p->cpu_sys_ns);
    ss_put_uv(&s->chunk, (uint64_t)d->nnotes);
    for (int i = 0; i < d->nnotes; i++) {
        ss_put_str(&s->chunk, d->notes[i].key);
        ss_put_str(&s->chunk, d->notes[i].value);
    }
    return out_chunk(s, f);
}

int ss_spool_write(ss_spool *s, const char *path, ss_drain *d, ss_spool_describe fn, void *ud, char *err, size_t errlen)
{
    if (s->failed || fflush(s->tmp) != 0) {
        snprintf(err, errlen, "recording failed: %s", s->failed ? s->why : strerror(errno));
        return -1;
    }
    s->anchor[1] = ss_clock_anchor_read();
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.partial-XXXXXX", path) >= sizeof tmp) {
        snprintf(err, errlen, "the trace's name is too long");
        return -1;
    }
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot create the trace '%s': %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    uint8_t hdr[SS_FILE_HEADER_SIZE] = {0};
    memcpy(hdr, SS_TRACE_MAGIC, 8);
    hdr[8] = SS_TRACE_VERSION;
    hdr[10] = SS_FILE_HEADER_SIZE;
    int bad = fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr;
    for (size_t i = 0; i < ss_drain_nprocs(d) && !bad; i++) {
        ss_drain_proc *p = ss_drain_proc_at(d, i);
        if (!p->sink)
            continue;
        ss_spool_run run;
        memset(&run, 0, sizeof run);
        fn(ud, d, i, &run);
        bad = write_run(s, f, p->sink, p, &run) != 0;
    }
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "writing the trace '%s' failed: %s", path, strerror(bad ? e : errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void ss_spool_close(ss_spool *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nruns; i++) {
        for (size_t k = 0; k < s->runs[i]->nthreads; k++)
            free(s->runs[i]->threads[k]);
        free(s->runs[i]->threads);
        free(s->runs[i]->ext);
        free(s->runs[i]);
    }
    free(s->runs);
    ss_buf_free(&s->chunk);
    if (s->tmp)
        fclose(s->tmp);
    free(s);
}
