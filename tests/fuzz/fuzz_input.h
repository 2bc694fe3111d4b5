/* fuzz_input.h — what the harnesses share: the input as a file path.
 *
 * The trace reader, `stats`, the exporters and the viewer's loader all read
 * a path (as the command line gives them one). A memfd holds each input and
 * /proc/self/fd/N names it: no temporary file on disk, nothing to clean up,
 * and the readers take exactly the path they take in real use. */
#ifndef SS_FUZZ_INPUT_H
#define SS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace/codec.h"

/* The path of a file that now holds exactly data[0..size). */
static inline const char *fuzz_input_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("sockscope-fuzz", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
        perror("writing the fuzz input");
        abort();
    }
    return path;
}

/* Where the readers' text output goes: formatting runs, nothing is kept. */
static inline FILE *fuzz_sink(void)
{
    static FILE *f;
    if (!f) {
        if (!(f = fopen("/dev/null", "w"))) {
            perror("/dev/null");
            abort();
        }
        /* more execs a second: fewer write(2)s, and no lock per character
         * (the JSON writer puts characters one by one; one thread here) */
        setvbuf(f, NULL, _IOFBF, 1 << 16);
        __fsetlocking(f, FSETLOCKING_BYCALLER);
    }
    return f;
}

static inline uint32_t fuzz_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A valid file header, then every complete chunk's CRC recomputed: so that
 * mutations reach the payload parsers instead of dying at the checksum. */
static inline void fuzz_fix_crcs(uint8_t *p, size_t n)
{
    if (n < SS_FILE_HEADER_SIZE)
        return;
    memcpy(p, SS_TRACE_MAGIC, 8);
    if (p[8] < SS_TRACE_VERSION_MIN || p[8] > SS_TRACE_VERSION)
        p[8] = SS_TRACE_VERSION;
    p[9] = 0;
    p[10] = SS_FILE_HEADER_SIZE;
    p[11] = 0;
    size_t pos = SS_FILE_HEADER_SIZE;
    while (n - pos >= SS_CHUNK_HEADER_SIZE) {
        uint32_t len = fuzz_le32(p + pos + 4);
        if (len > n - pos - SS_CHUNK_HEADER_SIZE)
            break;
        ss_put_u32_at(p + pos + 8, ss_crc32(p + pos + SS_CHUNK_HEADER_SIZE, len));
        pos += SS_CHUNK_HEADER_SIZE + len;
    }
}

/* The path of a file holding data with its CRCs fixed (fuzz_fix_crcs). */
static inline const char *fuzz_input_path_fixed(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    fuzz_fix_crcs(copy, size);
    const char *path = fuzz_input_path(copy, size);
    free(copy);
    return path;
}

#endif
