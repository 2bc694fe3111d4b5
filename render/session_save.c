#include "render/session_save.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/codec.h"
#include "sim/trace/tracein.h"

/* Copies the chunks of run `from_id` of src into out as run `to_id`. Every
 * chunk type of the format starts with the run id as a varint. */
static int copy_run(FILE *src, FILE *out, uint32_t from_id, uint32_t to_id)
{
    uint8_t *payload = NULL;
    size_t cap = 0;
    ss_buf b = {0};
    int rc = 0;
    if (fseek(src, SS_FILE_HEADER_SIZE, SEEK_SET) != 0)
        return -1;
    for (;;) {
        uint8_t h[SS_CHUNK_HEADER_SIZE];
        if (fread(h, 1, sizeof h, src) != sizeof h)
            break;
        ss_cur hc = {h, h + sizeof h, 0};
        uint32_t type = ss_get_u32le(&hc), len = ss_get_u32le(&hc);
        if (len > SS_CHUNK_MAX_PAYLOAD)
            break;
        if (len > cap) {
            uint8_t *p = realloc(payload, len);
            if (!p) { rc = -1; break; }
            payload = p;
            cap = len;
        }
        if (fread(payload, 1, len, src) != len)
            break; /* a truncated tail: keep what was complete, as the reader does */
        ss_cur c = {payload, payload + len, 0};
        if (ss_get_uv(&c) != from_id || c.bad)
            continue;
        ss_chunk_begin(&b, type);
        ss_put_uv(&b, to_id);
        ss_put_bytes(&b, c.p, (size_t)(c.end - c.p));
        if (b.oom) { rc = -1; break; }
        ss_chunk_seal(&b);
        if (fwrite(b.p, 1, b.len, out) != b.len) { rc = -1; break; }
    }
    free(payload);
    ss_buf_free(&b);
    return rc;
}

int vw_session_save(const vw_session *s, const char *path, char *err, size_t errlen)
{
    if (!s->nruns) {
        snprintf(err, errlen, "nothing to save: the session has no runs");
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < s->nruns && rc == 0; i++) {
        /* a run read from standard input or a pipe is reread from its copy */
        const char *file = ss_trace_input(s->runs[i].source, err, errlen);
        FILE *src = file ? fopen(file, "rb") : NULL;
        uint8_t hdr[SS_FILE_HEADER_SIZE];
        if (!src || fread(hdr, 1, sizeof hdr, src) != sizeof hdr) {
            snprintf(err, errlen, "cannot reread run %d from '%s' (moved or deleted?)", i + 1, s->runs[i].source);
            rc = -1;
        } else if ((i == 0 && fwrite(hdr, 1, sizeof hdr, out) != sizeof hdr) ||
                   copy_run(src, out, s->runs[i].id, (uint32_t)i + 1) != 0) {
            snprintf(err, errlen, "writing '%s' failed", tmp);
            rc = -1;
        }
        if (src)
            fclose(src);
    }
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "writing '%s' failed: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        remove(tmp);
    return rc;
}
