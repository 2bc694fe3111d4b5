#include "sim/report/sink.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int ss_sink_open(ss_sink *s, FILE *f, int gzip)
{
    s->f = f;
    s->z = NULL;
    s->n = 0;
    s->failed = 0;
    if (!gzip)
        return 0;
    z_stream *z = calloc(1, sizeof *z);
    /* windowBits 15 + 16: a gzip header and trailer around the deflate data,
     * what `gzip -d`, browsers and trace viewers read */
    if (!z || deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(z);
        return -1;
    }
    s->z = z;
    return 0;
}

/* Push n bytes to the file, through the compressor when there is one. */
static void emit(ss_sink *s, const char *p, size_t n, int finish)
{
    if (s->failed)
        return;
    z_stream *z = s->z;
    if (!z) {
        if (n && fwrite(p, 1, n, s->f) != n)
            s->failed = 1;
        return;
    }
    unsigned char out[1 << 15];
    z->next_in = (unsigned char *)(uintptr_t)p;
    z->avail_in = (uInt)n;
    int rc;
    do {
        z->next_out = out;
        z->avail_out = sizeof out;
        rc = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR) {
            s->failed = 1;
            return;
        }
        size_t have = sizeof out - z->avail_out;
        if (have && fwrite(out, 1, have, s->f) != have) {
            s->failed = 1;
            return;
        }
    } while (z->avail_out == 0 || (finish && rc != Z_STREAM_END));
}

void ss_sink_write(ss_sink *s, const char *p, size_t n)
{
    if (s->n + n > sizeof s->buf) {
        emit(s, s->buf, s->n, 0);
        s->n = 0;
        if (n > sizeof s->buf) { /* larger than the buffer: straight through */
            emit(s, p, n, 0);
            return;
        }
    }
    memcpy(s->buf + s->n, p, n);
    s->n += n;
}

void ss_sink_puts(ss_sink *s, const char *str) { ss_sink_write(s, str, strlen(str)); }

void ss_sink_printf(ss_sink *s, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        ss_sink_write(s, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

int ss_sink_close(ss_sink *s)
{
    emit(s, s->buf, s->n, s->z != NULL);
    s->n = 0;
    if (s->z) {
        deflateEnd(s->z);
        free(s->z);
        s->z = NULL;
    }
    return s->failed ? -1 : 0;
}
