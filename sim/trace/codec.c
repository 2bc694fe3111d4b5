#include "sim/trace/codec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void ss_buf_reserve(ss_buf *b, size_t extra)
{
    if (b->oom || extra <= b->cap - b->len)
        return;
    if (extra > SIZE_MAX / 2 - b->len) { /* doubling up to it would wrap */
        b->oom = 1;
        return;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->p = p;
    b->cap = cap;
}

void ss_buf_free(ss_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

void ss_put_bytes(ss_buf *b, const void *p, size_t n)
{
    ss_buf_reserve(b, n);
    if (b->oom || !n) /* nothing to copy (p may be NULL: memcpy must not see it) */
        return;
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void ss_put_u8(ss_buf *b, uint8_t v) { ss_put_bytes(b, &v, 1); }

void ss_put_u32_at(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

void ss_chunk_begin(ss_buf *b, uint32_t type)
{
    b->len = 0;
    ss_put_u32le(b, type);
    ss_put_u32le(b, 0); /* payload length, sealed */
    ss_put_u32le(b, 0); /* CRC, sealed */
}

void ss_chunk_seal(ss_buf *b)
{
    if (b->len < SS_CHUNK_HEADER_SIZE) /* out of memory before the header: nothing to seal */
        return;
    size_t n = b->len - SS_CHUNK_HEADER_SIZE;
    ss_put_u32_at(b->p + 4, (uint32_t)n);
    ss_put_u32_at(b->p + 8, ss_crc32(b->p + SS_CHUNK_HEADER_SIZE, n));
}

void ss_put_u32le(ss_buf *b, uint32_t v)
{
    uint8_t t[4];
    ss_put_u32_at(t, v);
    ss_put_bytes(b, t, 4);
}

static uint8_t *put_uv_raw(uint8_t *p, uint64_t v);

void ss_put_uv(ss_buf *b, uint64_t v)
{
    uint8_t t[10];
    ss_put_bytes(b, t, (size_t)(put_uv_raw(t, v) - t));
}

void ss_put_sv(ss_buf *b, int64_t v) { ss_put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

void ss_put_str(ss_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ss_put_uv(b, n);
    ss_put_bytes(b, s, n);
}

uint8_t ss_get_u8(ss_cur *c)
{
    if (c->p >= c->end) {
        c->bad = 1;
        return 0;
    }
    return *c->p++;
}

uint32_t ss_get_u32le(ss_cur *c)
{
    if (c->end - c->p < 4) {
        c->bad = 1;
        c->p = c->end;
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
    c->p += 4;
    return v;
}

uint64_t ss_get_uv(ss_cur *c)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t byte = ss_get_u8(c);
        if (c->bad)
            return 0;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return v;
    }
    c->bad = 1; /* more than 10 bytes: not a varint we wrote */
    return 0;
}

int64_t ss_get_sv(ss_cur *c)
{
    uint64_t u = ss_get_uv(c);
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

void ss_get_str(ss_cur *c, char *out, size_t n)
{
    uint64_t len = ss_get_uv(c);
    if (c->bad || len > (uint64_t)(c->end - c->p) || !n) {
        c->bad = 1;
        if (n)
            out[0] = 0;
        return;
    }
    size_t k = len < n ? (size_t)len : n - 1;
    memcpy(out, c->p, k);
    out[k] = 0;
    c->p += len;
}

uint32_t ss_crc32(const void *p, size_t n) { return (uint32_t)crc32(0L, p, (uInt)n); }

/* Event layout: api (varint), flags (u8), presence bits (u8), t0 delta (zigzag),
 * duration (varint), then each present field: sock (zigzag), ret (zigzag),
 * arg (varint), id (varint), aux (varint), err (u8), impl (varint, version 2). */
enum { P_SOCK = 1, P_RET = 2, P_ARG = 4, P_ID = 8, P_AUX = 16, P_ERR = 32, P_IMPL = 64 };

static uint8_t *put_uv_raw(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint8_t *put_sv_raw(uint8_t *p, int64_t v) { return put_uv_raw(p, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

/* The writer encodes every event: reserve the worst case once, then write
 * bytes directly (3 + 6 varints of at most 10 bytes + 1). */
#define EVENT_MAX_BYTES 64

void ss_encode_event(ss_buf *b, const ss_event *ev, uint64_t *prev_t0)
{
    ss_buf_reserve(b, EVENT_MAX_BYTES);
    if (b->oom)
        return;
    uint8_t present = (ev->sock != -1 ? P_SOCK : 0) | (ev->ret ? P_RET : 0) | (ev->arg ? P_ARG : 0) |
                      (ev->id ? P_ID : 0) | (ev->aux ? P_AUX : 0) | (ev->err ? P_ERR : 0) |
                      (ev->impl ? P_IMPL : 0);
    uint8_t *p = b->p + b->len;
    p = put_uv_raw(p, ev->api);
    *p++ = ev->flags;
    *p++ = present;
    p = put_sv_raw(p, (int64_t)(ev->t0 - *prev_t0));
    p = put_uv_raw(p, ev->t1 >= ev->t0 ? ev->t1 - ev->t0 : 0);
    *prev_t0 = ev->t0;
    if (present & P_SOCK) p = put_sv_raw(p, ev->sock);
    if (present & P_RET) p = put_sv_raw(p, ev->ret);
    if (present & P_ARG) p = put_uv_raw(p, ev->arg);
    if (present & P_ID) p = put_uv_raw(p, ev->id);
    if (present & P_AUX) p = put_uv_raw(p, ev->aux);
    if (present & P_ERR) *p++ = ev->err;
    if (present & P_IMPL) p = put_uv_raw(p, ev->impl);
    b->len = (size_t)(p - b->p);
}

int ss_decode_event(ss_cur *c, ss_event *ev, uint64_t *prev_t0)
{
    memset(ev, 0, sizeof *ev);
    ev->sock = -1;
    uint64_t api = ss_get_uv(c);
    ev->flags = ss_get_u8(c);
    uint8_t present = ss_get_u8(c);
    ev->t0 = *prev_t0 + (uint64_t)ss_get_sv(c);
    uint64_t dur = ss_get_uv(c);
    /* a time before the run's start (a delta below 0 wraps) or past the
     * bound: not an event a writer made, and t1 - t0 must not wrap */
    if (ev->t0 > SS_TRACE_MAX_NS || dur > SS_TRACE_MAX_NS - ev->t0)
        c->bad = 1;
    ev->t1 = ev->t0 + dur;
    *prev_t0 = ev->t0;
    if (present & P_SOCK) ev->sock = (int32_t)ss_get_sv(c);
    if (present & P_RET) ev->ret = ss_get_sv(c);
    if (present & P_ARG) ev->arg = ss_get_uv(c);
    if (present & P_ID) ev->id = ss_get_uv(c);
    if (present & P_AUX) ev->aux = (uint32_t)ss_get_uv(c);
    if (present & P_ERR) ev->err = ss_get_u8(c);
    uint64_t impl = (present & P_IMPL) ? ss_get_uv(c) : 0;
    if (c->bad || api == 0 || api >= 0x10000 || impl >= 0x10000 || (present & ~0x7f))
        return -1;
    ev->impl = (uint16_t)impl;
    ev->api = (uint16_t)api;
    return 0;
}
