#include "sim/report/jsonw.h"

#include <inttypes.h>
#include <math.h>

void ss_jw_init(ss_jw *w, FILE *f, int pretty)
{
    w->f = f;
    w->depth = 0;
    w->need_comma[0] = 0;
    w->pretty = pretty;
}

static void val(ss_jw *w);

static void indent(ss_jw *w)
{
    if (!w->pretty)
        return;
    fputc('\n', w->f);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->f);
}

/* before a value (or a key inside an object) */
static void pre(ss_jw *w)
{
    if (w->need_comma[w->depth])
        fputc(',', w->f);
    w->need_comma[w->depth] = 1;
}

static void jw_open(ss_jw *w, char c)
{
    fputc(c, w->f);
    if (w->depth < 63)
        w->depth++;
    w->need_comma[w->depth] = 0;
}

static void close_(ss_jw *w, char c)
{
    if (w->depth > 0)
        w->depth--;
    indent(w);
    fputc(c, w->f);
}

void ss_jw_obj(ss_jw *w) { val(w); jw_open(w, '{'); }
void ss_jw_arr(ss_jw *w) { val(w); jw_open(w, '['); }
void ss_jw_end_obj(ss_jw *w) { close_(w, '}'); }
void ss_jw_end_arr(ss_jw *w) { close_(w, ']'); }

static void raw_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void ss_jw_key(ss_jw *w, const char *k)
{
    pre(w);
    indent(w);
    raw_str(w->f, k);
    fputc(':', w->f);
    w->need_comma[w->depth] = 0; /* the value follows without a comma */
}

/* a value: in arrays it needs a comma; after a key it does not */
static void val(ss_jw *w)
{
    if (w->need_comma[w->depth])
        fputc(',', w->f);
    w->need_comma[w->depth] = 1;
}

void ss_jw_str(ss_jw *w, const char *s) { val(w); raw_str(w->f, s ? s : ""); }
void ss_jw_int(ss_jw *w, int64_t v) { val(w); fprintf(w->f, "%" PRId64, v); }
void ss_jw_uint(ss_jw *w, uint64_t v) { val(w); fprintf(w->f, "%" PRIu64, v); }
void ss_jw_bool(ss_jw *w, int v) { val(w); fputs(v ? "true" : "false", w->f); }
void ss_jw_num(ss_jw *w, double v, int decimals)
{
    val(w);
    if (!isfinite(v))
        fputs("null", w->f);
    else
        fprintf(w->f, "%.*f", decimals, v);
}

void ss_jw_kstr(ss_jw *w, const char *k, const char *s) { ss_jw_key(w, k); ss_jw_str(w, s); }
void ss_jw_kint(ss_jw *w, const char *k, int64_t v) { ss_jw_key(w, k); ss_jw_int(w, v); }
void ss_jw_kuint(ss_jw *w, const char *k, uint64_t v) { ss_jw_key(w, k); ss_jw_uint(w, v); }
void ss_jw_knum(ss_jw *w, const char *k, double v, int decimals) { ss_jw_key(w, k); ss_jw_num(w, v, decimals); }
