/* sink.h — where an export's bytes go: a FILE*, written through a buffer,
 * plain or gzip-compressed on the way (zlib's deflate with a gzip header,
 * so any FILE* works: a regular file, a pipe, standard output). */
#ifndef SS_SINK_H
#define SS_SINK_H

#include <stddef.h>
#include <stdio.h>

typedef struct ss_sink {
    FILE *f;
    void *z;    /* z_stream while compressing; NULL for plain output */
    size_t n;   /* bytes waiting in buf */
    int failed; /* a write or the compressor failed: later writes are dropped */
    char buf[1 << 16];
} ss_sink;

/* 0, or -1 when the compressor cannot start (out of memory). */
int ss_sink_open(ss_sink *s, FILE *f, int gzip);
void ss_sink_write(ss_sink *s, const char *p, size_t n);
void ss_sink_puts(ss_sink *s, const char *str);
/* printf into the sink; one call writes at most 511 bytes */
void ss_sink_printf(ss_sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flushes the buffer and ends the gzip stream (not the FILE*, which the
 * caller closes); frees the compressor. 0, or -1 if any write failed. */
int ss_sink_close(ss_sink *s);

#endif
