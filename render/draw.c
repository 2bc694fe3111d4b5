#include "render/draw.h"

#include <stdlib.h>
#include <string.h>

#include "sim/base/util.h"

static const int default_px[VW_NFONTS] = {12, 14, 20, 26};

void vw_draw_init(vw_draw *d, vw_measure_fn measure, void *ud, const int font_px[VW_NFONTS])
{
    memset(d, 0, sizeof *d);
    d->measure = measure ? measure : vw_measure_estimate;
    d->measure_ud = measure ? ud : d;
    memcpy(d->font_px, font_px ? font_px : default_px, sizeof d->font_px);
}

void vw_draw_reset(vw_draw *d)
{
    d->n = 0;
    d->tlen = 0;
    d->oom = 0;
}

void vw_draw_free(vw_draw *d)
{
    free(d->cmd);
    free(d->text);
    free(d->mcache);
    d->mcache = NULL;
    d->cmd = NULL;
    d->text = NULL;
    d->n = d->cap = d->tlen = d->tcap = 0;
}

static vw_cmd *push(vw_draw *d, vw_cmd_kind k, vw_rgba c)
{
    if (d->n == d->cap) {
        vw_cmd *p = ss_grow(d->cmd, &d->cap, sizeof *p, 4096);
        if (!p) {
            d->oom = 1;
            return NULL;
        }
        d->cmd = p;
    }
    vw_cmd *cmd = &d->cmd[d->n++];
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = (uint8_t)k;
    cmd->color = c;
    return cmd;
}

void vw_fill(vw_draw *d, int x, int y, int w, int h, vw_rgba c)
{
    if (w <= 0 || h <= 0)
        return;
    vw_cmd *m = push(d, VW_CMD_RECT, c);
    if (m) {
        m->x = x, m->y = y, m->w = w, m->h = h;
    }
}

void vw_frame(vw_draw *d, int x, int y, int w, int h, vw_rgba c, int thick)
{
    vw_cmd *m = push(d, VW_CMD_FRAME, c);
    if (m) {
        m->x = x, m->y = y, m->w = w, m->h = h;
        m->thick = (uint8_t)(thick > 0 ? thick : 1);
    }
}

static void line_kind(vw_draw *d, vw_cmd_kind k, int x0, int y0, int x1, int y1, vw_rgba c, int thick)
{
    vw_cmd *m = push(d, k, c);
    if (m) {
        m->x = x0, m->y = y0, m->w = x1 - x0, m->h = y1 - y0;
        m->thick = (uint8_t)(thick > 0 ? thick : 1);
    }
}

void vw_line(vw_draw *d, int x0, int y0, int x1, int y1, vw_rgba c, int thick)
{
    line_kind(d, VW_CMD_LINE, x0, y0, x1, y1, c, thick);
}

void vw_arrow(vw_draw *d, int x0, int y0, int x1, int y1, vw_rgba c, int thick)
{
    line_kind(d, VW_CMD_ARROW, x0, y0, x1, y1, c, thick);
}

/* Measuring with a real font is costly (the shipped font's Hangul glyphs do
 * not stay in SDL_ttf's glyph cache, so each measure reloads them), and a
 * frame measures the same labels again and again: sizes are remembered by
 * measurer, font, pixel size and text (a 64-bit hash of them). */
#define MEASURE_CACHE 4096
struct vw_measure_cache {
    struct {
        uint64_t key;
        int w, h;
    } e[MEASURE_CACHE];
};

static void measure(vw_draw *d, vw_font f, const char *s, int *w, int *h)
{
    uint64_t k = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        k = (k ^ *p) * 1099511628211ull;
    k ^= (uint64_t)(uintptr_t)d->measure_ud * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)d->measure;
    k ^= ((uint64_t)f << 56) ^ ((uint64_t)(unsigned)d->font_px[f] << 40);
    k |= 1; /* 0 marks an empty entry */
    if (!d->mcache)
        d->mcache = calloc(1, sizeof *d->mcache);
    if (d->mcache && d->mcache->e[k % MEASURE_CACHE].key == k) {
        *w = d->mcache->e[k % MEASURE_CACHE].w;
        *h = d->mcache->e[k % MEASURE_CACHE].h;
        return;
    }
    *w = *h = 0;
    d->measure(d->measure_ud, f, s, w, h);
    if (d->mcache)
        d->mcache->e[k % MEASURE_CACHE].key = k, d->mcache->e[k % MEASURE_CACHE].w = *w, d->mcache->e[k % MEASURE_CACHE].h = *h;
}

int vw_text_w(vw_draw *d, vw_font f, const char *s)
{
    int w, h;
    measure(d, f, s, &w, &h);
    return w;
}

int vw_text_h(vw_draw *d, vw_font f)
{
    int w, h;
    measure(d, f, "Ag한", &w, &h);
    return h;
}

