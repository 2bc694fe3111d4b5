#include "render/draw.h"

#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

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

int vw_text_w(vw_draw *d, vw_font f, const char *s)
{
    int w = 0, h = 0;
    d->measure(d->measure_ud, f, s, &w, &h);
    return w;
}

int vw_text_h(vw_draw *d, vw_font f)
{
    int w = 0, h = 0;
    d->measure(d->measure_ud, f, "Ag한", &w, &h);
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

int vw_wrap(vw_draw *d, vw_font f, const char *s, int max_w, void (*line)(void *, const char *, size_t), void *ud)
{
    char buf[1024];
    int lines = 0;
    while (*s) {
        size_t n = 0, last_space = 0;
        while (s[n] && s[n] != '\n') {
            size_t k = u8len(s + n);
            if (n + k >= sizeof buf)
                break;
            memcpy(buf, s, n + k);
            buf[n + k] = 0;
            if (vw_text_w(d, f, buf) > max_w && n > 0)
                break;
            if (s[n] == ' ')
                last_space = n;
            n += k;
        }
        size_t cut = (s[n] && s[n] != '\n' && last_space > 0) ? last_space : n;
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
