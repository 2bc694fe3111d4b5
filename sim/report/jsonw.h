/* jsonw.h — a small streaming JSON writer (objects, arrays, escaped strings,
 * numbers) for exports and --json output. It tracks commas, not structure. */
#ifndef SS_JSONW_H
#define SS_JSONW_H

#include <stdint.h>
#include <stdio.h>

typedef struct ss_jw {
    FILE *f;
    int need_comma[64];
    int depth;
    int pretty;
} ss_jw;

void ss_jw_init(ss_jw *w, FILE *f, int pretty);
void ss_jw_obj(ss_jw *w);          /* { */
void ss_jw_arr(ss_jw *w);          /* [ */
void ss_jw_end_obj(ss_jw *w);      /* } */
void ss_jw_end_arr(ss_jw *w);      /* ] */
void ss_jw_key(ss_jw *w, const char *k);
void ss_jw_str(ss_jw *w, const char *s);
void ss_jw_int(ss_jw *w, int64_t v);
void ss_jw_uint(ss_jw *w, uint64_t v);
void ss_jw_num(ss_jw *w, double v, int decimals);
void ss_jw_bool(ss_jw *w, int v);
/* key + value shorthands */
void ss_jw_kstr(ss_jw *w, const char *k, const char *s);
void ss_jw_kint(ss_jw *w, const char *k, int64_t v);
void ss_jw_kuint(ss_jw *w, const char *k, uint64_t v);
void ss_jw_knum(ss_jw *w, const char *k, double v, int decimals);

#endif
