/* codec.h — the byte-level pieces of the trace file format (docs/trace-format.md):
 * little-endian integers, LEB128 varints, zigzag, strings, chunk framing, and
 * the compact encoding of one event. Shared by the writer and the reader. */
#ifndef SS_CODEC_H
#define SS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/trace/event.h"

#define SS_TRACE_MAGIC "SSTRACE\0"
#define SS_TRACE_VERSION 2        /* written; readers take 1 (no stand-in roles) and 2 */
#define SS_TRACE_VERSION_MIN 1
#define SS_FILE_HEADER_SIZE 16
#define SS_CHUNK_HEADER_SIZE 12
#define SS_CHUNK_MAX_PAYLOAD (16u << 20)
/* Event times are ns since the run's start; a reader takes none past 2^62
 * (146 years), so t0 + duration never wraps (docs/trace-format.md, limits). */
#define SS_TRACE_MAX_NS (1ull << 62)

#define SS_FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
/* clang-format off */
enum {
    SS_CHUNK_RUN_BEGIN    = SS_FOURCC('R', 'U', 'N', 'B'),
    SS_CHUNK_THREAD       = SS_FOURCC('T', 'H', 'R', 'D'),
    SS_CHUNK_EVENTS       = SS_FOURCC('E', 'V', 'T', 'S'),
    SS_CHUNK_SYNC         = SS_FOURCC('S', 'Y', 'N', 'C'),
    SS_CHUNK_THREAD_END   = SS_FOURCC('T', 'H', 'R', 'E'),
    SS_CHUNK_RUN_END      = SS_FOURCC('R', 'U', 'N', 'E'),
    SS_CHUNK_CLOCK_ANCHOR = SS_FOURCC('C', 'L', 'K', 'A'), /* the trace clock against real time */
};
/* clang-format on */

/* A growable output buffer. */
typedef struct ss_buf {
    uint8_t *p;
    size_t len, cap;
    int oom;
} ss_buf;

void ss_buf_reserve(ss_buf *b, size_t extra);
void ss_buf_free(ss_buf *b);
void ss_put_u8(ss_buf *b, uint8_t v);
void ss_put_u32le(ss_buf *b, uint32_t v);
void ss_put_uv(ss_buf *b, uint64_t v);          /* LEB128 */
void ss_put_sv(ss_buf *b, int64_t v);           /* zigzag LEB128 */
void ss_put_str(ss_buf *b, const char *s);      /* varint length + bytes */
void ss_put_bytes(ss_buf *b, const void *p, size_t n);

/* A bounded input cursor; any overrun sets bad and returns zeros. */
typedef struct ss_cur {
    const uint8_t *p, *end;
    int bad;
} ss_cur;

uint8_t  ss_get_u8(ss_cur *c);
uint32_t ss_get_u32le(ss_cur *c);
uint64_t ss_get_uv(ss_cur *c);
int64_t  ss_get_sv(ss_cur *c);
/* copies at most n-1 bytes and NUL-terminates; an overlong string is cut */
void     ss_get_str(ss_cur *c, char *out, size_t n);

uint32_t ss_crc32(const void *p, size_t n);
void     ss_put_u32_at(uint8_t *p, uint32_t v);

/* One chunk in b, framed as docs/trace-format.md says: ss_chunk_begin
 * empties b and writes the header (type; length and CRC left 0),
 * ss_chunk_seal patches length and CRC once the payload is in. */
void ss_chunk_begin(ss_buf *b, uint32_t type);
void ss_chunk_seal(ss_buf *b);

/* Event encoding inside an EVENTS chunk: times are delta-coded against the
 * previous event of the same chunk (prev_t0 starts at the chunk base 0). */
void ss_encode_event(ss_buf *b, const ss_event *ev, uint64_t *prev_t0);
/* 0 ok, -1 bad (overrun, unknown fields, a time past SS_TRACE_MAX_NS) */
int  ss_decode_event(ss_cur *c, ss_event *ev, uint64_t *prev_t0);

#endif