int vw_text(vw_draw *d, int x, int y, vw_font f, vw_rgba c, int align, const char *s)
{
    size_t len = strlen(s);
    if (!len)
        return 0;
    if (d->tlen + len + 1 > d->tcap) {
        size_t cap = d->tcap ? d->tcap : 16384;
        while (cap < d->tlen + len + 1)
            cap *= 2;
        char *t = realloc(d->text, cap);
        if (!t) {
            d->oom = 1;
            return 0;
        }
        d->text = t;
        d->tcap = cap;
    }
    int w = vw_text_w(d, f, s);
    vw_cmd *m = push(d, VW_CMD_TEXT, c);
    if (!m)
        return 0;
    memcpy(d->text + d->tlen, s, len + 1);
    m->text = (uint32_t)d->tlen;
    d->tlen += len + 1;
    m->font = (uint8_t)f;
    m->align = (uint8_t)align;
    m->x = align == VW_ALIGN_CENTER ? x - w / 2 : align == VW_ALIGN_RIGHT ? x - w : x;
    m->y = y;
    m->w = w;
    m->h = vw_text_h(d, f);
    return w;
}

const char *vw_cmd_text(const vw_draw *d, const vw_cmd *c) { return d->text + c->text; }

int vw_measure_estimate(void *ud, vw_font font, const char *s, int *w, int *h)
{
    const vw_draw *d = ud;
    int px = d && d->font_px[font] ? d->font_px[font] : 14;
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) { em += 0.56; p++; }
        else if (*p >= 0xe0) { em += 1.0; p += 3; }  /* CJK, Hangul: full width */
        else { em += 0.6; p += 2; }
    }
    *w = (int)(em * px + 0.5);
    *h = px + px / 3;
    return 0;
}

/* byte length of the UTF-8 character at p */
static size_t u8len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

/* The longest prefix of s (up to its end of line) at most max_w wide, cut
 * at a space when it does not reach the end of the line; at least one
 * character. Widths grow with the prefix, so the cut is found by bisection
 * over character boundaries: a few measures per line, not one per character. */
static size_t line_cut(vw_draw *d, vw_font f, const char *s, int max_w)
{
    char buf[1024];
    size_t cut[1024], nc = 0, end = 0;
    while (s[end] && s[end] != '\n' && nc < 1023 && end + 4 < sizeof buf) {
        cut[nc++] = end;
        end += u8len(s + end);
    }
    cut[nc] = end;
    size_t lo = 1, hi = nc; /* the prefix of cut[lo] characters... */
    if (nc == 0)
        return 0;
    memcpy(buf, s, end);
    buf[end] = 0;
    if (vw_text_w(d, f, buf) <= max_w)
        return end;
    while (lo < hi) { /* ...the longest that fits (one character always goes) */
        size_t mid = (lo + hi + 1) / 2;
        memcpy(buf, s, cut[mid]);
        buf[cut[mid]] = 0;
        if (vw_text_w(d, f, buf) <= max_w)
            lo = mid;
        else
            hi = mid - 1;
    }
    for (size_t k = cut[lo]; k > 0; k--) /* back to the last space, if any */
        if (s[k] == ' ')
            return k;
    return cut[lo];
}

int vw_wrap(vw_draw *d, vw_font f, const char *s, int max_w, void (*line)(void *, const char *, size_t), void *ud)
{
    int lines = 0;
    while (*s) {
        size_t cut = line_cut(d, f, s, max_w);
        line(ud, s, cut);
        lines++;
        s += cut;
        while (*s == ' ' || *s == '\n')
            s++;
    }
    return lines;
}

/* s, or its longest whole-character prefix that fits max_w with an
 * ellipsis, in buf (found by bisection over character boundaries: a
 * measure is costly) */
static const char *fit_text(vw_draw *d, vw_font f, const char *s, int max_w, char buf[1024])
{
    if (vw_text_w(d, f, s) <= max_w)
        return s;
    size_t cut[1024], nc = 0;
    for (size_t n = 0; s[n] && n + 8 < 1024; n += u8len(s + n))
        cut[nc++] = n;
    size_t lo = 0, hi = nc; /* prefix of cut[lo] bytes fits; of cut[hi] does not (or hi == nc) */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        memcpy(buf, s, cut[mid]);
        memcpy(buf + cut[mid], "\xe2\x80\xa6", 4); /* U+2026 */
        if (vw_text_w(d, f, buf) <= max_w)
            lo = mid;
        else
            hi = mid;
    }
    memcpy(buf, s, cut[lo]);
    memcpy(buf + cut[lo], "\xe2\x80\xa6", 4);
    return buf;
}

int vw_text_fit(vw_draw *d, int x, int y, vw_font f, vw_rgba c, const char *s, int max_w)
{
    return vw_text_fit_in(d, x, y, f, c, s, max_w, VW_ALIGN_LEFT);
}

int vw_text_fit_in(vw_draw *d, int x, int y, vw_font f, vw_rgba c, const char *s, int max_w, int align)
{
    if (max_w <= 0)
        return 0;
    char buf[1024];
    const char *t = fit_text(d, f, s, max_w, buf);
    int ax = align == VW_ALIGN_RIGHT ? x + max_w : align == VW_ALIGN_CENTER ? x + max_w / 2 : x;
    return vw_text(d, ax, y, f, c, align, t);
}
